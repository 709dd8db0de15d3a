using EdgeMicro.Core.Checksums;
using ActiveModel = EdgeMicro.Core.Device.Update.ActiveModel;
using ModelSlots = EdgeMicro.Core.Device.Storage.ModelSlots;
using UpdateReasons = EdgeMicro.Core.Device.Update.UpdateReasons;
using UpdateManifest = EdgeMicro.Core.Device.Update.UpdateManifest;
using UpdateMessages = EdgeMicro.Core.Device.Update.UpdateMessages;
using EdgeMicro.Fleet.Publishing;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Protocol;
using EdgeMicro.Core.Stats;
using EdgeMicro.Device.Serial;
using EdgeMicro.Serial;
using EdgeMicro.Serial.Tests.Support;

namespace EdgeMicro.Serial.Tests;

/// <summary>
/// The device side of the serial protocol as the firmware runs it: the real virtual device (DeviceRuntime with model
/// slots and update gate, no broker) over the in-memory serial pair.
/// </summary>
public sealed class RequestHandlerTests
{
    [Fact]
    public void PutModel_WhenTheBlobIsValid_ActivatesItAndPersistsIt()
    {
        using var link = new Link("digits");
        byte[] v2 = File.ReadAllBytes(Models.Blob("digits-v2"));

        var (id, version, crc) = link.Client.PutSigned(v2);

        Assert.Equal("digits", id);
        Assert.Equal(2u, version);
        Assert.Equal(ModelSerializer.Checksum(ModelBlobReader.Read(v2).Model), crc);
        Assert.Equal(crc, link.Handler.ActiveModelCrc);
        Assert.Equal(v2, link.ActiveSlot());
        Assert.Equal(2u, link.Client.Hello().ModelVersion);
        Assert.Equal(2u, link.Device.Runtime.Model.Model.ModelVersion);
    }

    [Fact]
    public void PutModel_WhenABlobByteIsFlipped_RejectsItAndKeepsTheActiveModel()
    {
        using var link = new Link("digits");
        byte[] v2 = File.ReadAllBytes(Models.Blob("digits-v2"));
        v2[v2.Length / 2] ^= 0x10; // the host computes the transfer CRC over the corrupted bytes: only the blob's own CRCs catch it

        var e = Assert.Throws<DeviceErrorException>(() => link.Client.PutSigned(v2));

        Assert.Equal(ErrorCode.ModelRejected, e.Code);
        Assert.Contains("CRC", e.Message, StringComparison.Ordinal);
        AssertStillDigitsV1(link);
    }

    [Fact]
    public void PutModel_WhenTheWeightsChangeButCrcsAreRecomputed_FailsTheSelfTestAndIsNotActivated()
    {
        using var link = new Link("digits");
        ModelBlob blob = ModelBlobReader.Read(File.ReadAllBytes(Models.Blob("digits-v2")));
        sbyte[] weights = blob.Model.Layers[^1].Weights;
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (sbyte)(weights[i] == sbyte.MinValue ? sbyte.MaxValue : -weights[i]);
        }

        byte[] tampered = ModelBlobWriter.Write(blob); // well-formed, every CRC valid, but not the model the self-tests describe

        var e = Assert.Throws<DeviceErrorException>(() => link.Client.PutSigned(tampered));

        Assert.Equal(ErrorCode.ModelRejected, e.Code);
        Assert.Contains("self-test", e.Message, StringComparison.Ordinal);
        AssertStillDigitsV1(link);
    }

    [Fact]
    public void PutModel_WhenTheDeclaredCrcOrSizeIsWrong_RejectsTheUpload()
    {
        using var link = new Link("digits");
        byte[] wine = File.ReadAllBytes(Models.Blob("wine"));
        link.Client.Request(MessageType.PutModelBegin, ManifestWithCrc(wine, Crc32.Compute(wine) ^ 1), MessageType.Ack);
        link.Client.Request(MessageType.PutModelChunk, Payloads.Chunk(0, wine, 0, 100), MessageType.Ack);

        var incomplete = Assert.Throws<DeviceErrorException>(() => link.Client.Request(MessageType.PutModelCommit, [], MessageType.ModelActivated));
        Assert.Contains("incomplete", incomplete.Message, StringComparison.Ordinal);

        link.Client.Request(MessageType.PutModelBegin, ManifestWithCrc(wine, Crc32.Compute(wine) ^ 1), MessageType.Ack);
        for (int offset = 0; offset < wine.Length; offset += 200)
        {
            link.Client.Request(MessageType.PutModelChunk, Payloads.Chunk((uint)offset, wine, offset, Math.Min(200, wine.Length - offset)), MessageType.Ack);
        }

        var badCrc = Assert.Throws<DeviceErrorException>(() => link.Client.Request(MessageType.PutModelCommit, [], MessageType.ModelActivated));
        Assert.Contains("declared", badCrc.Message, StringComparison.Ordinal);
        var outOfOrder = Assert.Throws<DeviceErrorException>(() => link.Client.Request(MessageType.PutModelChunk, Payloads.Chunk(0, wine, 0, 10), MessageType.Ack));
        Assert.Equal(ErrorCode.UploadState, outOfOrder.Code);
        Assert.Equal("digits", link.Client.Hello().ModelId);
    }

    [Fact]
    public void PutModel_WhenUnsignedWronglySignedOrOlder_IsRejectedAndTheActiveModelStays()
    {
        using var link = new Link("digits");
        byte[] v1 = File.ReadAllBytes(Models.Blob("digits")), v2 = File.ReadAllBytes(Models.Blob("digits-v2"));

        var unsigned = Assert.Throws<DeviceErrorException>(() => link.Client.Request(MessageType.PutModelBegin, Payloads.UInt32Pair((uint)v2.Length, Crc32.Compute(v2)), MessageType.Ack));
        Assert.Equal(ErrorCode.BadRequest, unsigned.Code);
        Assert.Contains("signed manifest", unsigned.Message, StringComparison.Ordinal);
        var wrongKey = Assert.Throws<DeviceErrorException>(() => link.Client.PutSigned(v2, new byte[32]));
        Assert.Equal(ErrorCode.ModelRejected, wrongKey.Code);
        Assert.Contains(UpdateReasons.Signature, wrongKey.Message, StringComparison.Ordinal);
        byte[] otherBlob = File.ReadAllBytes(Models.Blob("digits-cnn"));
        var swapped = Assert.Throws<DeviceErrorException>(() => link.Client.PutModel(otherBlob, UpdatePackage.Create(v2, Devices.FleetKey, 1).ManifestPayload()));
        Assert.Equal(ErrorCode.ModelRejected, swapped.Code); // another blob than the signed one: size, CRC or hash differ
        Assert.Equal(("digits", 1u), (link.Client.Hello().ModelId, link.Client.Hello().ModelVersion));
        Assert.Null(link.ActiveSlot());

        Assert.Equal(2u, link.Client.PutSigned(v2).Version);
        var older = Assert.Throws<DeviceErrorException>(() => link.Client.PutSigned(v1));
        Assert.Contains(UpdateReasons.Rollback, older.Message, StringComparison.Ordinal);
        Assert.Equal(2u, link.Client.Hello().ModelVersion);
    }

    private static byte[] ManifestWithCrc(byte[] blob, uint crc)
    {
        UpdateManifest m = UpdatePackage.Create(blob, Devices.FleetKey, 1).Manifest;
        m.Crc32 = crc;
        UpdateMessages.Sign(m, Devices.FleetKey);
        var w = new EdgeMicro.Core.Device.Messaging.PayloadWriter(512);
        UpdateMessages.WriteManifest(w, m);
        return w.Buffer.AsSpan(0, w.Length).ToArray();
    }

    [Fact]
    public void PutModel_WhenTheModelDoesNotFitTheSensor_IsRejectedByTheRuntimeGate()
    {
        using var link = new Link("digits");

        var e = Assert.Throws<DeviceErrorException>(() => link.Client.PutSigned(File.ReadAllBytes(Models.Blob("wine"))));

        Assert.Equal(ErrorCode.ModelRejected, e.Code);
        Assert.Contains(UpdateReasons.Incompatible, e.Message, StringComparison.Ordinal);
        AssertStillDigitsV1(link);
    }

    [Fact]
    public void Infer_WhenTheVectorHasTheWrongSize_AnswersWithAClearError()
    {
        using var link = new Link("wine");

        var e = Assert.Throws<DeviceErrorException>(() => link.Client.Infer(new int[64]));

        Assert.Equal(ErrorCode.WrongInputSize, e.Code);
        Assert.Contains("takes 13 features, got 64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_WhenNotBuiltIn_AnswerUnsupported()
    {
        using var link = new Link("wine", statistics: false);

        Assert.Equal(ErrorCode.Unsupported, Assert.Throws<DeviceErrorException>(() => link.Client.GetStats()).Code);
        Assert.Equal(ErrorCode.Unsupported, Assert.Throws<DeviceErrorException>(() => link.Client.GetSamples(10)).Code);
        Assert.Equal(ErrorCode.Unsupported, Assert.Throws<DeviceErrorException>(() => link.Client.ResetStats()).Code);
    }

    [Fact]
    public void Stats_WhenBuiltIn_ReportTheRunningModelAndReset()
    {
        using var link = new Link("wine");

        byte[] reportBytes = link.Client.GetStatsReport();
        StatsReport report = StatsFormat.Read(reportBytes, 0, reportBytes.Length);
        link.Client.ResetStats();
        byte[] sampleBytes = link.Client.GetSamples(10);
        StatsReport samples = StatsFormat.Read(sampleBytes, 0, sampleBytes.Length);

        Assert.Equal(("virtual-1", "wine", 1u), (report.DeviceId, report.ModelId, report.ModelVersion));
        Assert.Equal(("virtual-1", "wine"), (samples.DeviceId, samples.ModelId));
    }

    private static void AssertStillDigitsV1(Link link)
    {
        DeviceInfo info = link.Client.Hello();
        Assert.Equal(("digits", 1u), (info.ModelId, info.ModelVersion));
        Assert.Equal(ActiveModel.SourceCompiled, link.Device.Runtime.Model.Source);
        Assert.Null(link.ActiveSlot());
        Assert.Equal(0, link.Handler.UploadsActivated);
        Assert.Equal(1, link.Handler.UploadsRejected);
    }

    /// <summary>Virtual device and client over an in-memory link.</summary>
    private sealed class Link : IDisposable
    {
        private readonly ISerialPort _host;
        private readonly SerialVirtualDevice _device;

        public Link(string modelKey, bool statistics = true)
        {
            var (host, device) = MemorySerialPair.Create();
            _host = host;
            _device = Devices.Serve(device, modelKey, statistics);
            Client = new DeviceClient(host, new DeviceClientOptions { TimeoutMs = 2000, Retries = 0 });
        }

        public EdgeMicro.Device.VirtualDevice Device => _device.Device;

        public RequestHandler Handler => Device.Serial!.Server.Handler;

        public DeviceClient Client { get; }

        public byte[]? ActiveSlot()
        {
            string path = Path.Combine(Device.Storage.Directory, ModelSlots.ActiveFile);
            return File.Exists(path) ? File.ReadAllBytes(path) : null;
        }

        public void Dispose()
        {
            _device.Dispose();
            _host.Dispose();
        }
    }
}
