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
}
