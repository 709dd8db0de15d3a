using EdgeMicro.Cli;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Stats;
using EdgeMicro.Fleet.Stats;
using EdgeMicro.Messaging;
using EdgeMicro.TestKit;
using Xunit.Abstractions;

namespace EdgeMicro.Stats.Tests;

public sealed class StoreAndPullTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgemicro-stats-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task StatsPull_WhenTwentyDevicesPublishThroughMosquitto_StoresEachReportOnceAndMergesExactly()
    {
        using var broker = new MosquittoBroker();
        var fleet = new Fleet(20, 2, 42);
        string db = Path.Combine(_dir, "edgemicro-stats.db");
        string[] pull = ["stats", "pull", "--mqtt", $"{broker.Host}:{broker.Port}", "--all", "--store", db, "--client-id", "stats-test", "--idle", "2"];

        // 1. A first (empty) pull opens the persistent session; the puller then goes away.
        Assert.Equal(0, Cli(pull));

        // 2. Devices come and go: each connects, publishes its windows (QoS 1, retained) and disconnects.
        await Task.WhenAll(fleet.Reports.Select(async kv =>
        {
            await using var client = new BrokerConnection(new BrokerOptions { Host = broker.Host, Port = broker.Port, ClientId = kv.Key });
            await client.StartAsync();
            foreach (byte[] report in kv.Value)
            {
                await client.PublishAsync(TopicLayout.Of(kv.Key, TopicLayout.StatsLeaf), report, retain: true);
            }

            await client.StopAsync();
        }));

        // 3. Pull: the broker delivers the queued reports (and the retained ones again, which are duplicates).
        Assert.Equal(0, Cli(pull));
        using (var store = new StatsStore(db))
        {
            Assert.Equal(40, store.Count().Reports);
            DeviceSummary merged = StatsSummary.Build(store.Reports()).Single(s => s.DeviceId == DeviceSummary.AllDevices);
            Assert.Equal(Streams.CountersBytes(fleet.Whole.Counters, 10, 64), Streams.CountersBytes(merged.Counters, 10, 64));
        }

        // 4. Pulling again with a fresh session gets the retained reports: nothing new is stored.
        (long, long) before;
        using (var store = new StatsStore(db))
        {
            before = store.Count();
        }

        Assert.Equal(0, Cli([.. pull[..^4], "--client-id", "another-puller", "--idle", "2"]));
        using (var store = new StatsStore(db))
        {
            Assert.Equal(before, store.Count());
        }

        var json = new StringWriter();
        Assert.Equal(0, EdgeMicroApp.Run(["stats", "show", "--store", db, "--json"], json, new StringWriter()));
        Assert.Equal(21, System.Text.Json.JsonDocument.Parse(json.ToString()).RootElement.GetArrayLength());
    }

    private int Cli(string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = EdgeMicroApp.Run(args, stdout, stderr);
        output.WriteLine(stdout.ToString());
        output.WriteLine(stderr.ToString().Length > 2000 ? stderr.ToString()[..2000] : stderr.ToString());
        return code;
    }
}
