using EdgeMicro.Cli;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Fleet.Stats;
using EdgeMicro.Messaging;
using EdgeMicro.TestKit;
using Xunit.Abstractions;

namespace EdgeMicro.Stats.Tests;

/// <summary>
/// Many pullers, one fleet: three pullers on one MQTT 5 shared subscription (real mosquitto) into one PostgreSQL
/// store (real server), and <c>balance</c> giving the same plan from PostgreSQL as from SQLite.
/// </summary>
public sealed class SharedPullTests(PostgresServer postgres, ITestOutputHelper output) : IClassFixture<PostgresServer>, IDisposable
{
    private readonly TempDirectory _dir = new("edgemicro-shared-pull");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task StatsPull_WhenThreePullersShareTheFleet_EachStoresAShareAndTogetherEveryMessageOnce()
    {
        using var broker = new MosquittoBroker();
        string url = postgres.Url(postgres.CreateDatabase("shared"));
        var fleet = new Fleet(20, 3, 77);
        List<InboundMessage> messages = [.. FleetMessages.Of(fleet)];
        string[] ids = ["puller-a", "puller-b", "puller-c"];
        PullOptions Options(string id) => new() { Host = broker.Host, Port = broker.Port, ClientId = id, ShareGroup = "fleet", Idle = TimeSpan.FromSeconds(3) };

        // 1. Each puller opens its persistent session on the shared subscription, then goes away.
        foreach (string id in ids)
        {
            using IStatsStore store = StoreLocation.Parse(url).Open();
            await StatsPuller.PullAsync(Options(id) with { Idle = TimeSpan.FromMilliseconds(300) }, store, null, CancellationToken.None);
        }

        // 2. The devices publish while no puller runs: the broker queues each message for one member of the group.
        await Task.WhenAll(fleet.Reports.Keys.Select(async device =>
        {
            await using var client = new BrokerConnection(new BrokerOptions { Host = broker.Host, Port = broker.Port, ClientId = device });
            await client.StartAsync();
            foreach (InboundMessage m in messages.Where(m => m.Topic.Split('/')[1] == device))
            {
                await client.PublishAsync(m.Topic, m.Payload, retain: false);
            }

            await client.StopAsync();
        }));

        // 3. All three pull at once.
        PullResult[] pulls = await Task.WhenAll(ids.Select(id => Task.Run(async () =>
        {
            using IStatsStore store = StoreLocation.Parse(url).Open();
            return await StatsPuller.PullAsync(Options(id), store, null, CancellationToken.None);
        })));

        output.WriteLine(string.Join(", ", pulls.Select((p, i) => $"{ids[i]}: received {p.Received}, stored {p.Stored}, duplicates {p.Duplicates}")));
        using IStatsStore check = StoreLocation.Parse(url).Open();
        Assert.All(pulls, p => Assert.True(p.Stored > 0, "every puller of the group takes a share"));
        Assert.Equal(messages.Count, pulls.Sum(p => p.Received)); // each message reached one member of the group
        Assert.Equal(messages.Count, pulls.Sum(p => p.Stored));
        Assert.Equal(60, check.Count().Reports);
        Assert.Equal(60, check.CountMessages(PayloadFields.TypeResult));
        Assert.Equal(StatsSummary.ToJson(StatsSummary.Build(check.Reports())), StatsSummary.ToJson(StatsSummary.Build(check.Windows(StatsQuery.All))));
    }

    [Fact]
    public void Balance_WhenTheSameFleetIsInSqliteAndInPostgres_WritesTheSamePlan()
    {
        var fleet = new Fleet(6, 2, 3);
        string sqlite = _dir.Combine("fleet.db");
        string database = postgres.CreateDatabase("balance");
        foreach (IStatsStore store in new IStatsStore[] { new StatsStore(sqlite, Clock()), StoreLocation.Parse(postgres.Url(database)).Open(Clock()) })
        {
            using (store)
            {
                foreach (byte[][] batch in fleet.Reports.Values.SelectMany(r => r).Chunk(5))
                {
                    store.AddBatch([.. batch.Select(p => new InboundMessage(TopicLayout.Of(Core.Stats.StatsFormat.Read(p, 0, p.Length).DeviceId, TopicLayout.StatsLeaf), p))]);
                }
            }
        }

        string fromSqlite = Balance(sqlite), fromPostgres = Balance(postgres.Url(database));

        Assert.Contains("\"picks\"", fromSqlite, StringComparison.Ordinal);
        Assert.Equal(fromSqlite, fromPostgres);
        Assert.Equal(Show(sqlite), Show(postgres.Url(database)));
        Assert.Equal(Show(sqlite, "--devices", "dev01,dev04", "--since", "2026-12-01T09:00:00Z"), Show(postgres.Url(database), "--devices", "dev01,dev04", "--since", "2026-12-01T09:00:00Z"));
    }

    private static SteppingClock Clock() => new(new DateTimeOffset(2026, 12, 1, 8, 30, 0, TimeSpan.Zero));

    private string Balance(string store)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        string outDir = _dir.Combine("plan-" + Guid.NewGuid().ToString("N")[..6]);
        int code = EdgeMicroApp.Run(["balance", "--store", store, "--model", DigitsModel.Directory, "--train", DigitsModel.Data("digits_train.csv"), "--holdout", DigitsModel.Data("digits_test.csv"), "--budget", "30", "--out", outDir, "--json"], stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        return stdout.ToString();
    }

    private static string Show(string store, params string[] more)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = EdgeMicroApp.Run(["stats", "show", "--store", store, "--json", .. more], stdout, stderr);
        Assert.True(code == 0, stderr.ToString());
        return stdout.ToString();
    }
}
