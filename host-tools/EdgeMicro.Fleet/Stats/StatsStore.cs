using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Stats;
using Microsoft.Data.Sqlite;

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
public sealed record StoredSample(string DeviceId, string ModelId, uint ModelVersion, uint ReportSequence, BufferedSample Sample);

/// <summary>
/// SQLite store of device statistics reports (<see cref="StatsFormat"/> payloads, kept verbatim) and their buffered
/// samples. Idempotent: a report is identified by (device id, report sequence, CRC-32 of the payload), so a
/// re-delivered report (MQTT QoS 1 duplicates, retained messages, a second pull) is ignored, while a device that
/// rebooted and restarted its window numbering still gets its new windows stored. Samples are keyed by
/// (report, sample sequence). The devices' results, labels and events (JSON, kept verbatim) are keyed by
/// (device, boot, seq). <see cref="AddBatch"/> stores many messages in one transaction (one fsync). Default file:
/// <see cref="DefaultPath"/>.
/// </summary>
public sealed partial class StatsStore : IDisposable
{
    /// <summary>Default store file name.</summary>
    public const string DefaultPath = "edgemicro-stats.db";

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS reports (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            device_id TEXT NOT NULL, report_sequence INTEGER NOT NULL, payload_crc INTEGER NOT NULL,
            model_id TEXT NOT NULL, model_version INTEGER NOT NULL, inferences INTEGER NOT NULL,
            received_utc TEXT NOT NULL, payload BLOB NOT NULL,
            UNIQUE (device_id, report_sequence, payload_crc));
        CREATE TABLE IF NOT EXISTS samples (
            report_id INTEGER NOT NULL REFERENCES reports(id), sequence INTEGER NOT NULL,
            device_id TEXT NOT NULL, predicted INTEGER NOT NULL, label INTEGER NOT NULL, margin_q15 INTEGER NOT NULL,
            PRIMARY KEY (report_id, sequence));
        CREATE TABLE IF NOT EXISTS messages (
            device_id TEXT NOT NULL, boot INTEGER NOT NULL, seq INTEGER NOT NULL,
            leaf TEXT NOT NULL, type TEXT NOT NULL, received_utc TEXT NOT NULL, payload TEXT NOT NULL,
            PRIMARY KEY (device_id, boot, seq));
        """;

    private readonly SqliteConnection _connection;

    /// <summary>Initializes a new instance of the <see cref="StatsStore"/> class, creating the file if needed.</summary>
    /// <param name="path">Database file.</param>
    public StatsStore(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir != null)
        {
            Directory.CreateDirectory(dir);
        }

        FilePath = path;
        _connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        _connection.Open();
        Execute("PRAGMA journal_mode=WAL;");

        // FULL: a committed transaction survives a power cut too, since the puller acknowledges only after the commit.
        Execute("PRAGMA synchronous=FULL;");
        Execute(Schema);
    }

    /// <summary>Gets the database file path.</summary>
    public string FilePath { get; }

    /// <summary>Adds a report payload.</summary>
    /// <param name="payload">A <see cref="StatsFormat"/> report.</param>
    /// <param name="report">The parsed report.</param>
    /// <returns>True when stored, false when it was already there.</returns>
    /// <exception cref="StatsFormatException">The payload is not a valid report.</exception>
    public bool Add(byte[] payload, out StatsReport report)
    {
        ArgumentNullException.ThrowIfNull(payload);
        report = StatsFormat.Read(payload, 0, payload.Length);
        using SqliteTransaction tx = _connection.BeginTransaction();
        bool added = InsertReport(tx, payload, report, Now());
        tx.Commit();
        return added;
    }

    /// <summary>Counts stored reports and samples.</summary>
    /// <returns>(reports, samples).</returns>
    public (long Reports, long Samples) Count() =>
        ((long)Scalar("SELECT COUNT(*) FROM reports;")!, (long)Scalar("SELECT COUNT(*) FROM samples;")!);

    /// <summary>Reads the stored reports, oldest first.</summary>
    /// <param name="deviceId">Only this device, or null for all.</param>
    /// <returns>The reports.</returns>
    public IReadOnlyList<StoredReport> Reports(string? deviceId = null)
    {
        using SqliteCommand cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT payload, received_utc FROM reports WHERE $d IS NULL OR device_id = $d ORDER BY id;";
        cmd.Parameters.AddWithValue("$d", (object?)deviceId ?? DBNull.Value);
        var result = new List<StoredReport>();
        using SqliteDataReader reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            byte[] payload = (byte[])reader[0];
            result.Add(new StoredReport(StatsFormat.Read(payload, 0, payload.Length), reader.GetString(1)));
        }

        return result;
    }

    /// <summary>Reads every stored sample (from the verbatim payloads), in arrival order.</summary>
    /// <param name="deviceId">Only this device, or null for all.</param>
    /// <returns>The samples.</returns>
    public IReadOnlyList<StoredSample> Samples(string? deviceId = null) =>
        Reports(deviceId).SelectMany(r => (r.Report.Samples ?? []).Select(s => new StoredSample(r.Report.DeviceId, r.Report.ModelId, r.Report.ModelVersion, r.Report.ReportSequence, s))).ToList();

    /// <inheritdoc/>
    public void Dispose()
    {
        _reportCommands?.Dispose();
        _connection.Dispose();
    }

    private void Execute(string sql)
    {
        using SqliteCommand cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private object? Scalar(string sql)
    {
        using SqliteCommand cmd = _connection.CreateCommand();
        cmd.CommandText = sql;
        return cmd.ExecuteScalar();
    }
}
