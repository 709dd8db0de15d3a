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

    /// <summary>Most commands in one pipelined batch.</summary>
    private const int BatchCommands = 500;

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

    /// <inheritdoc/>
    /// <remarks>One round trip: the rows' commands are sent together as one pipelined batch.</remarks>
    protected override IReadOnlyList<object?[]?> RowsAll(DbTransaction tx, Statement statement, IReadOnlyList<object?[]> rows)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(rows);
        var results = new List<object?[]?>(rows.Count);
        for (int start = 0; start < rows.Count; start += BatchCommands)
        {
            using var batch = new NpgsqlBatch((NpgsqlConnection)Connection, (NpgsqlTransaction)tx);
            foreach (object?[] row in rows.Skip(start).Take(BatchCommands))
            {
                var command = new NpgsqlBatchCommand(statement.Sql);
                for (int i = 0; i < statement.Types.Count; i++)
                {
                    command.Parameters.Add(new NpgsqlParameter("p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), statement.Types[i]) { Value = row[i] ?? DBNull.Value });
                }

                batch.BatchCommands.Add(command);
            }

            using NpgsqlDataReader r = batch.ExecuteReader();
            do
            {
                results.Add(FirstRow(r));
            }
            while (r.NextResult());
        }

        return results;
    }

    /// <inheritdoc/>
    /// <remarks>Binary COPY of every sample of the batch (a report's samples are new whenever the report is).</remarks>
    protected override void InsertSamples(DbTransaction tx, IReadOnlyList<(long Id, Core.Stats.StatsReport Report)> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        if (!reports.Any(r => r.Report.Samples is { Length: > 0 }))
        {
            return;
        }

        using NpgsqlBinaryImporter copy = ((NpgsqlConnection)Connection).BeginBinaryImport($"COPY samples ({string.Join(", ", SampleColumns)}) FROM STDIN (FORMAT BINARY)");
        foreach ((long id, Core.Stats.StatsReport report) in reports)
        {
            foreach (object?[] row in SampleRows(id, report))
            {
                copy.StartRow();
                foreach (object? value in row)
                {
                    switch (value)
                    {
                        case long l:
                            copy.Write(l, NpgsqlTypes.NpgsqlDbType.Bigint);
                            break;
                        case string t:
                            copy.Write(t, NpgsqlTypes.NpgsqlDbType.Text);
                            break;
                        default:
                            copy.Write((byte[])value!, NpgsqlTypes.NpgsqlDbType.Bytea);
                            break;
                    }
                }
            }
        }

        copy.Complete();
    }

    private static NpgsqlConnection Open(string connectionString, string location)
    {
        // The store runs the same few statements for every batch: let Npgsql prepare them on the server (parsed and
        // planned once per connection instead of once per row), unless the connection string chose otherwise.
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (!given.Keys.Cast<string>().Any(k => k.Replace(" ", string.Empty, StringComparison.Ordinal).Contains("AutoPrepare", StringComparison.OrdinalIgnoreCase)))
        {
            builder.MaxAutoPrepare = 32;
            builder.AutoPrepareMinUsages = 2;
        }

        var connection = new NpgsqlConnection(builder.ConnectionString);
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
