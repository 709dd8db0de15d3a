using System.Text.RegularExpressions;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Fleet.Stats;
using EdgeMicro.TestKit;
using Npgsql;

namespace EdgeMicro.Stats.Tests;

/// <summary>The store contract on a real PostgreSQL server started by the test run (a database per test).</summary>
public sealed class PostgresStoreTests(PostgresServer server) : StoreContract, IClassFixture<PostgresServer>
{
    private readonly Dictionary<string, string> _databases = [];

    protected override IStatsStore Open(string name, TimeProvider? clock = null)
    {
        lock (_databases)
        {
            if (!_databases.TryGetValue(name, out string? database))
            {
                _databases[name] = database = server.CreateDatabase(name);
            }

            return StoreLocation.Parse(server.Url(database)).Open(clock);
        }
    }

    protected override void RaiseSchemaVersion(IStatsStore store)
    {
        using var c = new NpgsqlConnection(server.ConnectionString(_databases["newer"]));
        c.Open();
        using NpgsqlCommand cmd = c.CreateCommand();
        cmd.CommandText = "INSERT INTO schema_version (version) VALUES (99)";
        cmd.ExecuteNonQuery();
    }

    /// <summary>
    /// The puller's per-device window lookup (read for update, then update) must probe one row however many devices
    /// report in the hour: with the version 2 index the planner scanned every device's window of the hour on a fresh
    /// table, so ingest slowed in proportion to the fleet (found by tests/soak/fleet-scale.sh: 250 reports/s per puller).
    /// </summary>
    /// <param name="fromVersion2">The store was written by a build of schema version 2 (its index) and is migrated
    /// when this build opens it.</param>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void AddBatch_WhenAnHourHoldsManyDevices_LooksUpEachWindowByItsWholeKey(bool fromVersion2)
    {
        string name = fromVersion2 ? "many-devices-v2" : "many-devices";
        Open(name).Dispose();
        using var c = new NpgsqlConnection(server.ConnectionString(_databases[name]));
        c.Open();
        if (fromVersion2)
        {
            using NpgsqlCommand downgrade = c.CreateCommand();
            downgrade.CommandText = "DROP INDEX windows_by_hour; CREATE INDEX windows_by_hour ON windows (model_id, model_version, hour); DELETE FROM schema_version WHERE version = 3";
            downgrade.ExecuteNonQuery();
        }

        using (IStatsStore store = Open(name))
        {
            Assert.Equal(StoreSchema.Latest, store.SchemaVersion);
            var shape = new ReportShape(4, 8, 1);
            store.AddBatch([.. Enumerable.Range(0, 2000).Select(d => $"dev-{d:D4}").Select(d => new InboundMessage(TopicLayout.Of(d, TopicLayout.StatsLeaf), shape.Report(d, 0)))]);
        }

        using NpgsqlCommand hour = c.CreateCommand();
        hour.CommandText = "SELECT MIN(hour) FROM windows";
        string h = (string)hour.ExecuteScalar()!;
        using NpgsqlCommand explain = c.CreateCommand();
        explain.CommandText = "EXPLAIN ANALYZE SELECT reports, samples, drift_alarms, counters FROM windows WHERE model_id = 'bench' AND model_version = 1 AND device_id = 'dev-0007' AND class_count = 4 AND feature_count = 8 AND hour = '" + h + "' FOR UPDATE";
        var plan = new List<string>();
        using (NpgsqlDataReader r = explain.ExecuteReader())
        {
            while (r.Read())
            {
                plan.Add(r.GetString(0));
            }
        }

        int scanned = plan.Select(l => Regex.Match(l, @"Rows Removed by Filter: (\d+)")).Where(m => m.Success).Sum(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(scanned == 0, "the window lookup filtered " + scanned + " other rows:\n" + string.Join("\n", plan));
    }
}
