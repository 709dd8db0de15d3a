using System.Globalization;
using EdgeMicro.Core.Stats;

namespace EdgeMicro.Fleet.Stats;

/// <summary>Which stored statistics a query reads: all by default, narrowed per model, shape, devices and time.</summary>
public sealed record StatsQuery
{
    /// <summary>Gets the query that reads everything.</summary>
    public static StatsQuery All { get; } = new();

    /// <summary>Gets the model id, or null for every model.</summary>
    public string? ModelId { get; init; }

    /// <summary>Gets the model version, or null for every version.</summary>
    public uint? ModelVersion { get; init; }

    /// <summary>Gets the report class count, or null for any.</summary>
    public int? ClassCount { get; init; }

    /// <summary>Gets the report feature count, or null for any.</summary>
    public int? FeatureCount { get; init; }

    /// <summary>Gets the devices, or null for every device.</summary>
    public IReadOnlyList<string>? Devices { get; init; }

    /// <summary>Gets the earliest arrival time (UTC) of the reports read, or null for no limit.</summary>
    public DateTime? Since { get; init; }

    /// <summary>Reads a <c>--since</c> value: an ISO 8601 time (UTC unless it has an offset) or a duration back from now (90m, 24h, 7d).</summary>
    /// <param name="value">The value.</param>
    /// <param name="nowUtc">Now.</param>
    /// <returns>The UTC time, or null when the value is neither.</returns>
    public static DateTime? ParseSince(string value, DateTime nowUtc)
    {
        ArgumentNullException.ThrowIfNull(value);
        string v = value.Trim();
        if (v.Length >= 2 && char.IsAsciiLetter(v[^1]) && double.TryParse(v[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out double n) && n >= 0 && double.IsFinite(n))
        {
            double? hours = char.ToLowerInvariant(v[^1]) switch { 'm' => n / 60, 'h' => n, 'd' => n * 24, _ => null };
            return hours is { } h && h < 24 * 365 * 100 ? nowUtc.AddHours(-h) : null;
        }

        return DateTime.TryParse(v, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTime t) ? t : null;
    }
}

/// <summary>
/// An aggregated window: the merged counters of one device's reports of one model version (and report shape) that
/// arrived in one hour, or, at the edge of a <see cref="StatsQuery.Since"/> limit, of one report.
/// </summary>
/// <param name="DeviceId">Device.</param>
/// <param name="ModelId">Model id.</param>
/// <param name="ModelVersion">Model version.</param>
/// <param name="Reports">Reports merged (those with counters).</param>
/// <param name="Samples">Buffered samples those reports carried.</param>
/// <param name="DriftAlarms">Their drift alarms.</param>
/// <param name="Counters">The merged counters.</param>
public sealed record WindowAggregate(string DeviceId, string ModelId, uint ModelVersion, int Reports, int Samples, int DriftAlarms, StatsCounters Counters);

/// <summary>
/// The statistics store: device reports (kept verbatim, once per device, window and report CRC), their buffered
/// samples, the devices' results, labels and events (once per device, boot and seq), and hourly aggregated windows
/// maintained in the same transaction as the reports. Two implementations share one schema and one SQL text where
/// the engines agree: <see cref="StatsStore"/> (SQLite, the single-machine default) and
/// <see cref="PostgresStatsStore"/> (PostgreSQL, for many pullers). Both apply their versioned migrations
/// (<c>schema_version</c>) when opened. Open one with <see cref="StoreLocation.Open"/>.
/// </summary>
public interface IStatsStore : IDisposable
{
    /// <summary>Gets a description of the store for messages (a file path, or a PostgreSQL URL without password).</summary>
    string Location { get; }

    /// <summary>Gets the schema version the store has (after the migrations this build knows).</summary>
    int SchemaVersion { get; }

    /// <summary>Adds a report payload (one transaction).</summary>
    /// <param name="payload">A <see cref="StatsFormat"/> report.</param>
    /// <param name="report">The parsed report.</param>
    /// <returns>True when stored, false when it was already there.</returns>
    /// <exception cref="StatsFormatException">The payload is not a valid report.</exception>
    bool Add(byte[] payload, out StatsReport report);

    /// <summary>Stores a batch of received messages in one transaction.</summary>
    /// <param name="messages">Messages in arrival order.</param>
    /// <returns>One outcome per message, in order; everything Stored or Duplicate is durable when this returns.</returns>
    IReadOnlyList<StoreResult> AddBatch(IReadOnlyList<InboundMessage> messages);

    /// <summary>Counts stored reports and samples.</summary>
    /// <returns>(reports, samples).</returns>
    (long Reports, long Samples) Count();

    /// <summary>Reads whole stored reports, oldest first (every payload: for tests and small stores, not for queries).</summary>
    /// <param name="deviceId">Only this device, or null for all.</param>
    /// <returns>The reports.</returns>
    IReadOnlyList<StoredReport> Reports(string? deviceId = null);

    /// <summary>Reads the whole reports a query selects (model version, devices, time range), oldest first, filtered in
    /// SQL: for readers that need each report, such as the data-health trend per report window.</summary>
    /// <param name="query">The selection.</param>
    /// <returns>The reports.</returns>
    IReadOnlyList<StoredReport> Reports(StatsQuery query);

    /// <summary>Reads the aggregated windows the query selects (in no particular order).</summary>
    /// <param name="query">Selection.</param>
    /// <returns>The windows, streamed.</returns>
    IEnumerable<WindowAggregate> Windows(StatsQuery query);

    /// <summary>Reads the buffered samples of the reports the query selects, in arrival order, with each report's boot.</summary>
    /// <param name="query">Selection.</param>
    /// <returns>The samples.</returns>
    IReadOnlyList<StoredSample> Samples(StatsQuery query);

    /// <summary>Sums the drift alarms of the reports the query selects (with or without counters).</summary>
    /// <param name="query">Selection.</param>
    /// <returns>The sum.</returns>
    long DriftAlarms(StatsQuery query);

    /// <summary>Counts stored device messages (results, labels, events).</summary>
    /// <param name="type">Only this type, or null for all.</param>
    /// <returns>The count.</returns>
    long CountMessages(string? type = null);

    /// <summary>The stored (device, boot, seq) keys of one message type.</summary>
    /// <param name="type">Type value.</param>
    /// <returns>The keys, sorted.</returns>
    IReadOnlyList<(string DeviceId, long Boot, long Seq)> MessageKeys(string type);

    /// <summary>Missing seqs per (device, boot): messages numbered 1.. of which some never arrived.</summary>
    /// <returns>One row per (device, boot).</returns>
    IReadOnlyList<BootGaps> Gaps();
}
