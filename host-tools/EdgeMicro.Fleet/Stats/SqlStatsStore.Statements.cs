using System.Data;
using System.Data.Common;

namespace EdgeMicro.Fleet.Stats;

/// <summary>One statement run for many rows of values: the unit the engines execute their own fastest way.</summary>
/// <param name="Sql">SQL with parameters @p0, @p1, ... (one per column).</param>
/// <param name="Types">Parameter types, one per column.</param>
public sealed record Statement(string Sql, IReadOnlyList<DbType> Types);

/// <summary>
/// Statements run for many rows. SQLite (in-process) runs one prepared command row after row; PostgreSQL
/// (<see cref="PostgresStatsStore"/>) sends all rows in one round trip (a pipelined batch) and buffered samples with
/// binary COPY, so a batch of a thousand reports costs a handful of round trips, not thousands.
/// </summary>
public abstract partial class SqlStatsStore
{
    /// <summary>Runs a statement for each row of values and returns the first result row of each (null when it returned none).</summary>
    /// <param name="tx">Transaction.</param>
    /// <param name="statement">Statement.</param>
    /// <param name="rows">Values, one array per execution.</param>
    /// <returns>Per row: the first result row's values, or null.</returns>
    protected virtual IReadOnlyList<object?[]?> RowsAll(DbTransaction tx, Statement statement, IReadOnlyList<object?[]> rows)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(rows);
        using DbCommand cmd = Command(statement.Sql, tx);
        DbParameter[] p = [.. statement.Types.Select((t, i) => Param(cmd, "@p" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), t))];
        var results = new List<object?[]?>(rows.Count);
        foreach (object?[] row in rows)
        {
            for (int i = 0; i < p.Length; i++)
            {
                p[i].Value = row[i] ?? DBNull.Value;
            }

            using DbDataReader r = cmd.ExecuteReader();
            results.Add(FirstRow(r));
        }

        return results;
    }

    /// <summary>The values of the current result's first row, or null when it has none.</summary>
    /// <param name="reader">Reader on a result.</param>
    /// <returns>The values.</returns>
    protected static object?[]? FirstRow(DbDataReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        if (!reader.Read())
        {
            return null;
        }

        object?[] values = new object?[reader.FieldCount];
        reader.GetValues(values!);
        return values;
    }

    /// <summary>Stores the buffered samples of newly stored reports (one row per sample, in report order).</summary>
    /// <param name="tx">Transaction.</param>
    /// <param name="reports">Report id and report.</param>
    protected virtual void InsertSamples(DbTransaction tx, IReadOnlyList<(long Id, Core.Stats.StatsReport Report)> reports)
    {
        ArgumentNullException.ThrowIfNull(reports);
        RowsAll(tx, SampleInsert, [.. reports.SelectMany(r => SampleRows(r.Id, r.Report))]);
    }

    /// <summary>The sample rows of a report, in the column order of <see cref="SampleColumns"/>.</summary>
    /// <param name="reportId">Report id.</param>
    /// <param name="report">Report.</param>
    /// <returns>Rows.</returns>
    protected static IEnumerable<object?[]> SampleRows(long reportId, Core.Stats.StatsReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        Core.Stats.BufferedSample[] samples = report.Samples ?? [];
        for (int i = 0; i < samples.Length; i++)
        {
            Core.Stats.BufferedSample s = samples[i];
            yield return [reportId, (long)i, (long)s.Sequence, report.DeviceId, (long)s.Predicted, (long)s.RunnerUp, (long)s.Label, (long)s.MarginQ15, (long)s.ConfidenceQ15, (long)s.Kind, s.TimestampMs, ValuesBytes(s.Values)];
        }
    }

    /// <summary>Gets the columns of a sample row.</summary>
    protected static IReadOnlyList<string> SampleColumns { get; } = ["report_id", "ord", "sequence", "device_id", "predicted", "runner_up", "label", "margin_q15", "confidence_q15", "kind", "timestamp_ms", "feature_values"];

    private static Statement SampleInsert { get; } = new(
        $"INSERT INTO samples ({string.Join(", ", SampleColumns)}) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11) ON CONFLICT DO NOTHING",
        [DbType.Int64, DbType.Int64, DbType.Int64, DbType.String, DbType.Int64, DbType.Int64, DbType.Int64, DbType.Int64, DbType.Int64, DbType.Int64, DbType.Int64, DbType.Binary]);
}
