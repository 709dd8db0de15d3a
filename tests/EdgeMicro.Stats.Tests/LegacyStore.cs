using EdgeMicro.Core.Stats;
using Microsoft.Data.Sqlite;

namespace EdgeMicro.Stats.Tests;

/// <summary>
/// Writes a SQLite store exactly as EdgeMicro did before schema versions (the first schema, no
/// <c>schema_version</c> table; reports and sample rows as the old <c>StatsStore.Add</c> inserted them), with given
/// arrival times, so the migration and the outputs of the readers can be checked against the old ones.
/// </summary>
internal static class LegacyStore
{
    /// <summary>The first schema: version 1 of the migrations, which is the DDL the old store ran.</summary>
    private static readonly string Schema = EdgeMicro.Fleet.Stats.StoreSchema.Sqlite(_ => { })[0].Sql;

    public static void Write(string path, IEnumerable<byte[]> payloads, DateTime firstUtc, TimeSpan step)
    {
        using var c = new SqliteConnection($"Data Source={path};Pooling=False");
        c.Open();
        using (SqliteCommand ddl = c.CreateCommand())
        {
            ddl.CommandText = Schema;
            ddl.ExecuteNonQuery();
        }

        DateTime at = firstUtc;
        foreach (byte[] payload in payloads)
        {
            StatsReport r = StatsFormat.Read(payload, 0, payload.Length);
            using SqliteCommand insert = c.CreateCommand();
            insert.CommandText = "INSERT OR IGNORE INTO reports (device_id, report_sequence, payload_crc, model_id, model_version, inferences, received_utc, payload) VALUES ($d, $s, $c, $m, $v, $n, $t, $p); SELECT last_insert_rowid();";
            insert.Parameters.AddWithValue("$d", r.DeviceId);
            insert.Parameters.AddWithValue("$s", (long)r.ReportSequence);
            insert.Parameters.AddWithValue("$c", (long)BitConverter.ToUInt32(payload, payload.Length - 4));
            insert.Parameters.AddWithValue("$m", r.ModelId);
            insert.Parameters.AddWithValue("$v", (long)r.ModelVersion);
            insert.Parameters.AddWithValue("$n", r.Counters?.InferenceCount ?? 0);
            insert.Parameters.AddWithValue("$t", at.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
            insert.Parameters.AddWithValue("$p", payload);
            long id = (long)insert.ExecuteScalar()!;
            at += step;
            foreach (BufferedSample s in r.Samples ?? [])
            {
                using SqliteCommand sample = c.CreateCommand();
                sample.CommandText = "INSERT OR IGNORE INTO samples (report_id, sequence, device_id, predicted, label, margin_q15) VALUES ($r, $q, $d, $p, $l, $m);";
                sample.Parameters.AddWithValue("$r", id);
                sample.Parameters.AddWithValue("$q", (long)s.Sequence);
                sample.Parameters.AddWithValue("$d", r.DeviceId);
                sample.Parameters.AddWithValue("$p", s.Predicted);
                sample.Parameters.AddWithValue("$l", s.Label);
                sample.Parameters.AddWithValue("$m", s.MarginQ15);
                sample.ExecuteNonQuery();
            }
        }
    }
}
