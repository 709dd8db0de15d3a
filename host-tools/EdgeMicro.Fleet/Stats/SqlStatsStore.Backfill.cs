using System.Data;
using System.Data.Common;
using EdgeMicro.Core.Stats;

namespace EdgeMicro.Fleet.Stats;

/// <summary>Schema version 2 on a store that already holds reports: its new columns and windows come from the payloads.</summary>
public abstract partial class SqlStatsStore
{
    private const int BackfillPage = 500;

    /// <summary>Fills the report columns, samples and windows of version 2 from the stored payloads.</summary>
    /// <param name="tx">Migration transaction.</param>
    protected void Backfill(DbTransaction tx)
    {
        var rollup = new WindowRollup();
        using DbCommand page = Command("SELECT id, payload, received_utc FROM reports WHERE id > @last ORDER BY id LIMIT " + BackfillPage.ToString(System.Globalization.CultureInfo.InvariantCulture), tx);
        DbParameter last = Param(page, "@last", DbType.Int64, 0L);
        using DbCommand report = Command("UPDATE reports SET class_count = @k, feature_count = @f, drift_alarms = @a, has_counters = @h WHERE id = @id", tx);
        DbParameter[] r = [Param(report, "@k", DbType.Int64), Param(report, "@f", DbType.Int64), Param(report, "@a", DbType.Int64), Param(report, "@h", DbType.Int64), Param(report, "@id", DbType.Int64)];
        while (true)
        {
            var rows = new List<(long Id, byte[] Payload, string Received)>();
            using (DbDataReader reader = page.ExecuteReader())
            {
                while (reader.Read())
                {
                    rows.Add((reader.GetInt64(0), (byte[])reader[1], reader.GetString(2)));
                }
            }

            if (rows.Count == 0)
            {
                break;
            }

            foreach ((long id, byte[] payload, string received) in rows)
            {
                StatsReport parsed = StatsFormat.Read(payload, 0, payload.Length);
                object[] values = [(long)parsed.ClassCount, (long)parsed.FeatureCount, (long)parsed.DriftAlarms, parsed.Counters != null ? 1L : 0L, id];
                for (int i = 0; i < values.Length; i++)
                {
                    r[i].Value = values[i];
                }

                report.ExecuteNonQuery();
                InsertSamples(tx, [(id, parsed)]);
                rollup.Add(parsed, received);
            }

            last.Value = rows[^1].Id;
        }

        SaveRollup(tx, rollup);
    }
}
