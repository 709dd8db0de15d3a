using EdgeMicro.Core.Stats;
using EdgeMicro.Fleet.Stats;
using EdgeMicro.TestKit;
using Microsoft.Data.Sqlite;

namespace EdgeMicro.Stats.Tests;

/// <summary>The store contract on SQLite (the default store), and the migration of a store of schema version 1.</summary>
public sealed class SqliteStoreTests : StoreContract, IDisposable
{
    private readonly TempDirectory _dir = new("edgemicro-sqlite-store");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Open_WhenTheFileHasTheFirstSchema_MigratesItAndFillsTheWindowsAndSamplesFromThePayloads()
    {
        var fleet = new Fleet(4, 3, 17);
        string path = _dir.Combine("v1.db");
        LegacyStore.Write(path, fleet.Reports.Values.SelectMany(r => r), new DateTime(2026, 11, 30, 23, 50, 0, DateTimeKind.Utc), TimeSpan.FromMinutes(4));

        using var store = new StatsStore(path);

        Assert.Equal(StoreSchema.Latest, store.SchemaVersion);
        IReadOnlyList<StoredReport> reports = store.Reports();
        Assert.Equal(12, reports.Count);
        Assert.Equal(StatsSummary.ToJson(StatsSummary.Build(reports)), StatsSummary.ToJson(StatsSummary.Build(store.Windows(StatsQuery.All))));
        var since = new DateTime(2026, 12, 1, 0, 2, 0, DateTimeKind.Utc);
        Assert.Equal(
            StatsSummary.ToJson(StatsSummary.Build(reports.Where(r => string.CompareOrdinal(r.ReceivedUtc, since.ToString("O", System.Globalization.CultureInfo.InvariantCulture)) >= 0))),
            StatsSummary.ToJson(StatsSummary.Build(store.Windows(new StatsQuery { Since = since }))));
        BufferedSample[] fromPayloads = [.. reports.SelectMany(r => r.Report.Samples)];
        Assert.Equal(System.Text.Json.JsonSerializer.Serialize(fromPayloads), System.Text.Json.JsonSerializer.Serialize(store.Samples(StatsQuery.All).Select(s => s.Sample)));
    }

    protected override IStatsStore Open(string name, TimeProvider? clock = null) => new StatsStore(_dir.Combine(name + ".db"), clock);

    protected override void RaiseSchemaVersion(IStatsStore store)
    {
        using var c = new SqliteConnection($"Data Source={((StatsStore)store).FilePath};Pooling=False");
        c.Open();
        using SqliteCommand cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO schema_version (version) VALUES (99)";
        cmd.ExecuteNonQuery();
    }
}
