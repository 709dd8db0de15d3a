using System.Reflection.Emit;
using System.Reflection;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Runtime;
using EdgeMicro.Core.Device.Storage;
using EdgeMicro.Core.Device.Update;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Protocol;
using EdgeMicro.Core.Stats;
using EdgeMicro.Device.Tests.Support;
using EdgeMicro.Fleet.Publishing;
using EdgeMicro.Serial;

namespace EdgeMicro.Device.Tests.Core;

/// <summary>
/// The portable serial device platform (Core/Protocol/RuntimeDevicePlatform) over a DeviceRuntime on in-memory fakes:
/// the code the firmware's COM2 adapter and the virtual device's SerialEndpoint both run.
/// </summary>
public sealed class RuntimeDevicePlatformTests
{
    [Fact]
    public void Hello_WhenBooted_ReportsTheRuntimesModelClockAndMemory()
    {
        Rig r = Rig.Booted();

        DeviceInfo info = r.Client.Hello();

        Assert.Equal(("dev-1", DeviceRuntime.FirmwareVersion, "digits", 1u), (info.DeviceId, info.FirmwareVersion, info.ModelId, info.ModelVersion));
        Assert.Equal(ModelSerializer.Checksum(r.Device.Runtime.Model.Model), info.ModelCrc);
        Assert.Equal((12345, 1000u), (info.FreeMemory, info.TicksPerSecond));
    }

    [Fact]
    public void PutModel_WhenValid_IsVerifiedOnceByTheRuntimeAndServesItsClassifier()
    {
        Rig r = Rig.Booted();
        byte[] v2 = Digits.WithVersion(2);

        (string id, uint version, uint crc) = r.Client.PutModel(v2, UpdatePackage.Create(v2, Digits.FleetKey, 1).ManifestPayload());

        // Served right away (no later request re-synchronizes): the classifier INFER runs is the runtime's instance.
        Assert.Same(r.Device.Runtime.Model.Classifier, r.Handler.ActiveClassifier);
        Assert.Equal(("digits", 2u), (id, version));
        Assert.Equal(ModelSerializer.Checksum(r.Device.Runtime.Model.Model), crc);
        Assert.Equal(v2, r.Device.Storage[ModelSlots.ActiveFile]);
        Assert.Equal((1, 0), (r.Handler.UploadsActivated, r.Handler.UploadsRejected));
        JsonAccepted(r.Device);
        int[] sample = r.Device.Samples[0];
        InferenceReply reply = r.Client.Infer(sample);
        Classifier served = r.Device.Runtime.Model.Classifier;
        Assert.Equal((served.PredictedClass, served.ConfidenceQ15), (reply.PredictedClass, reply.ConfidenceQ15));
    }

    [Fact]
    public void SerialProtocol_BuildsNoClassifierAndRunsNoModelCheck_OnlyTheRuntimeGateDoes()
    {
        MemberInfo[] forbidden =
        [
            typeof(ModelCheck).GetMethod(nameof(ModelCheck.Load))!,
            typeof(ModelBlobReader).GetMethod(nameof(ModelBlobReader.Read), [typeof(byte[])])!,
            .. typeof(Classifier).GetConstructors(),
        ];

        Assert.Contains(typeof(DeviceRuntime).GetMethod(nameof(DeviceRuntime.InstallModel))!, CalledMembers(typeof(RuntimeDevicePlatform))); // the scan sees calls
        foreach (Type type in new[] { typeof(ModelReceiver), typeof(RequestHandler), typeof(SerialServer), typeof(RuntimeDevicePlatform) })
        {
            foreach (MemberInfo called in CalledMembers(type))
            {
                Assert.DoesNotContain(called, forbidden);
            }
        }
    }

    [Fact]
    public void PutModel_WhenTheSelfTestFails_IsRejectedByTheRuntimeAndTheOldModelStaysServed()
    {
        Rig r = Rig.Booted();
        Classifier before = r.Device.Runtime.Model.Classifier;

        var e = Assert.Throws<DeviceErrorException>(() => r.Client.PutModel(Digits.WithBrokenSelfTest(2), UpdatePackage.Create(Digits.WithBrokenSelfTest(2), Digits.FleetKey, 1).ManifestPayload()));

        Assert.Equal(ErrorCode.ModelRejected, e.Code);
        Assert.Contains(UpdateReasons.SelfTest, e.Message, StringComparison.Ordinal);
        Assert.Same(before, r.Handler.ActiveClassifier);
        Assert.Equal(1u, r.Client.Hello().ModelVersion);
        Assert.False(r.Device.Storage.Exists(ModelSlots.ActiveFile));
        r.Device.Runtime.Step(); // flushes the rejected event
        Assert.Equal(UpdateReasons.SelfTest, r.Device.LastEvent().GetProperty("reason").GetString());
    }

    [Fact]
    public void Hello_AfterAnMqttUpdate_ServesTheRuntimesNewModel()
    {
        Rig r = Rig.Booted();
        Assert.Equal(1u, r.Client.Hello().ModelVersion);

        r.Device.Deliver(UpdatePackage.Create(Digits.WithVersion(2), Digits.FleetKey, 1, 700));

        Assert.Equal(2u, r.Device.Version);
        Assert.Equal(2u, r.Client.Hello().ModelVersion);
        Assert.Same(r.Device.Runtime.Model.Classifier, r.Handler.ActiveClassifier);
    }

    [Fact]
    public void Stats_WhenBuiltIn_ServeTheRuntimeStatisticsAndResetThem()
    {
        Rig r = Rig.Booted(statistics: true);
        for (int i = 0; i < 5; i++)
        {
            r.Device.Platform.NowMs += 100;
            r.Device.Runtime.Step();
        }

        byte[] bytes = r.Client.GetStatsReport();
        StatsReport report = StatsFormat.Read(bytes, 0, bytes.Length);
        byte[] sampleBytes = r.Client.GetSamples(3);
        StatsReport samples = StatsFormat.Read(sampleBytes, 0, sampleBytes.Length);
        r.Client.ResetStats();

        Assert.Equal(("dev-1", "digits", 1u), (report.DeviceId, report.ModelId, report.ModelVersion));
        Assert.Equal((int)r.Device.Runtime.SampleCount, report.Counters!.InferenceCount);
        Assert.Equal("dev-1", samples.DeviceId);
        Assert.InRange(samples.Samples!.Length, 0, 3);
        Assert.Equal(0, r.Statistics!.Current!.Counters.InferenceCount);
    }

    [Fact]
    public void Stats_WhenNotBuiltIn_AnswerUnsupported()
    {
        Rig r = Rig.Booted(statistics: false);

        Assert.Equal(ErrorCode.Unsupported, Assert.Throws<DeviceErrorException>(() => r.Client.GetStats()).Code);
        Assert.Equal(ErrorCode.Unsupported, Assert.Throws<DeviceErrorException>(() => r.Client.GetSamples(1)).Code);
        Assert.Equal(ErrorCode.Unsupported, Assert.Throws<DeviceErrorException>(() => r.Client.ResetStats()).Code);
    }

    [Fact]
    public void Handle_WhenARequestIsRepeated_ReplaysTheCachedResponse()
    {
        Rig r = Rig.Booted();
        var decoder = new FrameDecoder();
        byte[] request = FrameEncoder.Encode(MessageType.Infer, 77, EdgeMicro.Core.Protocol.SamplePayload.Encode(r.Device.Samples[0]));
        decoder.Feed(request, 0, request.Length);
        Frame frame = decoder.Next()!;

        byte[] first = r.Handler.Handle(frame);
        byte[] again = r.Handler.Handle(frame);

        Assert.Same(first, again);
    }

    private static void JsonAccepted(DeviceHarness d)
    {
        d.Runtime.Step(); // flushes the accepted event
        System.Text.Json.JsonElement accepted = d.Events(PayloadFields.EventAccepted).Single();
        Assert.Equal(DeviceRuntime.LocalInstallDetail, accepted.GetProperty("detail").GetString());
    }

    /// <summary>Methods and constructors a type's own methods call (call, callvirt, newobj operands).</summary>
    private static IEnumerable<MemberInfo> CalledMembers(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        var calls = new HashSet<short> { OpCodes.Call.Value, OpCodes.Callvirt.Value, OpCodes.Newobj.Value };
        foreach (MethodBase method in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            byte[] il = method.GetMethodBody()?.GetILAsByteArray() ?? [];
            for (int i = 0; i + 4 < il.Length; i++)
            {
                if (!calls.Contains(il[i]))
                {
                    continue;
                }

                MemberInfo? member;
                try
                {
                    member = type.Module.ResolveMember(BitConverter.ToInt32(il, i + 1));
                }
                catch (ArgumentException)
                {
                    member = null; // operand bytes of another instruction, not a call
                }

                if (member is not null)
                {
                    yield return member;
                }
            }
        }
    }

    /// <summary>A booted runtime, the core platform and handler over it, and a host client on a synchronous port.</summary>
    private sealed record Rig(DeviceHarness Device, RuntimeStatistics? Statistics, RequestHandler Handler, DeviceClient Client)
    {
        public static Rig Booted(bool statistics = false)
        {
            var d = new DeviceHarness(extraConfig: ",\"stats_every_samples\":0");
            RuntimeStatistics? stats = statistics ? new RuntimeStatistics("dev-1") : null;
            d.Ports.Statistics = stats;
            d.Boot();
            var handler = new RequestHandler(new RuntimeDevicePlatform("dev-1", d.Runtime, stats, d.Platform));
            var client = new DeviceClient(new ServedPort(new SerialServer(handler)), new DeviceClientOptions { TimeoutMs = 1000, Retries = 0 });
            return new Rig(d, stats, handler, client);
        }
    }
}
