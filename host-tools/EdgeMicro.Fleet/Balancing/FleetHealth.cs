using EdgeMicro.Core.Stats;
using EdgeMicro.Fleet.Stats;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>Data health of one device (its reports merged).</summary>
/// <param name="DeviceId">Device id.</param>
/// <param name="Reports">Reports merged.</param>
/// <param name="Inferences">Inferences counted.</param>
/// <param name="FeatureSamples">Samples in its feature statistics.</param>
/// <param name="RepeatRate">Probability that two of its readings are identical (shrunk toward the fleet's).</param>
/// <param name="EffectiveSamples">Feature samples counted as independent readings.</param>
/// <param name="MeanConfidence">Mean top-1 confidence.</param>
/// <param name="Drifting">Features whose distribution differs from the reweighted training data.</param>
/// <param name="MaxPsiRatio">Largest PSI / threshold over its features.</param>
/// <param name="WorstFeature">Feature with that ratio.</param>
/// <param name="Saturated">Features at the int8 input limits more often than in training.</param>
/// <param name="Stuck">Features that reported one value for every sample.</param>
/// <param name="OutOfRange">Features with values outside the training range.</param>
/// <param name="Status">"ok", or the causes found: drift, saturated, stuck.</param>
/// <param name="Evidence">One line per finding (feature, statistic, threshold or shares).</param>
/// <param name="Prior">The device's own estimated class prior (EM), which its expectation is reweighted to.</param>
public sealed record DeviceHealth(
    string DeviceId, int Reports, long Inferences, long FeatureSamples, double RepeatRate, double EffectiveSamples, double MeanConfidence,
    IReadOnlyList<string> Drifting, double MaxPsiRatio, string WorstFeature, IReadOnlyList<string> Saturated, IReadOnlyList<string> Stuck, IReadOnlyList<string> OutOfRange, string Status,
    IReadOnlyList<string> Evidence, IReadOnlyList<double> Prior);

/// <summary>Data health of one window: the n-th report of every device merged.</summary>
/// <param name="Window">Window ordinal (0 = each device's first stored report).</param>
/// <param name="Devices">Devices that reported it.</param>
/// <param name="Inferences">Inferences.</param>
/// <param name="MeanConfidence">Mean top-1 confidence.</param>
/// <param name="Drifting">Features flagged.</param>
/// <param name="MaxPsiRatio">Largest PSI / threshold.</param>
/// <param name="Saturated">Features saturated.</param>
/// <param name="Stuck">Features stuck.</param>
/// <param name="DriftAlarms">Page-Hinkley confidence alarms.</param>
/// <param name="DeviceRatios">Per device, its largest PSI / threshold in this window alone (above 1: that window flags
/// it on its own), so that one device's change shows even when the merged window dilutes it.</param>
public sealed record WindowHealth(int Window, int Devices, long Inferences, double MeanConfidence, int Drifting, double MaxPsiRatio, int Saturated, int Stuck, int DriftAlarms, IReadOnlyDictionary<string, double> DeviceRatios);

/// <summary>Fleet data health beyond the per-feature table.</summary>
/// <param name="Method">How the expectation and the thresholds were formed.</param>
/// <param name="RepeatRate">Fleet repeat rate c.</param>
/// <param name="RepeatPairs">Reservoir pairs c was measured on.</param>
/// <param name="Devices">Per device, those with findings first.</param>
/// <param name="Windows">Per window, in order.</param>
public sealed record HealthReport(string Method, double RepeatRate, long RepeatPairs, IReadOnlyList<DeviceHealth> Devices, IReadOnlyList<WindowHealth> Windows);

/// <summary>
/// Data health of the fleet, of each device and of each window (<see cref="DataHealth"/> on each scope's merged
/// counters): the fleet against the training data reweighted to the plan's chosen prior, each device and each window
/// against it reweighted to that scope's own EM prior (devices see different class mixes). Merging devices dilutes
/// one drifting device, so the device table names it; the window table shows when a change began.
/// </summary>
public static class FleetHealth
{
    /// <summary>Builds the health of every scope.</summary>
    /// <param name="reference">Training reference.</param>
    /// <param name="calibration">Hold-out calibration (per-scope EM priors).</param>
    /// <param name="fleetPrior">The plan's deployment prior (its 95 % interval gives its variance).</param>
    /// <param name="reports">Reports of the model version in arrival order (counters and/or samples).</param>
    /// <param name="fractionBits">Input fraction bits.</param>
    /// <param name="names">Feature names.</param>
    /// <returns>Fleet features and the breakdown.</returns>
    public static (IReadOnlyList<FeatureHealth> Features, HealthReport Report) Build(FeatureReference reference, CellCalibration calibration, PriorEstimate fleetPrior, IReadOnlyList<StatsReport> reports, int fractionBits, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(fleetPrior);
        ArgumentNullException.ThrowIfNull(reports);
        var counted = reports.Where(r => r.Counters != null).ToList();
        int d = reference.FeatureCount;
        int k = reference.ClassCounts.Count;
        var fleetPairs = RepeatRate.Count(reports, k);
        StatsCounters all = StatsSummary.Merge(DeviceSummary.AllDevices, counted).Counters;
        double[] priorVariance = fleetPrior.Low.Zip(fleetPrior.High, (lo, hi) => Math.Pow((hi - lo) / 3.92, 2)).ToArray();
        Expectation fleetExpected = reference.Expected(fleetPrior.Prior, RepeatRate.PerClass(fleetPairs, fleetPairs, all), priorVariance);
        var features = DataHealth.Features(reference, fleetExpected, all, d, fractionBits, names);

        var byDevice = counted.GroupBy(r => r.DeviceId).ToList();
        var devices = new List<DeviceHealth>();
        foreach (var g in byDevice)
        {
            StatsCounters c = StatsSummary.Merge(g.Key, g.ToList()).Counters;
            double[] prior = calibration.Em(c.ConfidenceHistogram);
            Expectation expected = reference.Expected(prior, RepeatRate.PerClass(RepeatRate.Count(reports.Where(r => r.DeviceId == g.Key), k), fleetPairs, c), EmVariance(prior, c));
            double rate = expected.RepeatRate / RepeatRate.Subsample(c);
            var h = DataHealth.Features(reference, expected, c, d * byDevice.Count, fractionBits, names);
            FeatureHealth worst = h.OrderByDescending(Ratio).First();
            var drifting = h.Where(f => f.Drift).OrderByDescending(Ratio).Select(f => f.Name).ToList();
            var saturated = h.Where(f => f.Saturated).Select(f => f.Name).ToList();
            var stuck = h.Where(f => f.Stuck).Select(f => f.Name).ToList();
            string status = string.Join(", ", new[] { drifting.Count > 0 ? "drift" : null, saturated.Count > 0 ? "saturated" : null, stuck.Count > 0 ? "stuck" : null }.OfType<string>());
            devices.Add(new DeviceHealth(
                g.Key, g.Count(), c.InferenceCount, c.FeatureSampleCount, rate, h.Count == 0 ? 0 : h[0].EffectiveSamples, MeanConfidence(c),
                drifting, Ratio(worst), worst.Name, saturated, stuck, h.Where(f => f.OutOfRange).Select(f => f.Name).ToList(), status.Length == 0 ? "ok" : status, Evidence(h), prior));
        }

        var ordinal = new Dictionary<StatsReport, int>(ReferenceEqualityComparer.Instance);
        foreach (var g in byDevice)
        {
            int i = 0;
            foreach (StatsReport r in g)
            {
                ordinal[r] = i++;
            }
        }

        var byWindow = counted.GroupBy(r => ordinal[r]).OrderBy(g => g.Key).ToList();
        var windows = new List<WindowHealth>();
        foreach (var g in byWindow)
        {
            StatsCounters c = StatsSummary.Merge("window", g.ToList()).Counters;
            var h = DataHealth.Features(reference, reference.Expected(calibration.Em(c.ConfidenceHistogram), RepeatRate.PerClass(RepeatRate.Count(g, k), fleetPairs, c)), c, d * byWindow.Count, fractionBits, names);
            var ratios = new SortedDictionary<string, double>(StringComparer.Ordinal);
            foreach (var one in g.GroupBy(r => r.DeviceId))
            {
                StatsCounters dc = StatsSummary.Merge(one.Key, one.ToList()).Counters;
                var dh = DataHealth.Features(reference, reference.Expected(calibration.Em(dc.ConfidenceHistogram), RepeatRate.PerClass(RepeatRate.Count(one, k), fleetPairs, dc)), dc, d, fractionBits, names);
                ratios[one.Key] = dh.Select(Ratio).DefaultIfEmpty(0).Max();
            }

            windows.Add(new WindowHealth(g.Key, g.Select(r => r.DeviceId).Distinct().Count(), c.InferenceCount, MeanConfidence(c), h.Count(f => f.Drift), h.Select(Ratio).DefaultIfEmpty(0).Max(), h.Count(f => f.Saturated), h.Count(f => f.Stuck), g.Sum(r => r.DriftAlarms), ratios));
        }

        string method = "training reweighted to the estimated class prior (fleet: the plan's prior; device, window: its EM prior); threshold chi2(1 - 1 % / tests) x (1/n_eff + 1/m + c), Bonferroni over features x scopes";
        var ordered = devices.OrderBy(x => x.Status == "ok" ? 1 : 0).ThenByDescending(x => x.Drifting.Count + x.Saturated.Count + x.Stuck.Count).ThenByDescending(x => x.MaxPsiRatio).ThenBy(x => x.DeviceId, StringComparer.Ordinal).ToList();
        return (features, new HealthReport(method, fleetExpected.RepeatRate / RepeatRate.Subsample(all), fleetPairs.Pairs.Sum(), ordered, windows));
    }

    /// <summary>The variance of a scope's own EM prior, at least the multinomial one of its inferences, q (1 - q) / n
    /// (the scope's prior is estimated from its own counts; without it a device whose prior EM misses by a few
    /// hundredths shows that as drift).</summary>
    /// <param name="prior">The scope's EM prior.</param>
    /// <param name="counters">The scope's counters.</param>
    /// <returns>Per class variance.</returns>
    private static double[] EmVariance(IReadOnlyList<double> prior, StatsCounters counters) =>
        prior.Select(q => q * (1 - q) / Math.Max(1, counters.InferenceCount)).ToArray();

    /// <summary>One line per finding of a scope, strongest drift first.</summary>
    /// <param name="features">The scope's feature health.</param>
    /// <returns>Lines.</returns>
    public static IReadOnlyList<string> Evidence(IReadOnlyList<FeatureHealth> features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var c = System.Globalization.CultureInfo.InvariantCulture;
        return features.Where(f => f.Drift).OrderByDescending(Ratio).Select(f => string.Create(c, $"{f.Name}: drift, PSI {f.Psi:G3} > {f.Threshold:G3} (p {f.PValue:G2})"))
            .Concat(features.Where(f => f.Saturated).Select(f => string.Create(c, $"{f.Name}: saturated, {f.DeviceLimitShare:P1} of samples at the int8 limits vs {f.TrainLimitShare:P1} in training")))
            .Concat(features.Where(f => f.Stuck).Select(f => string.Create(c, $"{f.Name}: stuck at {f.DeviceMin:G4} for {f.EffectiveSamples:F0} independent samples (training {f.TrainMin:G4}..{f.TrainMax:G4})")))
            .ToList();
    }

    /// <summary>PSI over its threshold (0 when untested).</summary>
    /// <param name="f">Feature health.</param>
    /// <returns>The ratio.</returns>
    public static double Ratio(FeatureHealth f) => f == null || f.Threshold <= 0 ? 0 : f.Psi / f.Threshold;

    private static double MeanConfidence(StatsCounters c) => c.InferenceCount == 0 ? 0 : c.ConfidenceSum.Sum() / 32768.0 / c.InferenceCount;
}
