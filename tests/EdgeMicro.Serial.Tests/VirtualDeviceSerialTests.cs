using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Storage;
using EdgeMicro.Core.Device.Update;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Protocol;
using EdgeMicro.Core.Stats;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Stats;
using EdgeMicro.Serial.Tests.Support;
using EdgeMicro.Serial;
using RuntimeDevice = EdgeMicro.Device.VirtualDevice;
using RuntimeDeviceOptions = EdgeMicro.Device.VirtualDeviceOptions;

namespace EdgeMicro.Serial.Tests;

/// <summary>The firmware-runtime virtual device (EdgeMicro.Device) serving the framed serial protocol on a socat pty.</summary>
public sealed class VirtualDeviceSerialTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgemicro-vdev-serial-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task StatsPullSerial_WhenTheVirtualDeviceReplayed_StoresItsWindowAndTheNextPullOnlyNewSamples()
    {
        using var socat = new SocatPair();
        await using RuntimeDevice device = await StartAsync(socat.First, rows: 40);
        string db = Path.Combine(_dir, "stats.db");

        var (code, output, err) = CliRunner.Run("stats", "pull", "--serial", socat.Second, "--store", db, "--device", "serial-1");
        Assert.True(code == 0, output + err);
        var (code2, output2, err2) = CliRunner.Run("stats", "pull", "--serial", socat.Second, "--store", db);
        Assert.True(code2 == 0, output2 + err2);

        using var store = new StatsStore(db);
        List<StoredReport> reports = [.. store.Reports()];
        Assert.Equal([0u, 1u], reports.Select(r => r.Report.ReportSequence).Order());
        Assert.Equal(40, reports.Sum(r => r.Report.Counters!.InferenceCount));
        Assert.True(StatsFormat.Write(reports.Single(r => r.Report.ReportSequence == 0).Report).Length > FrameFormat.MaxPayload); // read in pieces
        Assert.Equal(40, reports.Sum(r => r.Report.Counters!.LabelCount));
        Assert.All(reports, r => Assert.Equal(("serial-1", "digits", 1u), (r.Report.DeviceId, r.Report.ModelId, r.Report.ModelVersion)));

        var (wrong, _, wrongErr) = CliRunner.Run("stats", "pull", "--serial", socat.Second, "--store", db, "--device", "other");
        Assert.NotEqual(0, wrong);
        Assert.Contains("device serial-1 answered, expected other", wrongErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PutModel_WhenSentOverSerial_GoesThroughTheRuntimeUpdateGate()
    {
        using var socat = new SocatPair();
        await using RuntimeDevice device = await StartAsync(socat.First, rows: 5);
        using var port = SystemSerialPort.Open(socat.Second);
        var client = new DeviceClient(port);

        DeviceInfo info = client.Hello();
        Assert.Equal(("serial-1", "digits", 1u), (info.DeviceId, info.ModelId, info.ModelVersion));
        int[] sample = RawSamples.ToFixed(device.Sensor.Data.Features[0], info.InputFractionBits);
        var twin = new Classifier(ModelBlobReader.Read(File.ReadAllBytes(Models.Blob("digits"))).Model);
        twin.Classify(sample);
        InferenceReply reply = client.Infer(sample);
        Assert.Equal((twin.PredictedClass, twin.ConfidenceQ15), (reply.PredictedClass, reply.ConfidenceQ15));

        // A valid model that does not fit the sensor passes the link checks but not the runtime's gate.
        DeviceErrorException rejected = Assert.Throws<DeviceErrorException>(() => client.PutSigned(File.ReadAllBytes(Models.Blob("wine"))));
        Assert.Equal(ErrorCode.ModelRejected, rejected.Code);
        Assert.Contains(UpdateReasons.Incompatible, rejected.Message, StringComparison.Ordinal);
        Assert.Equal(1u, device.Runtime.Model.Model.ModelVersion);

        byte[] v2 = File.ReadAllBytes(Models.Blob("digits-v2"));
        (string id, uint version, _) = client.PutSigned(v2);
        Assert.Equal(("digits", 2u), (id, version));
        Assert.Equal(2u, device.Runtime.Model.Model.ModelVersion);
        Assert.Equal(v2, File.ReadAllBytes(Path.Combine(device.Storage.Directory, ModelSlots.ActiveFile)));
        Assert.Equal(2u, client.Hello().ModelVersion);
        Assert.Equal(2u, device.Statistics!.CurrentModelVersion);
    }

    [Fact]
    public async Task Hil_WhenRunAgainstTheFirmwareRuntimeVirtualDevice_MatchesTheHostTwin()
    {
        using var socat = new SocatPair();
        await using RuntimeDevice device = await StartAsync(socat.First, rows: 5);

        var (code, output, err) = CliRunner.Run("hil", "--port", socat.Second, "--model", Models.Dir("digits"), "--test", Models.TestCsv("digits"), "--json");

        Assert.True(code == 0, output + err);
        using var json = System.Text.Json.JsonDocument.Parse(output);
        Assert.Equal(540, json.RootElement.GetProperty("compared").GetInt32());
        Assert.Equal(0, json.RootElement.GetProperty("mismatchCount").GetInt32());
    }

    private async Task<RuntimeDevice> StartAsync(string serial, int rows)
    {
        string csv = Path.Combine(_dir, "replay.csv");
        File.WriteAllLines(csv, File.ReadLines(Models.TestCsv("digits")).Take(rows + 1));
        DeviceConfig config = DeviceConfigParser.Parse(System.Text.Encoding.UTF8.GetBytes(
            """{"device_id":"serial-1","mqtt_host":"127.0.0.1","mqtt_port":9,"fleet_key":"00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff","sensor":"replay","sample_period_ms":2,"stats_every_samples":0}"""));
        var device = new RuntimeDevice(new RuntimeDeviceOptions
        {
            Config = config, ReplayPath = csv, CompiledModel = File.ReadAllBytes(Models.Blob("digits")),
            StorageDirectory = Path.Combine(_dir, "drive"), SerialPort = serial,
        });
        await device.Start().WaitAsync(TimeSpan.FromSeconds(20));
        for (int i = 0; i < 500 && !device.Sensor.Finished; i++)
        {
            await Task.Delay(10);
        }

        Assert.True(device.Sensor.Finished);
        await Task.Delay(50);
        return device;
    }
}
