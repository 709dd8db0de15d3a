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
    /// <summary>Builds per-device and merged summaries.</summary>
    /// <param name="reports">Stored reports.</param>
    /// <returns>Per (model, version): each device, then the merge of all devices.</returns>
    public static IReadOnlyList<DeviceSummary> Build(IEnumerable<StoredReport> reports)
    {
        var result = new List<DeviceSummary>();
        foreach (var model in reports.Select(r => r.Report).Where(r => r.Counters != null).GroupBy(r => (r.ModelId, r.ModelVersion)).OrderBy(g => g.Key.ModelId, StringComparer.Ordinal).ThenBy(g => g.Key.ModelVersion))
        {
            var devices = model.GroupBy(r => r.DeviceId).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Merge(g.Key, g.ToList())).ToList();
            result.AddRange(devices);
            result.Add(Merge(DeviceSummary.AllDevices, model.ToList()));
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
