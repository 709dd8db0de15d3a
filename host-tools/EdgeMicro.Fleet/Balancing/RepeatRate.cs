using EdgeMicro.Core.Stats;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>
/// How often the devices see the very same reading again, from the reservoir samples of the reports (a uniform sample
/// of each window's stream, <see cref="BufferedSample.KindRandom"/>). Identical readings have the same predicted class,
/// so the probability that two readings at different stream positions are identical is c = sum_y mu_y^2 c_y, with mu
/// the predicted-class shares and c_y = identical pairs / pairs among the reservoir samples predicted y. Identical
/// readings are one observation: a histogram of m readings varies like one of m_eff = 1 / (1 / m + c) independent
/// readings (repeats of a small pool, a paused machine); <see cref="DataHealth"/> adds that variance, class by class,
/// so that repeats are not reported as drift.
/// </summary>
public static class RepeatRate
{
    /// <summary>Pseudo-pairs per class pulling a scope's c_y toward the fleet's.</summary>
    public const double PriorPairs = 200;

    /// <summary>Counts pairs and identical pairs per predicted class among the reservoir samples of some reports.</summary>
    /// <param name="reports">Reports (the same (device, sequence, reading) counted once).</param>
    /// <param name="classes">K.</param>
    /// <returns>Pairs and identical pairs per class.</returns>
    public static (long[] Pairs, long[] Identical) Count(IEnumerable<StatsReport> reports, int classes)
    {
        ArgumentNullException.ThrowIfNull(reports);
        var samples = reports.SelectMany(r => (r.Samples ?? []).Where(s => s.Kind == BufferedSample.KindRandom).Select(s => (r.DeviceId, s.Sequence, s.Predicted, Reading: string.Join(',', s.Values))))
            .Distinct().ToList();
        var pairs = new long[classes];
        var identical = new long[classes];
        foreach (var g in samples.GroupBy(s => s.Predicted))
        {
            long n = g.Count();
            pairs[g.Key] = n * (n - 1) / 2;
            identical[g.Key] = g.GroupBy(s => s.Reading).Sum(r => (long)r.Count() * (r.Count() - 1) / 2);
        }

        return (pairs, identical);
    }

    /// <summary>N, the device's feature-statistics subsampling: inferences per feature sample (1 when it kept every one).</summary>
    /// <param name="counters">Merged counters of a scope.</param>
    /// <returns>N, at least 1.</returns>
    public static double Subsample(StatsCounters counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        return counters.FeatureSampleCount == 0 ? 1 : Math.Max(1, counters.InferenceCount / (double)counters.FeatureSampleCount);
    }

    /// <summary>Per class y, mu_y^2 c_y of the feature statistics' subsample: the scope's c_y shrunk toward the fleet's by
    /// <see cref="PriorPairs"/> pseudo-pairs, the fleet's toward its rate over every class the same way (few reservoir
    /// pairs per class). The device keeps a reading in its feature statistics by its content hash (about 1 in N, N =
    /// inferences / feature samples), so a reading is in the subsample at every repeat or at none: two subsampled
    /// readings are identical N times as often as two stream readings (sum over the kept readings of p_r^2 / (1/N)^2
    /// with a 1/N share of sum p_r^2), and c_y is scaled by N.</summary>
    /// <param name="scope">Pairs and identical pairs of the scope.</param>
    /// <param name="fleet">Pairs and identical pairs of the fleet (the scope itself for the fleet).</param>
    /// <param name="counters">The scope's merged counters (predicted counts, inferences and feature samples).</param>
    /// <returns>The per-class terms; their sum is c.</returns>
    public static double[] PerClass((long[] Pairs, long[] Identical) scope, (long[] Pairs, long[] Identical) fleet, StatsCounters counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        IReadOnlyList<int> predicted = counters.Predicted;
        double total = predicted.Sum(v => (double)v);
        double pooled = fleet.Pairs.Sum() == 0 ? 0 : fleet.Identical.Sum() / (double)fleet.Pairs.Sum();
        double subsample = Subsample(counters);
        return Enumerable.Range(0, predicted.Count).Select(y =>
        {
            double cf = (fleet.Identical[y] + (PriorPairs * pooled)) / (fleet.Pairs[y] + PriorPairs);
            double cy = (scope.Identical[y] + (PriorPairs * cf)) / (scope.Pairs[y] + PriorPairs);
            double mu = total == 0 ? 0 : predicted[y] / total;
            return Math.Min(1, mu * mu * cy * subsample);
        }).ToArray();
    }
}
