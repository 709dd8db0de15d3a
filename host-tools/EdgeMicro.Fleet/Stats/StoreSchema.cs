using System.Data.Common;

namespace EdgeMicro.Fleet.Stats;

/// <summary>
/// The store's schema, one list of versioned migrations per engine (the same tables, keys and indexes; the engines'
/// types). Version 1 is the schema of the first SQLite stores (no <c>schema_version</c> table yet); version 2 adds
/// the report columns the queries filter on, replaces <c>samples</c> (keyed by sample sequence, which dropped a
/// reading a report carried twice) by one row per buffered sample with every field the planner reads, adds the hourly
/// <c>windows</c> and the indexes of <c>stats show</c>, <c>balance</c> and the report, and fills the new columns
/// and tables from the report payloads, which every version keeps verbatim (so nothing is lost). Version 3 extends
/// <c>windows_by_hour</c> by the device: with version 2's index PostgreSQL's planner took it for the puller's
/// per-device window lookup on a fresh (un-analyzed) table and scanned every device's row of the hour, so each
/// stored report cost time in proportion to the fleet's size (10,000 devices: about 250 reports/s per puller).
/// </summary>
public static class StoreSchema
{
    /// <summary>Gets the schema version this build writes.</summary>
    public static int Latest => 3;

    private const string IndexesV2 = """
        CREATE INDEX IF NOT EXISTS reports_by_device ON reports (device_id, id);
        CREATE INDEX IF NOT EXISTS reports_by_model ON reports (model_id, model_version, received_utc);
        CREATE INDEX IF NOT EXISTS windows_by_hour ON windows (model_id, model_version, hour);
        """;

    /// <summary>Version 3: the hour index also keys the device, so every window lookup is a one-row index probe.</summary>
    private const string V3 = """
        DROP INDEX IF EXISTS windows_by_hour;
        CREATE INDEX windows_by_hour ON windows (model_id, model_version, hour, device_id);
        """;

    /// <summary>Version 1 in SQLite's types (PostgreSQL's by <see cref="ForPostgres"/>).</summary>
    private const string V1 = """
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

    /// <summary>Version 2 in SQLite's types (one column per ALTER: SQLite's form, which PostgreSQL takes too).</summary>
    private const string V2 = """
        ALTER TABLE reports ADD COLUMN class_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE reports ADD COLUMN feature_count INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE reports ADD COLUMN drift_alarms INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE reports ADD COLUMN has_counters INTEGER NOT NULL DEFAULT 0;
        DROP TABLE samples;
        CREATE TABLE samples (
            report_id INTEGER NOT NULL REFERENCES reports(id), ord INTEGER NOT NULL, sequence INTEGER NOT NULL,
            device_id TEXT NOT NULL, predicted INTEGER NOT NULL, runner_up INTEGER NOT NULL, label INTEGER NOT NULL,
            margin_q15 INTEGER NOT NULL, confidence_q15 INTEGER NOT NULL, kind INTEGER NOT NULL, timestamp_ms INTEGER NOT NULL,
            feature_values BLOB NOT NULL,
            PRIMARY KEY (report_id, ord));
        CREATE TABLE windows (
            model_id TEXT NOT NULL, model_version INTEGER NOT NULL, device_id TEXT NOT NULL,
            class_count INTEGER NOT NULL, feature_count INTEGER NOT NULL, hour TEXT NOT NULL,
            reports INTEGER NOT NULL, samples INTEGER NOT NULL, drift_alarms INTEGER NOT NULL, counters BLOB,
            PRIMARY KEY (model_id, model_version, device_id, class_count, feature_count, hour));
        """ + IndexesV2;

    /// <summary>The SQLite migrations.</summary>
    /// <param name="backfill">Fills version 2's columns and tables from the stored payloads.</param>
    /// <returns>The steps.</returns>
    public static IReadOnlyList<Migration> Sqlite(Action<DbTransaction> backfill) => [new(1, V1), new(2, V2, backfill), new(3, V3)];

    /// <summary>The PostgreSQL migrations: the same statements in PostgreSQL's types.</summary>
    /// <param name="backfill">Fills version 2's columns and tables from the stored payloads.</param>
    /// <returns>The steps.</returns>
    public static IReadOnlyList<Migration> Postgres(Action<DbTransaction> backfill) => [new(1, ForPostgres(V1)), new(2, ForPostgres(V2), backfill), new(3, V3)];

    /// <summary>SQLite DDL in PostgreSQL's types: 64-bit integers, an identity key, bytea.</summary>
    private static string ForPostgres(string sql) => sql
        .Replace("INTEGER PRIMARY KEY AUTOINCREMENT", "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY", StringComparison.Ordinal)
        .Replace("INTEGER", "BIGINT", StringComparison.Ordinal)
        .Replace("BLOB", "BYTEA", StringComparison.Ordinal);
}
