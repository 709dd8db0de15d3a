using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Protocol;
using EdgeMicro.Serial;
using EdgeMicro.Serial.Tests.Support;

namespace EdgeMicro.Serial.Tests;

public sealed class RequestHandlerTests
{
    [Fact]
    public void PutModel_WhenTheBlobIsValid_ActivatesItAndPersistsIt()
    {
        using var link = new Link(Models.Blob("digits"));
        byte[] wine = File.ReadAllBytes(Models.Blob("wine"));

        var (id, version, crc) = link.Client.PutModel(wine);

        Assert.Equal("wine", id);
        Assert.Equal(1u, version);
        Assert.Equal(ModelSerializer.Checksum(ModelBlobReader.Read(wine).Model), crc);
        Assert.Equal(crc, link.Device.Handler.ActiveModelCrc);
        Assert.Equal(wine, link.Device.StoredModel);
        Assert.Equal("wine", link.Client.Hello().ModelId);
    }

    [Fact]
    public void PutModel_WhenABlobByteIsFlipped_RejectsItAndKeepsTheActiveModel()
    {
        using var link = new Link(Models.Blob("digits"));
        byte[] before = link.Device.StoredModel!;
        byte[] wine = File.ReadAllBytes(Models.Blob("wine"));
        wine[wine.Length / 2] ^= 0x10; // the host computes the transfer CRC over the corrupted bytes: only the blob's own CRCs catch it

        var e = Assert.Throws<DeviceErrorException>(() => link.Client.PutModel(wine));

        Assert.Equal(ErrorCode.ModelRejected, e.Code);
        Assert.Contains("CRC", e.Message, StringComparison.Ordinal);
        AssertStillDigits(link, before);
    }

    [Fact]
    public void PutModel_WhenTheWeightsChangeButCrcsAreRecomputed_FailsTheSelfTestAndIsNotActivated()
    {
        using var link = new Link(Models.Blob("digits"));
        byte[] before = link.Device.StoredModel!;
        ModelBlob blob = ModelBlobReader.Read(File.ReadAllBytes(Models.Blob("wine")));
        sbyte[] weights = blob.Model.Layers[^1].Weights;
        for (int i = 0; i < weights.Length; i++)
        {
            weights[i] = (sbyte)(weights[i] == sbyte.MinValue ? sbyte.MaxValue : -weights[i]);
        }

        byte[] tampered = ModelBlobWriter.Write(blob); // well-formed, every CRC valid, but not the model the self-tests describe

        var e = Assert.Throws<DeviceErrorException>(() => link.Client.PutModel(tampered));

        Assert.Equal(ErrorCode.ModelRejected, e.Code);
        Assert.Contains("self-test", e.Message, StringComparison.Ordinal);
        AssertStillDigits(link, before);
    }

    [Fact]
    public void PutModel_WhenTheDeclaredCrcOrSizeIsWrong_RejectsTheUpload()
    {
        using var link = new Link(Models.Blob("digits"));
        byte[] wine = File.ReadAllBytes(Models.Blob("wine"));
        link.Client.Request(MessageType.PutModelBegin, Payloads.UInt32Pair((uint)wine.Length, Crc32.Compute(wine) ^ 1), MessageType.Ack);
        link.Client.Request(MessageType.PutModelChunk, Payloads.Chunk(0, wine, 0, 100), MessageType.Ack);

        var incomplete = Assert.Throws<DeviceErrorException>(() => link.Client.Request(MessageType.PutModelCommit, [], MessageType.ModelActivated));
        Assert.Contains("incomplete", incomplete.Message, StringComparison.Ordinal);

        link.Client.Request(MessageType.PutModelBegin, Payloads.UInt32Pair((uint)wine.Length, Crc32.Compute(wine) ^ 1), MessageType.Ack);
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
    public void Handle_WhenARequestIsRepeated_ReplaysTheCachedResponse()
    {
        var platform = new VirtualDevice(MemorySerialPair.Create().Device, File.ReadAllBytes(Models.Blob("wine")));
        using (platform)
        {
            var handler = new RequestHandler(platform);
            ModelBlob blob = ModelBlobReader.Read(File.ReadAllBytes(Models.Blob("wine")));
            handler.Activate(blob, new Classifier(blob.Model));
            var decoder = new FrameDecoder();
            byte[] request = FrameEncoder.Encode(MessageType.Infer, 77, Payloads.Sample(blob.SelfTestSamples[0]));
            decoder.Feed(request, 0, request.Length);
            Frame frame = decoder.Next()!;

            byte[] first = handler.Handle(frame);
            byte[] again = handler.Handle(frame);

            Assert.Same(first, again);
        }
    }

    [Fact]
    public void Infer_WhenTheVectorHasTheWrongSize_AnswersWithAClearError()
    {
        using var link = new Link(Models.Blob("wine"));

        var e = Assert.Throws<DeviceErrorException>(() => link.Client.Infer(new int[64]));

        Assert.Equal(ErrorCode.WrongInputSize, e.Code);
        Assert.Contains("takes 13 features, got 64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Stats_WhenNotBuiltIn_AnswerUnsupportedAndOpaqueBytesPassThroughWhenPresent()
    {
        using var link = new Link(Models.Blob("wine"));

        Assert.Equal(ErrorCode.Unsupported, Assert.Throws<DeviceErrorException>(() => link.Client.GetStats()).Code);
        Assert.Equal(ErrorCode.Unsupported, Assert.Throws<DeviceErrorException>(() => link.Client.GetSamples(10)).Code);
        link.Device.Statistics = [1, 2, 3];
        Assert.Equal([1, 2, 3], link.Client.GetStats());
        link.Client.ResetStats();
        Assert.Empty(link.Client.GetStats());
    }

    private static void AssertStillDigits(Link link, byte[] before)
    {
        Assert.Equal("digits", link.Client.Hello().ModelId);
        Assert.Same(before, link.Device.StoredModel);
        Assert.Equal(0, link.Device.Handler.UploadsActivated);
        Assert.Equal(1, link.Device.Handler.UploadsRejected);
    }

    /// <summary>Virtual device and client over an in-memory link.</summary>
    private sealed class Link : IDisposable
    {
        private readonly ISerialPort _host;

        public Link(string blobPath)
        {
            var (host, device) = MemorySerialPair.Create();
            _host = host;
            Device = new VirtualDevice(device, File.ReadAllBytes(blobPath));
            Client = new DeviceClient(host, new DeviceClientOptions { TimeoutMs = 2000, Retries = 0 });
        }

        public VirtualDevice Device { get; }

        public DeviceClient Client { get; }

        public void Dispose()
        {
            Device.Dispose();
            _host.Dispose();
        }
    }
}
