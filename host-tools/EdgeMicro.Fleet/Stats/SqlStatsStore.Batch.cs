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

    private static readonly Statement MessageInsert = new(
        "INSERT INTO messages (device_id, boot, seq, leaf, type, received_utc, payload) VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6) ON CONFLICT DO NOTHING RETURNING seq",
        [DbType.String, DbType.Int64, DbType.Int64, DbType.String, DbType.String, DbType.String, DbType.String]);

    private static readonly Statement ReportInsert = new(
        """
        INSERT INTO reports (device_id, report_sequence, payload_crc, model_id, model_version, inferences, received_utc, payload, class_count, feature_count, drift_alarms, has_counters)
        VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11) ON CONFLICT DO NOTHING RETURNING id
        """,
        [DbType.String, DbType.Int64, DbType.Int64, DbType.String, DbType.Int64, DbType.Int64, DbType.String, DbType.Binary, DbType.Int64, DbType.Int64, DbType.Int64, DbType.Int64]);

    /// <inheritdoc/>
    public IReadOnlyList<StoreResult> AddBatch(IReadOnlyList<InboundMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        return Retry(() => AddBatchOnce(messages));
    }

    private StoreResult[] AddBatchOnce(IReadOnlyList<InboundMessage> messages)
    {
        var results = new StoreResult[messages.Count];
        var reports = new List<(int Index, byte[] Payload, StatsReport Report)>();
        var jsons = new List<(int Index, DeviceMessage Message, byte[] Payload)>();
        for (int i = 0; i < messages.Count; i++)
        {
            InboundMessage m = messages[i];
            string[] levels = m.Topic.Split('/');
            string device = levels.Length == 3 ? levels[1] : "", leaf = levels.Length == 3 ? levels[2] : "";
            if (leaf == TopicLayout.StatsLeaf)
            {
                try
                {
                    reports.Add((i, m.Payload, StatsFormat.Read(m.Payload, 0, m.Payload.Length)));
                }
                catch (StatsFormatException e)
                {
                    results[i] = new StoreResult(StoreOutcome.Invalid, device, leaf, -1, -1, null, e.Message);
                }

                continue;
            }

            DeviceMessage? message = DeviceMessage.TryParse(m.Topic, m.Payload, false);
            if (message == null || message.Leaf == TopicLayout.StatusLeaf)
            {
                results[i] = new StoreResult(message == null ? StoreOutcome.Invalid : StoreOutcome.Ignored, device, leaf, -1, -1, null, message == null ? "not a device message" : null);
            }
            else if (message.Boot < 0 || message.Seq <= 0)
            {
                results[i] = new StoreResult(StoreOutcome.Invalid, device, leaf, message.Boot, message.Seq, null, "no boot and seq");
            }
            else
            {
                jsons.Add((i, message, m.Payload));
            }
        }

        string now = Now();
        using DbTransaction tx = Connection.BeginTransaction();
        bool[] added = StoreReports(tx, [.. reports.Select(r => (r.Payload, r.Report))], now);
        for (int j = 0; j < reports.Count; j++)
        {
            StatsReport r = reports[j].Report;
            results[reports[j].Index] = new StoreResult(added[j] ? StoreOutcome.Stored : StoreOutcome.Duplicate, r.DeviceId, TopicLayout.StatsLeaf, -1, -1, r, null);
        }

        IReadOnlyList<object?[]?> stored = RowsAll(tx, MessageInsert, [.. jsons.Select(j => new object?[]
        {
            j.Message.DeviceId, j.Message.Boot, j.Message.Seq, j.Message.Leaf, j.Message.Type, now, System.Text.Encoding.UTF8.GetString(j.Payload),
        })]);
        for (int j = 0; j < jsons.Count; j++)
        {
            DeviceMessage message = jsons[j].Message;
            results[jsons[j].Index] = new StoreResult(stored[j] != null ? StoreOutcome.Stored : StoreOutcome.Duplicate, message.DeviceId, message.Leaf, message.Boot, message.Seq, null, null);
        }

        tx.Commit();
        return results;
    }

    /// <summary>Inserts reports (those already stored are left), their samples, and adds them to the windows.</summary>
    /// <returns>Per report: true when stored now.</returns>
    private bool[] StoreReports(DbTransaction tx, IReadOnlyList<(byte[] Payload, StatsReport Report)> reports, string now)
    {
        if (reports.Count == 0)
        {
            return [];
        }

        // The report's own trailing CRC-32 (of every byte before it). A CRC over the whole payload, trailer included,
        // is the same constant (the CRC residue) for every valid report and would merge different windows.
        IReadOnlyList<object?[]?> ids = RowsAll(tx, ReportInsert, [.. reports.Select(x => new object?[]
        {
            x.Report.DeviceId, (long)x.Report.ReportSequence, (long)BitConverter.ToUInt32(x.Payload, x.Payload.Length - 4), x.Report.ModelId, (long)x.Report.ModelVersion,
            (long)(x.Report.Counters?.InferenceCount ?? 0), now, x.Payload, (long)x.Report.ClassCount, (long)x.Report.FeatureCount, (long)x.Report.DriftAlarms, x.Report.Counters != null ? 1L : 0L,
        })]);
        var fresh = new List<(long Id, StatsReport Report)>();
        var rollup = new WindowRollup();
        for (int i = 0; i < reports.Count; i++)
        {
            if (ids[i] is { } row)
            {
                fresh.Add((Convert.ToInt64(row[0], System.Globalization.CultureInfo.InvariantCulture), reports[i].Report));
                rollup.Add(reports[i].Report, now);
            }
        }

        InsertSamples(tx, fresh);
        SaveRollup(tx, rollup);
        return [.. ids.Select(id => id != null)];
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
}
