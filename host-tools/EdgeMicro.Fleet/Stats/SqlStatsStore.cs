using System.Data;
using System.Data.Common;
using System.Globalization;
using EdgeMicro.Core.Stats;
using EdgeMicro.Data;

namespace EdgeMicro.Fleet.Stats;

/// <summary>A stored report: the parsed report and when it arrived.</summary>
/// <param name="Report">The report.</param>
/// <param name="ReceivedUtc">Arrival time (UTC, ISO 8601).</param>
public sealed record StoredReport(StatsReport Report, string ReceivedUtc);

/// <summary>A stored buffered sample with its device and report.</summary>
/// <param name="DeviceId">Device.</param>
/// <param name="ModelId">Model id.</param>
/// <param name="ModelVersion">Model version.</param>
/// <param name="ReportSequence">Report it came with.</param>
/// <param name="Sample">The sample.</param>
/// <param name="Boot">How often the device's window numbering restarted before this report, in arrival order.</param>
/// <param name="ReceivedUtc">When the report arrived.</param>
public sealed record StoredSample(string DeviceId, string ModelId, uint ModelVersion, uint ReportSequence, BufferedSample Sample, int Boot = 0, string ReceivedUtc = "");

/// <summary>One versioned schema step: SQL, then optionally code (e.g. filling new columns from stored payloads).</summary>
/// <param name="Version">Version reached.</param>
/// <param name="Sql">Statements.</param>
/// <param name="Then">Code run in the same transaction, or null.</param>
public sealed record Migration(int Version, string Sql, Action<DbTransaction>? Then = null);

/// <summary>
/// The <see cref="IStatsStore"/> logic both engines share: one SQL text for inserts and queries (<c>ON CONFLICT DO
/// NOTHING</c>, <c>RETURNING</c>, window functions, named parameters), the migrations runner, and the hourly
/// aggregated windows. Subclasses open the connection and supply the engine's DDL.
/// </summary>
public abstract partial class SqlStatsStore : IStatsStore
{
    private readonly TimeProvider _clock;

    /// <summary>Initializes a new instance of the <see cref="SqlStatsStore"/> class.</summary>
    /// <param name="connection">An open connection.</param>
    /// <param name="location">Description for messages.</param>
    /// <param name="clock">Arrival clock (null: the system clock).</param>
    protected SqlStatsStore(DbConnection connection, string location, TimeProvider? clock)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Connection = connection;
        Location = location;
        _clock = clock ?? TimeProvider.System;
    }

    /// <inheritdoc/>
    public string Location { get; }

    /// <inheritdoc/>
    public int SchemaVersion { get; private set; }

    /// <summary>Gets the open connection.</summary>
    protected DbConnection Connection { get; }

    /// <summary>Gets the row-lock clause for reading an aggregate before updating it ("" where the engine locks the whole database).</summary>
    protected virtual string ForUpdate => string.Empty;

    /// <inheritdoc/>
    public bool Add(byte[] payload, out StatsReport report)
    {
        ArgumentNullException.ThrowIfNull(payload);
        StatsReport parsed = StatsFormat.Read(payload, 0, payload.Length);
        report = parsed;
        return Retry(() =>
        {
            using DbTransaction tx = Connection.BeginTransaction();
            bool added = StoreReports(tx, [(payload, parsed)], Now())[0];
            tx.Commit();
            return added;
        });
    }

    /// <inheritdoc/>
    /// <remarks>Every buffered sample a stored report carried (schema 1 counted a reading a report carried twice once).</remarks>
    public (long Reports, long Samples) Count() =>
        (Convert.ToInt64(Scalar("SELECT COUNT(*) FROM reports"), CultureInfo.InvariantCulture), Convert.ToInt64(Scalar("SELECT COUNT(*) FROM samples"), CultureInfo.InvariantCulture));

    /// <inheritdoc/>
    public IReadOnlyList<StoredReport> Reports(string? deviceId = null)
    {
        using DbCommand cmd = Command("SELECT payload, received_utc FROM reports WHERE @d IS NULL OR device_id = @d ORDER BY id");
        Param(cmd, "@d", DbType.String, deviceId);
        var result = new List<StoredReport>();
        using DbDataReader reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            byte[] payload = (byte[])reader[0];
            result.Add(new StoredReport(StatsFormat.Read(payload, 0, payload.Length), reader.GetString(1)));
        }

        return result;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Adds a typed parameter (typed so that a null value still has a type for the server).</summary>
    /// <param name="cmd">Command.</param>
    /// <param name="name">Name with its @.</param>
    /// <param name="type">Type.</param>
    /// <param name="value">Value, or null for SQL NULL.</param>
    /// <returns>The parameter.</returns>
    protected static DbParameter Param(DbCommand cmd, string name, DbType type, object? value = null)
    {
        ArgumentNullException.ThrowIfNull(cmd);
        DbParameter p = cmd.CreateParameter();
        p.ParameterName = name;
        p.DbType = type;
        p.Value = value ?? DBNull.Value;
        cmd.Parameters.Add(p);
        return p;
    }

    /// <summary>Applies the migrations newer than the store's <c>schema_version</c>, in one transaction.</summary>
    /// <param name="migrations">Every step, in version order.</param>
    /// <exception cref="InputDataException">The store was written by a newer EdgeMicro.</exception>
    protected void Migrate(IReadOnlyList<Migration> migrations)
    {
        ArgumentNullException.ThrowIfNull(migrations);
        Retry(() =>
        {
            using DbTransaction tx = BeginMigration();
            Execute(tx, "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            object? found = Scalar("SELECT MAX(version) FROM schema_version", tx);
            int current = found is null or DBNull ? LegacyVersion(tx) : Convert.ToInt32(found, CultureInfo.InvariantCulture);
            int latest = migrations[^1].Version;
            if (current > latest)
            {
                throw new InputDataException($"{Location}: statistics store schema version {current} is newer than this edgemicro knows ({latest}); update edgemicro");
            }

            foreach (Migration m in migrations.Where(m => m.Version > current))
            {
                Execute(tx, m.Sql);
                m.Then?.Invoke(tx);
                Execute(tx, "INSERT INTO schema_version (version) VALUES (" + m.Version.ToString(CultureInfo.InvariantCulture) + ")");
            }

            tx.Commit();
            SchemaVersion = latest;
            return 0;
        });
    }

    /// <summary>Begins the migration transaction, holding the engine's lock against a concurrent migration.</summary>
    /// <returns>The transaction.</returns>
    protected abstract DbTransaction BeginMigration();

    /// <summary>The schema version of a store made before <c>schema_version</c> existed (0: an empty database).</summary>
    /// <param name="tx">Migration transaction.</param>
    /// <returns>The version.</returns>
    protected virtual int LegacyVersion(DbTransaction tx) => 0;

    /// <summary>Runs a unit of work, again when the engine aborted it for a lock conflict (deadlock, serialization).</summary>
    /// <typeparam name="T">Result.</typeparam>
    /// <param name="work">Work in its own transaction.</param>
    /// <returns>The result.</returns>
    protected virtual T Retry<T>(Func<T> work)
    {
        ArgumentNullException.ThrowIfNull(work);
        return work();
    }

    /// <summary>Releases the connection.</summary>
    /// <param name="disposing">True from <see cref="Dispose()"/>.</param>
    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Connection.Dispose();
        }
    }

    /// <summary>Executes statements.</summary>
    /// <param name="tx">Transaction, or null.</param>
    /// <param name="sql">SQL.</param>
    protected void Execute(DbTransaction? tx, string sql)
    {
        using DbCommand cmd = Command(sql, tx);
        cmd.ExecuteNonQuery();
    }

    /// <summary>Runs a scalar query.</summary>
    /// <param name="sql">SQL.</param>
    /// <param name="tx">Transaction, or null.</param>
    /// <returns>The value.</returns>
    protected object? Scalar(string sql, DbTransaction? tx = null)
    {
        using DbCommand cmd = Command(sql, tx);
        return cmd.ExecuteScalar();
    }

    /// <summary>Creates a command.</summary>
    /// <param name="sql">SQL.</param>
    /// <param name="tx">Transaction, or null.</param>
    /// <returns>The command.</returns>
    protected DbCommand Command(string sql, DbTransaction? tx = null)
    {
        DbCommand cmd = Connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        return cmd;
    }

    private string Now() => _clock.GetUtcNow().UtcDateTime.ToString("O", CultureInfo.InvariantCulture);
}
