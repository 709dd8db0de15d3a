using System.Diagnostics;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Stats;
using EdgeMicro.Device.Tests.Support;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Stats;
using EdgeMicro.TestKit;
using Xunit.Abstractions;

namespace EdgeMicro.Device.Tests.Virtual;

/// <summary>Issue 4's fleet acceptance on real virtual devices (the firmware runtime) through a real broker.</summary>
[Collection("broker")]
public sealed class StatsFleetTests(MosquittoBroker broker, ITestOutputHelper output) : IClassFixture<MosquittoBroker>
{
    private const int Devices = 20;
    private const int Window = 50;

    [Fact]
    public async Task StatsPull_WhenTwentyVirtualDevicesReplayImbalancedStreams_StoresOnceAndMergesToTheConcatenatedStream()
    {
        var clock = Stopwatch.StartNew();
        await using var v = new Support.Virtual(broker);
        string db = Path.Combine(v.Directory, "stats.db");
        var pull = new PullOptions { Host = broker.Host, Port = broker.Port, ClientId = "fleet-puller", Idle = TimeSpan.FromSeconds(0.5) };
        using (var store = new StatsStore(db))
        {
            // Opens the persistent session, so every window published from now on is queued for the next pull.
            await StatsPuller.PullAsync(pull, store, null, CancellationToken.None);
        }

        var random = new Random(2026);
        string[] lines = File.ReadAllLines(Digits.TestCsv);
        int labelColumn = Array.IndexOf(lines[0].Split(','), "label");
        int[] labels = lines.Skip(1).Select(l => int.Parse(l.Split(',')[labelColumn], System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var devices = new List<VirtualDevice>();
        for (int d = 0; d < Devices; d++)
        {
            string id = "fleet-stats-" + d.ToString(System.Globalization.CultureInfo.InvariantCulture);
            string csv = Path.Combine(v.Directory, id + ".csv");
            int[] rows = ImbalancedStream(labels, random.Next(60, 140), random);
            File.WriteAllLines(csv, [lines[0], .. rows.Select(r => lines[r + 1])]);
            VirtualDeviceOptions options = v.Options(id, loop: false, periodMs: 1) with { ReplayPath = csv };
            options.Config.StatsEverySamples = Window;

            // No puller runs while the devices replay (the broker's persistent session queues the reports): without
            // host acknowledgements the windows would merge into one waiting report, so this test uses the
            // broker-acknowledged mode (ack_timeout_ms 0); the acknowledged mode is tested in DeliveryFaultTests.
            options.Config.AckTimeoutMs = 0;
            devices.Add(await v.StartAsync(options));
        }

        await Task.WhenAll(devices.Select(d => d.WaitAsync(CancellationToken.None))).WaitAsync(TimeSpan.FromSeconds(60));
        int expectedReports = devices.Sum(d => d.Statistics!.Published);
        Assert.All(devices, d => Assert.Equal((d.Sensor.RowCount / Window) + 1, d.Statistics!.Published));
        output.WriteLine($"{Devices} devices replayed {devices.Sum(d => d.Sensor.RowCount)} samples in {clock.Elapsed.TotalSeconds:F1} s, {expectedReports} reports");

        PullResult first, second;
        using (var store = new StatsStore(db))
        {
            first = await StatsPuller.PullAsync(pull with { Idle = TimeSpan.FromSeconds(1.5) }, store, null, CancellationToken.None);
            output.WriteLine(first.ToJson());
            Assert.Equal((expectedReports, 0), ((int)store.Count().Reports, first.Invalid));
            Assert.Equal(store.Count().Reports + store.CountMessages(), first.Stored);
            Assert.Equal(Devices, first.Devices.Count);
            DeviceSummary merged = StatsSummary.Build(store.Reports()).Single(s => s.DeviceId == DeviceSummary.AllDevices);
            StatsCounters reference = Reference(devices);
            Assert.Equal(Comparable(reference), Comparable(merged.Counters));
            Assert.Equal(devices.Sum(d => d.Sensor.RowCount), merged.Counters.InferenceCount);
            Assert.Equal(merged.Counters.InferenceCount, merged.Counters.LabelCount);
        }

        using (var store = new StatsStore(db))
        {
            (long, long) before = store.Count();
            second = await StatsPuller.PullAsync(pull with { ClientId = "fleet-puller-2", Idle = TimeSpan.FromSeconds(1) }, store, null, CancellationToken.None);
            Assert.Equal(before, store.Count());
        }

        // A fresh session gets each device's retained last report again: all duplicates.
        Assert.Equal((0, Devices), (second.Stored, second.Duplicates));
        output.WriteLine($"first pull {first}, second pull {second}, total {clock.Elapsed.TotalSeconds:F1} s");
    }

    /// <summary>One DeviceStatistics over all devices' streams, with each device's own sequence numbers (1..n).</summary>
    private static StatsCounters Reference(List<VirtualDevice> devices)
    {
        ModelBlob blob = ModelBlobReader.Read(Digits.BlobV1);
        var whole = new DeviceStatistics(blob, 1);
        var classifier = new Classifier(blob.Model);
        foreach (VirtualDevice device in devices)
        {
            // Sequence numbers are per device: a label must not find another device's buffered sample by its number
            // (clearing the buffer leaves every counter untouched).
            whole.Buffer.Clear();
            LabeledDataset data = device.Sensor.Data;
            for (int n = 0; n < data.Count; n++)
            {
                uint sequence = (uint)(n + 1);
                int[] raw = RawSamples.ToFixed(data.Features[n], blob.Model.InputFractionBits);
                classifier.Classify(raw);
                whole.OnInference(raw, classifier, sequence, 0);
                whole.OnLabel(sequence, data.Labels[n], classifier.PredictedClass);
            }
        }

        return whole.Counters;
    }

    /// <summary>The counters serialized with device clock times neutralised (everything else must match exactly).</summary>
    private static byte[] Comparable(StatsCounters counters)
    {
        counters.MinTimestampMs = 0;
        counters.MaxTimestampMs = 0;
        return StatsFormat.Write(new StatsReport { DeviceId = "x", ModelId = "m", ClassCount = counters.ClassCount, FeatureCount = counters.FeatureCount, Counters = counters });
    }

    /// <summary>Row indices with a long-tail class prior (smallest/largest 0.05, random class order), shuffled.</summary>
    private static int[] ImbalancedStream(int[] labels, int count, Random random)
    {
        double[] w = Enumerable.Range(0, 10).Select(c => Math.Pow(0.05, c / 9.0)).ToArray();
        random.Shuffle(w);
        double total = w.Sum();
        int[][] byClass = Enumerable.Range(0, 10).Select(c => Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray()).ToArray();
        var rows = new int[count];
        for (int n = 0; n < count; n++)
        {
            double u = random.NextDouble() * total, acc = 0;
            int c = 0;
            for (; c < 9 && u >= (acc += w[c]); c++)
            {
            }

            rows[n] = byClass[c][random.Next(byClass[c].Length)];
        }

        random.Shuffle(rows);
        return rows;
    }
}
