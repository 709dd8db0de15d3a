using EdgeMicro.Core.Stats;

namespace EdgeMicro.Fleet.Stats;

/// <summary>Statistics of one device (or all devices merged) for one model version.</summary>
/// <param name="DeviceId">Device id, or "(all)" for the merge.</param>
/// <param name="ModelId">Model id.</param>
/// <param name="ModelVersion">Model version.</param>
/// <param name="Reports">Reports merged.</param>
/// <param name="Counters">Merged counters.</param>
/// <param name="Samples">Buffered samples stored.</param>
/// <param name="DriftAlarms">Page-Hinkley alarms.</param>
public sealed record DeviceSummary(string DeviceId, string ModelId, uint ModelVersion, int Reports, StatsCounters Counters, int Samples, int DriftAlarms)
{
    /// <summary>Name used for the merge of all devices.</summary>
    public const string AllDevices = "(all)";

    /// <summary>Mean Q15 confidence as a fraction.</summary>
    public double MeanConfidence => Counters.InferenceCount == 0 ? 0 : Counters.ConfidenceSum.Sum() / 32768.0 / Counters.InferenceCount;

    /// <summary>Predicted-class shares.</summary>
    public double[] PredictedShares => Counters.Predicted.Select(p => Counters.InferenceCount == 0 ? 0 : p / (double)Counters.InferenceCount).ToArray();

    /// <summary>Share of labelled samples the model got right.</summary>
    public double? LabelledAccuracy => Counters.LabelCount == 0 ? null : Enumerable.Range(0, Counters.ClassCount).Sum(c => Counters.Confusion[(c * Counters.ClassCount) + c]) / (double)Counters.LabelCount;
}

/// <summary>Merges stored reports per device and overall, per model version (exact: <see cref="StatsCounters.MergeFrom"/>).</summary>
public static class StatsSummary
{
    /// <summary>Builds per-device and merged summaries from whole reports.</summary>
    /// <param name="reports">Stored reports.</param>
    /// <returns>Per (model, version): each device, then the merge of all devices.</returns>
    public static IReadOnlyList<DeviceSummary> Build(IEnumerable<StoredReport> reports) =>
        Build(reports.Select(r => r.Report).Where(r => r.Counters != null).Select(r => new WindowAggregate(r.DeviceId, r.ModelId, r.ModelVersion, 1, r.Samples?.Length ?? 0, r.DriftAlarms, r.Counters)));

    /// <summary>Builds per-device and merged summaries from a store's aggregated windows (<see cref="IStatsStore.Windows"/>).</summary>
    /// <param name="windows">Windows, in any order.</param>
    /// <returns>Per (model, version): each device, then the merge of all devices.</returns>
    public static IReadOnlyList<DeviceSummary> Build(IEnumerable<WindowAggregate> windows)
    {
        ArgumentNullException.ThrowIfNull(windows);
        var devices = new Dictionary<(string ModelId, uint ModelVersion, string DeviceId), DeviceSummary>();
        foreach (WindowAggregate w in windows)
        {
            var key = (w.ModelId, w.ModelVersion, w.DeviceId);
            devices[key] = devices.TryGetValue(key, out DeviceSummary? sum) ? Add(sum, w.Reports, w.Counters, w.Samples, w.DriftAlarms) : Add(new DeviceSummary(w.DeviceId, w.ModelId, w.ModelVersion, 0, Empty(w.Counters), 0, 0), w.Reports, w.Counters, w.Samples, w.DriftAlarms);
        }

        var result = new List<DeviceSummary>();
        foreach (var model in devices.Values.GroupBy(d => (d.ModelId, d.ModelVersion)).OrderBy(g => g.Key.ModelId, StringComparer.Ordinal).ThenBy(g => g.Key.ModelVersion))
        {
            DeviceSummary[] rows = [.. model.OrderBy(d => d.DeviceId, StringComparer.Ordinal)];
            result.AddRange(rows);
            DeviceSummary all = new(DeviceSummary.AllDevices, model.Key.ModelId, model.Key.ModelVersion, 0, Empty(rows[0].Counters), 0, 0);
            result.Add(rows.Aggregate(all, (a, d) => Add(a, d.Reports, d.Counters, d.Samples, d.DriftAlarms)));
        }

        return result;
    }

    /// <summary>Merges reports of one model version.</summary>
    /// <param name="deviceId">Label of the result.</param>
    /// <param name="reports">Reports with counters of the same shape.</param>
    /// <returns>The summary.</returns>
    public static DeviceSummary Merge(string deviceId, IReadOnlyList<StatsReport> reports)
    {
        StatsCounters first = reports[0].Counters;
        var merged = new StatsCounters(first.ClassCount, first.FeatureCount, first.FeatureBins);
        foreach (StatsReport r in reports)
        {
            merged.MergeFrom(r.Counters);
        }

        return new DeviceSummary(deviceId, reports[0].ModelId, reports[0].ModelVersion, reports.Count, merged, reports.Sum(r => r.Samples?.Length ?? 0), reports.Sum(r => r.DriftAlarms));
    }

    private static StatsCounters Empty(StatsCounters shape) => new(shape.ClassCount, shape.FeatureCount, shape.FeatureBins);

    private static DeviceSummary Add(DeviceSummary sum, int reports, StatsCounters counters, int samples, int driftAlarms)
    {
        sum.Counters.MergeFrom(counters);
        return sum with { Reports = sum.Reports + reports, Samples = sum.Samples + samples, DriftAlarms = sum.DriftAlarms + driftAlarms };
    }

    /// <summary>JSON of the summaries (counts, shares, histograms).</summary>
    /// <param name="summaries">Summaries.</param>
    /// <returns>Indented JSON.</returns>
    public static string ToJson(IReadOnlyList<DeviceSummary> summaries) =>
        System.Text.Json.JsonSerializer.Serialize(
            summaries.Select(s => new
            {
                device = s.DeviceId, model = s.ModelId, version = s.ModelVersion, reports = s.Reports,
                inferences = s.Counters.InferenceCount, labels = s.Counters.LabelCount, samples = s.Samples,
                drift_alarms = s.DriftAlarms, mean_confidence = s.MeanConfidence, labelled_accuracy = s.LabelledAccuracy,
                predicted = s.Counters.Predicted, confusion = s.Counters.Confusion, ambiguity = s.Counters.Ambiguity,
                confidence_histogram = s.Counters.ConfidenceHistogram, margin_histogram = s.Counters.MarginHistogram,
            }),
            new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
}
