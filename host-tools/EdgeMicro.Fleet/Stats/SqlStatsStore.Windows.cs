using System.Data;
using System.Data.Common;
using System.Globalization;
using EdgeMicro.Core.Stats;

namespace EdgeMicro.Fleet.Stats;

/// <summary>
/// The hourly aggregated windows (table <c>windows</c>): per (model, version, device, report shape, arrival hour) the
/// exact merge (<see cref="StatsCounters.MergeFrom"/>) of the reports with counters, kept as a counters-only
/// <see cref="StatsFormat"/> payload, updated in the transaction that stores the reports. Readers merge a few rows
/// per device instead of every report; a <see cref="StatsQuery.Since"/> inside an hour reads that hour's reports.
/// </summary>
public abstract partial class SqlStatsStore
{
    private static readonly DbType[] KeyTypes = [DbType.String, DbType.Int64, DbType.String, DbType.Int64, DbType.Int64, DbType.String];

    private static readonly Statement WindowEnsure = new(
        "INSERT INTO windows (model_id, model_version, device_id, class_count, feature_count, hour, reports, samples, drift_alarms) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, 0, 0, 0) ON CONFLICT DO NOTHING", KeyTypes);

    private static readonly DbType[] UpdateTypes = [DbType.Int64, DbType.Int64, DbType.Int64, DbType.Binary, .. KeyTypes];

    private Statement WindowRead => new(
        "SELECT reports, samples, drift_alarms, counters FROM windows WHERE model_id = @p0 AND model_version = @p1 AND device_id = @p2 AND class_count = @p3 AND feature_count = @p4 AND hour = @p5" + ForUpdate, KeyTypes);

    private static Statement WindowUpdate => new(
        "UPDATE windows SET reports = @p0, samples = @p1, drift_alarms = @p2, counters = @p3 WHERE model_id = @p4 AND model_version = @p5 AND device_id = @p6 AND class_count = @p7 AND feature_count = @p8 AND hour = @p9", UpdateTypes);

    /// <inheritdoc/>
    public IEnumerable<WindowAggregate> Windows(StatsQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        (string? hourFrom, bool inclusive, string? partialFrom, string? partialTo) = SinceBounds(query.Since);
        using (DbCommand cmd = Command(string.Empty))
        {
            string time = hourFrom == null ? string.Empty : (inclusive ? " AND hour >= @hf" : " AND hour > @hf");
            cmd.CommandText = "SELECT device_id, model_id, model_version, reports, samples, drift_alarms, counters FROM windows WHERE reports > 0" + Filter(cmd, query, string.Empty) + time;
            Param(cmd, "@hf", DbType.String, hourFrom);
            using DbDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                byte[] blob = (byte[])r[6];
                yield return new WindowAggregate(r.GetString(0), r.GetString(1), (uint)r.GetInt64(2), (int)r.GetInt64(3), (int)r.GetInt64(4), (int)r.GetInt64(5), StatsFormat.Read(blob, 0, blob.Length).Counters);
            }
        }

        if (partialFrom == null)
        {
            yield break;
        }

        using (DbCommand cmd = Command(string.Empty))
        {
            cmd.CommandText = "SELECT payload FROM reports WHERE has_counters = 1 AND received_utc >= @pf AND received_utc < @pt" + Filter(cmd, query, string.Empty);
            Param(cmd, "@pf", DbType.String, partialFrom);
            Param(cmd, "@pt", DbType.String, partialTo);
            using DbDataReader r = cmd.ExecuteReader();
            while (r.Read())
            {
                byte[] payload = (byte[])r[0];
                StatsReport report = StatsFormat.Read(payload, 0, payload.Length);
                yield return new WindowAggregate(report.DeviceId, report.ModelId, report.ModelVersion, 1, report.Samples?.Length ?? 0, report.DriftAlarms, report.Counters);
            }
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<StoredReport> Reports(StatsQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        using DbCommand cmd = Command(string.Empty);
        cmd.CommandText = $"SELECT payload, received_utc FROM reports WHERE 1 = 1{Filter(cmd, query, string.Empty)}{(query.Since == null ? string.Empty : " AND received_utc >= @since")} ORDER BY id";
        Param(cmd, "@since", DbType.String, query.Since?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
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
    public IReadOnlyList<StoredSample> Samples(StatsQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        using DbCommand cmd = Command(string.Empty);
        string devices = query.Devices == null ? string.Empty : " WHERE 1 = 1" + Filter(cmd, StatsQuery.All with { Devices = query.Devices }, string.Empty);

        // The boot of a report: per device, in arrival order, how often the window numbering restarted up to it.
        cmd.CommandText = $"""
            WITH ordered AS (SELECT id, device_id, report_sequence, LAG(report_sequence) OVER (PARTITION BY device_id ORDER BY id) AS prev FROM reports{devices}),
            boots AS (SELECT id, SUM(CASE WHEN report_sequence <= prev THEN 1 ELSE 0 END) OVER (PARTITION BY device_id ORDER BY id ROWS UNBOUNDED PRECEDING) AS boot FROM ordered)
            SELECT r.device_id, r.model_id, r.model_version, r.report_sequence, r.received_utc, b.boot,
                   s.sequence, s.timestamp_ms, s.predicted, s.runner_up, s.label, s.margin_q15, s.confidence_q15, s.kind, s.feature_values
            FROM samples s JOIN reports r ON r.id = s.report_id JOIN boots b ON b.id = r.id
            WHERE 1 = 1{Filter(cmd, query with { Devices = null }, "r.")}{(query.Since == null ? string.Empty : " AND r.received_utc >= @since")}
            ORDER BY s.report_id, s.ord
            """;
        Param(cmd, "@since", DbType.String, query.Since?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        var samples = new List<StoredSample>();
        using DbDataReader r = cmd.ExecuteReader();
        while (r.Read())
        {
            var sample = new BufferedSample
            {
                Sequence = (uint)r.GetInt64(6), TimestampMs = r.GetInt64(7), Predicted = (int)r.GetInt64(8), RunnerUp = (int)r.GetInt64(9), Label = (int)r.GetInt64(10),
                MarginQ15 = (int)r.GetInt64(11), ConfidenceQ15 = (int)r.GetInt64(12), Kind = (int)r.GetInt64(13), Values = BytesValues((byte[])r[14]),
            };
            samples.Add(new StoredSample(r.GetString(0), r.GetString(1), (uint)r.GetInt64(2), (uint)r.GetInt64(3), sample, Convert.ToInt32(r.GetValue(5), CultureInfo.InvariantCulture), r.GetString(4)));
        }

        return samples;
    }

    /// <inheritdoc/>
    public long DriftAlarms(StatsQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        using DbCommand cmd = Command(string.Empty);
        cmd.CommandText = "SELECT COALESCE(SUM(drift_alarms), 0) FROM reports WHERE 1 = 1" + Filter(cmd, query, string.Empty) + (query.Since == null ? string.Empty : " AND received_utc >= @since");
        Param(cmd, "@since", DbType.String, query.Since?.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture));
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>The conditions of a query except time (" AND ..." or empty), with their parameters.</summary>
    private static string Filter(DbCommand cmd, StatsQuery q, string prefix)
    {
        var sql = new System.Text.StringBuilder();
        void Add(string column, string name, DbType type, object? value)
        {
            if (value != null)
            {
                sql.Append(CultureInfo.InvariantCulture, $" AND {prefix}{column} = {name}");
                Param(cmd, name, type, value);
            }
        }

        Add("model_id", "@qm", DbType.String, q.ModelId);
        Add("model_version", "@qv", DbType.Int64, q.ModelVersion is { } v ? (long)v : null);
        Add("class_count", "@qk", DbType.Int64, q.ClassCount is { } k ? (long)k : null);
        Add("feature_count", "@qf", DbType.Int64, q.FeatureCount is { } f ? (long)f : null);
        if (q.Devices != null)
        {
            string[] names = [.. q.Devices.Select((d, i) => "@qd" + i.ToString(CultureInfo.InvariantCulture))];
            for (int i = 0; i < names.Length; i++)
            {
                Param(cmd, names[i], DbType.String, q.Devices[i]);
            }

            sql.Append(names.Length == 0 ? " AND 1 = 0" : $" AND {prefix}device_id IN ({string.Join(", ", names)})");
        }

        return sql.ToString();
    }

    /// <summary>Window hours from the hour of <paramref name="since"/> (inclusive when it starts the hour), and the reports of its partial hour.</summary>
    private static (string? HourFrom, bool Inclusive, string? PartialFrom, string? PartialTo) SinceBounds(DateTime? since)
    {
        if (since is not { } s)
        {
            return (null, false, null, null);
        }

        DateTime utc = s.ToUniversalTime();
        var hour = new DateTime(utc.Year, utc.Month, utc.Day, utc.Hour, 0, 0, DateTimeKind.Utc);
        string hourText = Hour(hour.ToString("O", CultureInfo.InvariantCulture));
        return utc == hour
            ? (hourText, true, null, null)
            : (hourText, false, utc.ToString("O", CultureInfo.InvariantCulture), hour.AddHours(1).ToString("O", CultureInfo.InvariantCulture));
    }

    /// <summary>The window hour of an arrival time ("yyyy-MM-ddTHH").</summary>
    private static string Hour(string receivedUtc) => receivedUtc[..13];

    private void SaveRollup(DbTransaction tx, WindowRollup rollup)
    {
        if (rollup.Count == 0)
        {
            return;
        }

        // Sorted, so that concurrent pullers lock the rows they share in the same order (no deadlock). A row is made
        // first (empty) so that there is a row to lock: two pullers then merge one after the other, never both from nothing.
        (WindowRollup.Key Key, WindowRollup.Sums Sums)[] windows = [.. rollup.Sorted()];
        object?[][] keys = [.. windows.Select(w => new object?[] { w.Key.ModelId, (long)w.Key.ModelVersion, w.Key.DeviceId, (long)w.Key.ClassCount, (long)w.Key.FeatureCount, w.Key.Hour })];
        RowsAll(tx, WindowEnsure, keys);
        IReadOnlyList<object?[]?> stored = RowsAll(tx, WindowRead, keys);
        var updates = new List<object?[]>(windows.Length);
        for (int i = 0; i < windows.Length; i++)
        {
            (WindowRollup.Key key, WindowRollup.Sums sums) = windows[i];
            object?[] row = stored[i] ?? throw new InvalidOperationException("window row vanished inside its transaction");
            if (row[3] is byte[] blob)
            {
                sums.Counters.MergeFrom(StatsFormat.Read(blob, 0, blob.Length).Counters);
            }

            byte[] counters = StatsFormat.Write(new StatsReport
            {
                DeviceId = key.DeviceId, ModelId = key.ModelId, ModelVersion = key.ModelVersion, ClassCount = key.ClassCount, FeatureCount = key.FeatureCount, Counters = sums.Counters,
            });
            updates.Add([Convert.ToInt64(row[0], CultureInfo.InvariantCulture) + sums.Reports, Convert.ToInt64(row[1], CultureInfo.InvariantCulture) + sums.Samples, Convert.ToInt64(row[2], CultureInfo.InvariantCulture) + sums.DriftAlarms, counters, .. keys[i]]);
        }

        RowsAll(tx, WindowUpdate, updates);
    }

    /// <summary>A batch's reports merged per window key, before they are added to the stored windows.</summary>
    private sealed class WindowRollup
    {
        private readonly Dictionary<Key, Sums> _sums = [];

        public int Count => _sums.Count;

        public void Add(StatsReport report, string receivedUtc)
        {
            if (report.Counters == null)
            {
                return;
            }

            var key = new Key(report.ModelId, report.ModelVersion, report.DeviceId, report.ClassCount, report.FeatureCount, Hour(receivedUtc));
            if (!_sums.TryGetValue(key, out Sums? sums))
            {
                StatsCounters c = report.Counters;
                _sums[key] = sums = new Sums(new StatsCounters(c.ClassCount, c.FeatureCount, c.FeatureBins));
            }

            sums.Counters.MergeFrom(report.Counters);
            sums.Reports++;
            sums.Samples += report.Samples?.Length ?? 0;
            sums.DriftAlarms += report.DriftAlarms;
        }

        public IEnumerable<(Key, Sums)> Sorted() => _sums.OrderBy(s => s.Key.ModelId, StringComparer.Ordinal).ThenBy(s => s.Key.ModelVersion).ThenBy(s => s.Key.DeviceId, StringComparer.Ordinal)
            .ThenBy(s => s.Key.ClassCount).ThenBy(s => s.Key.FeatureCount).ThenBy(s => s.Key.Hour, StringComparer.Ordinal).Select(s => (s.Key, s.Value));

        public sealed record Key(string ModelId, uint ModelVersion, string DeviceId, int ClassCount, int FeatureCount, string Hour);

        public sealed class Sums(StatsCounters counters)
        {
            public StatsCounters Counters { get; } = counters;

            public long Reports { get; set; }

            public long Samples { get; set; }

            public long DriftAlarms { get; set; }
        }
    }
}
