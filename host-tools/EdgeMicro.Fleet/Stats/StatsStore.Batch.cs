using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Stats;
using EdgeMicro.Fleet.Publishing;
using Microsoft.Data.Sqlite;

namespace EdgeMicro.Fleet.Stats;

/// <summary>A received message for <see cref="StatsStore.AddBatch"/>.</summary>
/// <param name="Topic">Topic (edgemicro/&lt;id&gt;/&lt;leaf&gt;).</param>
/// <param name="Payload">Payload.</param>
public sealed record InboundMessage(string Topic, byte[] Payload);

/// <summary>What <see cref="StatsStore.AddBatch"/> did with a message.</summary>
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

/// <summary>Batched storing of reports and device messages, and the messages' queries.</summary>
public sealed partial class StatsStore
{
    private ReportCommands? _reportCommands;

    /// <summary>The topic leaves whose messages the store keeps: statistics reports, results and labels, events.</summary>
    public static readonly IReadOnlyList<string> StoredLeaves = [TopicLayout.StatsLeaf, TopicLayout.ResultsLeaf, TopicLayout.EventsLeaf];

    /// <summary>Stores a batch of received messages in one transaction.</summary>
    /// <param name="messages">Messages in arrival order.</param>
    /// <returns>One outcome per message, in order; everything Stored or Duplicate is durable when this returns.</returns>
    public IReadOnlyList<StoreResult> AddBatch(IReadOnlyList<InboundMessage> messages)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var results = new List<StoreResult>(messages.Count);
        string now = Now();
        using SqliteTransaction tx = _connection.BeginTransaction();
        using SqliteCommand insert = _connection.CreateCommand();
        insert.Transaction = tx;
        insert.CommandText = "INSERT OR IGNORE INTO messages (device_id, boot, seq, leaf, type, received_utc, payload) VALUES ($d, $b, $s, $l, $y, $t, $p);";
        SqliteParameter[] p = [.. new[] { "$d", "$b", "$s", "$l", "$y", "$t", "$p" }.Select(n => insert.Parameters.AddWithValue(n, DBNull.Value))];
        foreach (InboundMessage m in messages)
        {
            string[] levels = m.Topic.Split('/');
            string device = levels.Length == 3 ? levels[1] : "", leaf = levels.Length == 3 ? levels[2] : "";
            if (leaf == TopicLayout.StatsLeaf)
            {
                try
                {
                    StatsReport report = StatsFormat.Read(m.Payload, 0, m.Payload.Length);
                    bool added = InsertReport(tx, m.Payload, report, now);
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

        tx.Commit();
        return results;
    }

    /// <summary>Counts stored device messages (results, labels, events).</summary>
    /// <param name="type">Only this type (e.g. <see cref="PayloadFields.TypeResult"/>), or null for all.</param>
    /// <returns>The count.</returns>
    public long CountMessages(string? type = null)
    {
        using SqliteCommand cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM messages WHERE $y IS NULL OR type = $y;";
        cmd.Parameters.AddWithValue("$y", (object?)type ?? DBNull.Value);
        return (long)cmd.ExecuteScalar()!;
    }

    /// <summary>The stored (device, boot, seq) keys of one message type.</summary>
    /// <param name="type">Type value.</param>
    /// <returns>The keys.</returns>
    public IReadOnlyList<(string DeviceId, long Boot, long Seq)> MessageKeys(string type)
    {
        using SqliteCommand cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT device_id, boot, seq FROM messages WHERE type = $y ORDER BY device_id, boot, seq;";
        cmd.Parameters.AddWithValue("$y", type);
        var keys = new List<(string, long, long)>();
        using SqliteDataReader r = cmd.ExecuteReader();
        while (r.Read())
        {
            keys.Add((r.GetString(0), r.GetInt64(1), r.GetInt64(2)));
        }

        return keys;
    }

    /// <summary>Missing seqs per (device, boot): messages numbered 1.. of which some never arrived.</summary>
    /// <returns>One row per (device, boot).</returns>
    public IReadOnlyList<BootGaps> Gaps()
    {
        using SqliteCommand cmd = _connection.CreateCommand();
        cmd.CommandText = "SELECT device_id, boot, MAX(seq), COUNT(*) FROM messages GROUP BY device_id, boot ORDER BY device_id, boot;";
        var gaps = new List<BootGaps>();
        using SqliteDataReader r = cmd.ExecuteReader();
        while (r.Read())
        {
            gaps.Add(new BootGaps(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetInt64(2) - r.GetInt64(3)));
        }

        return gaps;
    }

    private static string Now() => DateTime.UtcNow.ToString("O", System.Globalization.CultureInfo.InvariantCulture);

    private bool InsertReport(SqliteTransaction tx, byte[] payload, StatsReport report, string now)
    {
        // The report's own trailing CRC-32 (of every byte before it). A CRC over the whole payload, trailer included,
        // is the same constant (the CRC residue) for every valid report and would merge different windows.
        uint crc = BitConverter.ToUInt32(payload, payload.Length - 4);
        ReportCommands c = _reportCommands ??= new ReportCommands(_connection);
        c.Bind(tx);
        c.Report[0].Value = report.DeviceId;
        c.Report[1].Value = (long)report.ReportSequence;
        c.Report[2].Value = (long)crc;
        c.Report[3].Value = report.ModelId;
        c.Report[4].Value = (long)report.ModelVersion;
        c.Report[5].Value = report.Counters?.InferenceCount ?? 0;
        c.Report[6].Value = now;
        c.Report[7].Value = payload;
        if (c.InsertReport.ExecuteNonQuery() == 0)
        {
            return false;
        }

        c.Sample[0].Value = (long)c.LastId.ExecuteScalar()!;
        c.Sample[2].Value = report.DeviceId;
        foreach (BufferedSample s in report.Samples ?? [])
        {
            c.Sample[1].Value = (long)s.Sequence;
            c.Sample[3].Value = s.Predicted;
            c.Sample[4].Value = s.Label;
            c.Sample[5].Value = s.MarginQ15;
            c.InsertSample.ExecuteNonQuery();
        }

        return true;
    }

    /// <summary>The prepared statements of <see cref="InsertReport"/>, made once per store.</summary>
    private sealed class ReportCommands : IDisposable
    {
        public ReportCommands(SqliteConnection connection)
        {
            InsertReport = connection.CreateCommand();
            InsertReport.CommandText = """
                INSERT OR IGNORE INTO reports (device_id, report_sequence, payload_crc, model_id, model_version, inferences, received_utc, payload)
                VALUES ($d, $s, $c, $m, $v, $n, $t, $p);
                """;
            Report = [.. new[] { "$d", "$s", "$c", "$m", "$v", "$n", "$t", "$p" }.Select(n => InsertReport.Parameters.AddWithValue(n, DBNull.Value))];
            LastId = connection.CreateCommand();
            LastId.CommandText = "SELECT last_insert_rowid();";
            InsertSample = connection.CreateCommand();
            InsertSample.CommandText = "INSERT OR IGNORE INTO samples (report_id, sequence, device_id, predicted, label, margin_q15) VALUES ($r, $q, $d, $p, $l, $m);";
            Sample = [.. new[] { "$r", "$q", "$d", "$p", "$l", "$m" }.Select(n => InsertSample.Parameters.AddWithValue(n, DBNull.Value))];
        }

        public SqliteCommand InsertReport { get; }

        public SqliteCommand LastId { get; }

        public SqliteCommand InsertSample { get; }

        public SqliteParameter[] Report { get; }

        public SqliteParameter[] Sample { get; }

        public void Dispose()
        {
            InsertReport.Dispose();
            LastId.Dispose();
            InsertSample.Dispose();
        }

        public void Bind(SqliteTransaction tx)
        {
            InsertReport.Transaction = tx;
            LastId.Transaction = tx;
            InsertSample.Transaction = tx;
        }
    }
}
