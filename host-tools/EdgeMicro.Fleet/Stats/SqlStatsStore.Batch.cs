using System.Data;
using System.Data.Common;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Stats;
using EdgeMicro.Fleet.Publishing;

namespace EdgeMicro.Fleet.Stats;

/// <summary>A received message for <see cref="IStatsStore.AddBatch"/>.</summary>
/// <param name="Topic">Topic (edgemicro/&lt;id&gt;/&lt;leaf&gt;).</param>
/// <param name="Payload">Payload.</param>
public sealed record InboundMessage(string Topic, byte[] Payload);

/// <summary>What <see cref="IStatsStore.AddBatch"/> did with a message.</summary>
public enum StoreOutcome
{
    /// <summary>Stored now.</summary>
    Stored,

    /// <summary>Already in the store.</summary>
    Duplicate,

    /// <summary>Not a valid report or device message.</summary>
    Invalid,

    /// <summary>A message the store does not keep (status).</summary>
    Ignored,
}

/// <summary>The outcome for one message of a batch.</summary>
/// <param name="Outcome">What happened.</param>
/// <param name="DeviceId">Device (from the topic).</param>
/// <param name="Leaf">Topic leaf.</param>
/// <param name="Boot">Boot of a JSON message, -1 for reports.</param>
/// <param name="Seq">Seq of a JSON message, -1 for reports.</param>
/// <param name="Report">The parsed report (stats leaf), or null.</param>
/// <param name="Error">Why it is invalid, or null.</param>
public sealed record StoreResult(StoreOutcome Outcome, string DeviceId, string Leaf, long Boot, long Seq, StatsReport? Report, string? Error);

/// <summary>Per (device, boot): the highest seq stored and how many seqs below it are missing.</summary>
/// <param name="DeviceId">Device.</param>
/// <param name="Boot">Boot.</param>
/// <param name="MaxSeq">Highest stored seq.</param>
/// <param name="Missing">Seqs in 1..MaxSeq not stored.</param>
public sealed record BootGaps(string DeviceId, long Boot, long MaxSeq, long Missing);

/// <summary>Batched storing of reports (with their samples and aggregated windows) and device messages.</summary>
public abstract partial class SqlStatsStore
{
    /// <summary>The topic leaves whose messages the store keeps: statistics reports, results and labels, events.</summary>
    public static readonly IReadOnlyList<string> StoredLeaves = [TopicLayout.StatsLeaf, TopicLayout.ResultsLeaf, TopicLayout.EventsLeaf];

    private ReportCommands? _reportCommands;

    /// <inheritdoc/>
    public IReadOnlyList<StoreResult> AddBatch(IReadOnlyList<InboundMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return Retry(() => AddBatchOnce(messages));
    }

    private List<StoreResult> AddBatchOnce(IReadOnlyList<InboundMessage> messages)
    {
        var results = new List<StoreResult>(messages.Count);
        string now = Now();
        var rollup = new WindowRollup();
        using DbTransaction tx = Connection.BeginTransaction();
        using DbCommand insert = Command("INSERT INTO messages (device_id, boot, seq, leaf, type, received_utc, payload) VALUES (@d, @b, @s, @l, @y, @t, @p) ON CONFLICT DO NOTHING", tx);
        DbParameter[] p =
        [
            Param(insert, "@d", DbType.String), Param(insert, "@b", DbType.Int64), Param(insert, "@s", DbType.Int64), Param(insert, "@l", DbType.String),
            Param(insert, "@y", DbType.String), Param(insert, "@t", DbType.String), Param(insert, "@p", DbType.String),
        ];
        foreach (InboundMessage m in messages)
        {
            string[] levels = m.Topic.Split('/');
            string device = levels.Length == 3 ? levels[1] : "", leaf = levels.Length == 3 ? levels[2] : "";
            if (leaf == TopicLayout.StatsLeaf)
            {
                try
                {
                    StatsReport report = StatsFormat.Read(m.Payload, 0, m.Payload.Length);
                    bool added = InsertReport(tx, m.Payload, report, now, rollup);
                    results.Add(new StoreResult(added ? StoreOutcome.Stored : StoreOutcome.Duplicate, report.DeviceId, leaf, -1, -1, report, null));
                }
                catch (StatsFormatException e)
                {
                    results.Add(new StoreResult(StoreOutcome.Invalid, device, leaf, -1, -1, null, e.Message));
                }

                continue;
            }

            DeviceMessage? message = DeviceMessage.TryParse(m.Topic, m.Payload, false);
            if (message == null || message.Leaf == TopicLayout.StatusLeaf)
            {
                results.Add(new StoreResult(message == null ? StoreOutcome.Invalid : StoreOutcome.Ignored, device, leaf, -1, -1, null, message == null ? "not a device message" : null));
                continue;
            }

            if (message.Boot < 0 || message.Seq <= 0)
            {
                results.Add(new StoreResult(StoreOutcome.Invalid, device, leaf, message.Boot, message.Seq, null, "no boot and seq"));
                continue;
            }

            p[0].Value = message.DeviceId;
            p[1].Value = message.Boot;
            p[2].Value = message.Seq;
            p[3].Value = message.Leaf;
            p[4].Value = message.Type;
            p[5].Value = now;
            p[6].Value = System.Text.Encoding.UTF8.GetString(m.Payload);
            bool stored = insert.ExecuteNonQuery() > 0;
            results.Add(new StoreResult(stored ? StoreOutcome.Stored : StoreOutcome.Duplicate, message.DeviceId, leaf, message.Boot, message.Seq, null, null));
        }

        SaveRollup(tx, rollup);
        tx.Commit();
        return results;
    }

    private bool InsertReport(DbTransaction tx, byte[] payload, StatsReport report, string now, WindowRollup rollup)
    {
        // The report's own trailing CRC-32 (of every byte before it). A CRC over the whole payload, trailer included,
        // is the same constant (the CRC residue) for every valid report and would merge different windows.
        uint crc = BitConverter.ToUInt32(payload, payload.Length - 4);
        ReportCommands c = _reportCommands ??= new ReportCommands(this);
        c.InsertReport.Transaction = tx;
        object?[] values =
        [
            report.DeviceId, (long)report.ReportSequence, (long)crc, report.ModelId, (long)report.ModelVersion, (long)(report.Counters?.InferenceCount ?? 0), now, payload,
            (long)report.ClassCount, (long)report.FeatureCount, (long)report.DriftAlarms, report.Counters != null ? 1L : 0L,
        ];
        for (int i = 0; i < values.Length; i++)
        {
            c.Report[i].Value = values[i];
        }

        if (c.InsertReport.ExecuteScalar() is not { } id || id is DBNull)
        {
            return false;
        }

        InsertSamples(tx, Convert.ToInt64(id, System.Globalization.CultureInfo.InvariantCulture), report);
        rollup.Add(report, now);
        return true;
    }

    private void InsertSamples(DbTransaction tx, long reportId, StatsReport report)
    {
        BufferedSample[] samples = report.Samples ?? [];
        for (int start = 0; start < samples.Length; start += SampleRowsPerStatement)
        {
            int n = Math.Min(SampleRowsPerStatement, samples.Length - start);
            var sql = new System.Text.StringBuilder("INSERT INTO samples (report_id, sequence, device_id, predicted, label, margin_q15, ord, runner_up, confidence_q15, kind, timestamp_ms, feature_values) VALUES ");
            using DbCommand cmd = Command(string.Empty, tx);
            for (int i = 0; i < n; i++)
            {
                BufferedSample s = samples[start + i];
                object[] row = [reportId, (long)s.Sequence, report.DeviceId, (long)s.Predicted, (long)s.Label, (long)s.MarginQ15, (long)(start + i), (long)s.RunnerUp, (long)s.ConfidenceQ15, (long)s.Kind, s.TimestampMs, ValuesBytes(s.Values)];
                sql.Append(i == 0 ? "(" : ", (");
                for (int f = 0; f < row.Length; f++)
                {
                    string name = "@p" + ((i * row.Length) + f).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    sql.Append(f == 0 ? name : ", " + name);
                    Param(cmd, name, row[f] switch { string => DbType.String, byte[] => DbType.Binary, _ => DbType.Int64 }, row[f]);
                }

                sql.Append(')');
            }

            cmd.CommandText = sql.Append(" ON CONFLICT DO NOTHING").ToString();
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Feature values as little-endian int32 (the <c>feature_values</c> column).</summary>
    private static byte[] ValuesBytes(int[]? values)
    {
        values ??= [];
        byte[] bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), values[i]);
        }

        return bytes;
    }

    private static int[] BytesValues(byte[] bytes)
    {
        int[] values = new int[bytes.Length / 4];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(bytes.AsSpan(i * 4));
        }

        return values;
    }

    /// <summary>The prepared report insert, made once per store.</summary>
    private sealed class ReportCommands : IDisposable
    {
        public ReportCommands(SqlStatsStore store)
        {
            InsertReport = store.Command("""
                INSERT INTO reports (device_id, report_sequence, payload_crc, model_id, model_version, inferences, received_utc, payload, class_count, feature_count, drift_alarms, has_counters)
                VALUES (@d, @s, @c, @m, @v, @n, @t, @p, @k, @f, @a, @h) ON CONFLICT DO NOTHING RETURNING id
                """);
            Report =
            [
                Param(InsertReport, "@d", DbType.String), Param(InsertReport, "@s", DbType.Int64), Param(InsertReport, "@c", DbType.Int64), Param(InsertReport, "@m", DbType.String),
                Param(InsertReport, "@v", DbType.Int64), Param(InsertReport, "@n", DbType.Int64), Param(InsertReport, "@t", DbType.String), Param(InsertReport, "@p", DbType.Binary),
                Param(InsertReport, "@k", DbType.Int64), Param(InsertReport, "@f", DbType.Int64), Param(InsertReport, "@a", DbType.Int64), Param(InsertReport, "@h", DbType.Int64),
            ];
        }

        public DbCommand InsertReport { get; }

        public DbParameter[] Report { get; }

        public void Dispose() => InsertReport.Dispose();
    }
}
