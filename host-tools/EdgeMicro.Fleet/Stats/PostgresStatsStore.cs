using System.Data.Common;
using System.Net.Sockets;
using Npgsql;

namespace EdgeMicro.Fleet.Stats;

/// <summary>
/// The PostgreSQL statistics store (Npgsql), for a fleet with several pullers: the same tables, keys and SQL as
/// <see cref="StatsStore"/> (<see cref="SqlStatsStore"/>), so the same re-delivery is dropped by the same unique keys
/// whichever puller it reaches. Concurrent pullers lock the shared window rows in one order, and a batch that the
/// server aborts for a deadlock or serialization conflict is run again whole (its transaction was rolled back).
/// Migrations run under a transaction-scoped advisory lock, so pullers that start together migrate once.
/// </summary>
public sealed class PostgresStatsStore : SqlStatsStore
{
    /// <summary>Advisory lock key of the migrations ("EMST").</summary>
    private const long MigrationLock = 0x454D5354;

    private const int MaxAttempts = 5;

    /// <summary>Initializes a new instance of the <see cref="PostgresStatsStore"/> class, migrating the database if needed.</summary>
    /// <param name="connectionString">Npgsql connection string (the password may come from PGPASSWORD or a .pgpass file).</param>
    /// <param name="location">Description for messages (no password).</param>
    /// <param name="clock">Arrival clock (null: the system clock).</param>
    /// <exception cref="StoreUnavailableException">The server cannot be reached or refused the login.</exception>
    public PostgresStatsStore(string connectionString, string location, TimeProvider? clock = null)
        : base(Open(connectionString, location), location, clock) =>
        Migrate(StoreSchema.Postgres(Backfill));

    /// <inheritdoc/>
    protected override string ForUpdate => " FOR UPDATE";

    /// <inheritdoc/>
    protected override DbTransaction BeginMigration()
    {
        DbTransaction tx = Connection.BeginTransaction();
        Execute(tx, "SELECT pg_advisory_xact_lock(" + MigrationLock.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")");
        return tx;
    }

    /// <inheritdoc/>
    protected override T Retry<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return work();
            }
            catch (PostgresException e) when (attempt < MaxAttempts && e.SqlState is PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.UniqueViolation)
            {
                // Rolled back by the server: nothing of this attempt is stored. Back off a little and run it again.
                Thread.Sleep(Random.Shared.Next(5, 50) * attempt);
            }
        }
    }

    private static NpgsqlConnection Open(string connectionString, string location)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            connection.Open();
            return connection;
        }
        catch (Exception e) when (e is NpgsqlException or SocketException or TimeoutException)
        {
            connection.Dispose();
            string why = e is PostgresException p ? $"{p.SqlState} {p.MessageText}" : e.InnerException?.Message ?? e.Message;
            throw new StoreUnavailableException($"cannot open the PostgreSQL statistics store {location}: {why}", e);
        }
    }
}
