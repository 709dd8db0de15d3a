using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace EdgeMicro.Fleet.Stats;

/// <summary>
/// The SQLite statistics store (the single-machine default, one file, <see cref="DefaultPath"/>): device reports
/// (<see cref="Core.Stats.StatsFormat"/> payloads, kept verbatim) and their buffered samples, device messages and
/// hourly windows (<see cref="SqlStatsStore"/>). Idempotent: a report is identified by (device id, report sequence,
/// CRC-32 of the payload), so a re-delivered report (MQTT QoS 1 duplicates, retained messages, a second pull) is
/// ignored, while a device that rebooted and restarted its window numbering still gets its new windows stored.
/// Samples are keyed by (report, sample sequence); results, labels and events (JSON, kept verbatim) by (device,
/// boot, seq). WAL, <c>synchronous=FULL</c>: a committed batch survives a power cut. A file of an older schema is
/// migrated when opened.
/// </summary>
public sealed class StatsStore : SqlStatsStore
{
    /// <summary>Default store file name.</summary>
    public const string DefaultPath = "edgemicro-stats.db";

    /// <summary>Initializes a new instance of the <see cref="StatsStore"/> class, creating the file if needed.</summary>
    /// <param name="path">Database file.</param>
    /// <param name="clock">Arrival clock (null: the system clock).</param>
    public StatsStore(string path, TimeProvider? clock = null)
        : base(Open(path), path, clock)
    {
        FilePath = path;
        Execute(null, "PRAGMA journal_mode=WAL;");

        // FULL: a committed transaction survives a power cut too, since the puller acknowledges only after the commit.
        Execute(null, "PRAGMA synchronous=FULL;");
        Migrate(StoreSchema.Sqlite(Backfill));
    }

    /// <summary>Gets the database file path.</summary>
    public string FilePath { get; }

    /// <inheritdoc/>
    protected override DbTransaction BeginMigration() => Connection.BeginTransaction(); // BEGIN IMMEDIATE: one writer at a time

    /// <inheritdoc/>
    protected override int LegacyVersion(DbTransaction tx) =>
        Convert.ToInt64(Scalar("SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'reports'", tx), System.Globalization.CultureInfo.InvariantCulture) > 0 ? 1 : 0;

    private static SqliteConnection Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (dir != null)
        {
            Directory.CreateDirectory(dir);
        }

        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        return connection;
    }
}
