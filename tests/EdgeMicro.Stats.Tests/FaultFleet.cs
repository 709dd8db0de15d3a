using System.Globalization;
using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Device;
using EdgeMicro.Fleet.Stats;
using EdgeMicro.Messaging;
using EdgeMicro.TestKit;

namespace EdgeMicro.Stats.Tests;

/// <summary>
/// Virtual devices (the real firmware runtime) replaying labelled digits over a real mosquitto started WITHOUT
/// persistence, for the delivery fault tests: start, reboot, drain (until the host acknowledged everything), and
/// the exactly-once check against the store. Device count: EDGEMICRO_FAULT_DEVICES (default 10; the full run is 100,
/// see tests/soak/delivery-faults.sh).
/// </summary>
internal sealed class FaultFleet : IAsyncDisposable
{
    private readonly string _csv;
    private readonly Dictionary<string, long> _samplesBeforeReboot = [];

    public FaultFleet(TempDirectory dir, int rows)
    {
        Dir = dir.Path;
        Rows = rows;
        string[] lines = File.ReadAllLines(DigitsModel.Data("digits_test.csv"));
        _csv = Path.Combine(Dir, "replay.csv");
        File.WriteAllLines(_csv, lines.Take(rows + 1));
    }

    public static int DeviceCount => int.TryParse(Environment.GetEnvironmentVariable("EDGEMICRO_FAULT_DEVICES"), CultureInfo.InvariantCulture, out int n) ? n : 10;

    public MosquittoBroker Broker { get; } = MosquittoBroker.WithoutPersistence();

    public string Dir { get; }

    public int Rows { get; }

    public string Db => Path.Combine(Dir, "fleet.db");

    public List<VirtualDevice> Devices { get; } = [];

    public PullOptions Pull(string clientId = "fault-puller") => new() { Host = Broker.Host, Port = Broker.Port, ClientId = clientId, Idle = TimeSpan.FromMinutes(10), MaxBackoff = TimeSpan.FromMilliseconds(500) };

    public VirtualDeviceOptions Options(string id) => new()
    {
        Config = DeviceConfigParser.Parse(System.Text.Encoding.UTF8.GetBytes(
            $$"""{"device_id":"{{id}}","mqtt_host":"{{Broker.Host}}","mqtt_port":{{Broker.Port}},"fleet_key":"000102030405060708090a0b0c0d0e0f","sensor":"replay","sample_period_ms":25,"outbox_capacity":2048,"ack_timeout_ms":1500,"persist_period_ms":500,"stats_every_samples":20,"status_period_ms":2000}""")),
        ReplayPath = _csv,
        CompiledModel = DigitsModel.BlobBytes,
        StorageDirectory = Path.Combine(Dir, id),
        Loop = false,
        StopWhenDone = false,
    };

    public async Task StartAsync(int count)
    {
        for (int i = 0; i < count; i++)
        {
            var d = new VirtualDevice(Options("fault-" + i.ToString(CultureInfo.InvariantCulture)));
            Devices.Add(d);
            await d.Start().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }

    /// <summary>Reboots a device: its loop stops (what is unacknowledged goes to I:), a new runtime boots on the same I:.</summary>
    public async Task RebootAsync(int index)
    {
        VirtualDevice old = Devices[index];
        await old.StopAsync(graceful: false);
        _samplesBeforeReboot[old.DeviceId] = _samplesBeforeReboot.GetValueOrDefault(old.DeviceId) + old.Runtime.SampleCount;
        var d = new VirtualDevice(Options(old.DeviceId));
        Devices[index] = d;
        await d.Start().WaitAsync(TimeSpan.FromSeconds(30));
    }

    public long SamplesOf(VirtualDevice d) => _samplesBeforeReboot.GetValueOrDefault(d.DeviceId) + d.Runtime.SampleCount;

    /// <summary>Waits until every device replayed its rows and the host acknowledged every message and window.</summary>
    public async Task DrainAsync(TimeSpan timeout)
    {
        await using var cmd = new BrokerConnection(new BrokerOptions { Host = Broker.Host, Port = Broker.Port, ClientId = "fault-cmd", PersistentSession = false });
        await cmd.StartAsync();
        var writer = new PayloadWriter(128);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            bool done = true;
            foreach (VirtualDevice d in Devices)
            {
                bool finished = d.Sensor.Finished;
                bool window = (d.Statistics!.Current?.Counters.InferenceCount ?? 0) > 0;
                if (finished && window && !d.Runtime.StatsPending)
                {
                    // The last partial window: ask for it as a user would.
                    DeviceCommands.Write(writer, DeviceCommands.PullStats, 1, 0);
                    await cmd.TryPublishAsync(TopicLayout.Of(d.DeviceId, TopicLayout.CommandLeaf), writer.Buffer.AsMemory(0, writer.Length).ToArray(), false);
                }

                done &= finished && !window && d.Runtime.Outbox.Count == 0 && !d.Runtime.StatsPending;
            }

            if (done)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                string state = string.Join("; ", Devices.Where(d => d.Runtime.Outbox.Count > 0 || d.Runtime.StatsPending).Take(5).Select(d => $"{d.DeviceId}: queued {d.Runtime.Outbox.Count}, stats pending {d.Runtime.StatsPending}, finished {d.Sensor.Finished}"));
                throw new TimeoutException("the fleet did not drain: " + state);
            }

            await Task.Delay(250);
        }
    }

    /// <summary>The exactly-once account: (lost, duplicated) results, labels and window inferences over all devices.</summary>
    public (long Lost, long Duplicated, string Detail) Check(StatsStore store)
    {
        var results = store.MessageKeys(PayloadFields.TypeResult).GroupBy(k => k.DeviceId).ToDictionary(g => g.Key, g => (long)g.Count());
        var labels = store.MessageKeys(PayloadFields.TypeLabel).GroupBy(k => k.DeviceId).ToDictionary(g => g.Key, g => (long)g.Count());
        var windows = store.Reports().GroupBy(r => r.Report.DeviceId).ToDictionary(g => g.Key, g => (long)g.Sum(r => r.Report.Counters?.InferenceCount ?? 0));
        long lost = 0, duplicated = 0;
        var detail = new List<string>();
        foreach (VirtualDevice d in Devices)
        {
            long samples = SamplesOf(d);
            foreach ((string what, Dictionary<string, long> counts) in new[] { ("results", results), ("labels", labels), ("window inferences", windows) })
            {
                long stored = counts.GetValueOrDefault(d.DeviceId);
                lost += Math.Max(0, samples - stored);
                duplicated += Math.Max(0, stored - samples);
                if (stored != samples)
                {
                    detail.Add($"{d.DeviceId} {what}: {stored} stored of {samples}");
                }
            }
        }

        long gaps = store.Gaps().Sum(g => g.Missing);
        return (lost + gaps, duplicated, string.Join("; ", detail.Take(10)) + $" (gaps {gaps})");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (VirtualDevice d in Devices)
        {
            await d.DisposeAsync();
        }

        Broker.Dispose();
    }
}
