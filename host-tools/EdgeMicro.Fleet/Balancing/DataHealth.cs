using EdgeMicro.Core.Stats;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>
/// Data health of one set of device counters (the fleet, one device, or one window) against the
/// <see cref="FeatureReference"/> reweighted to the estimated deployment class prior, so that a change of the class
/// mix alone flags nothing. Per feature: PSI between the reweighted training histogram and the device histogram on the
/// blob's reference bin edges, with a chi-square-calibrated threshold: under no drift PSI / s ~ chi2(B - 1), B = bins
/// occupied in either sample (Yurdakul), s = 1 / n_eff + 1 / m + c, with n_eff the Kish size of the reweighted training
/// set, m the device's feature samples and c the repeat rate (<see cref="RepeatRate"/>: identical readings are one
/// observation, not many, so repeats do not count as drift); the test statistic is Pearson's with per-bin variances
/// summed class by class (finite training classes, repeats, the prior's error), never below the multinomial one.
/// The level is family-wise (Bonferroni over the tests).
/// Also: saturation at the int8 input limits against the reweighted training share, stuck channels (one value for
/// every sample where training makes that improbable), out-of-range values, and class pairs the model confuses.
/// </summary>
public static class DataHealth
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(double P, int Df), double> Quantiles = new();

    /// <summary>Family-wise significance level of the drift, saturation and stuck-channel tests.</summary>
    public const double Alpha = 0.01;

    /// <summary>Absolute excess of the device's share at the int8 limits over training needed to flag saturation.</summary>
    public const double SaturationExcess = 0.01;

    /// <summary>
    /// Factor on the chi-square threshold: with a few dozen readings per class the Pearson tail is heavier than
    /// chi-square at Bonferroni levels (measured: under pure label shift, 4 devices x 3 seeds x 64 features, the
    /// largest per-device PSI / chi-square threshold was 1.43 with the device's feature statistics sampled by sequence, 1.53
    /// after they became a content-hash subsample and the hold-out calibration was smoothed), so a feature is called
    /// drifting above 1.6 x.
    /// </summary>
    public const double ThresholdMargin = 1.6;

    /// <summary>Feature samples below which no channel is called stuck.</summary>
    public const int StuckMinimumSamples = 20;

    /// <summary>Per-feature drift and sensor health.</summary>
    /// <param name="reference">Per-class training reference.</param>
    /// <param name="expected">The reference reweighted to the scope's estimated class prior.</param>
    /// <param name="counters">Device counters of the scope.</param>
    /// <param name="tests">Tests the level is shared by (features x scopes).</param>
    /// <param name="fractionBits">Input fraction bits (raw to physical units).</param>
    /// <param name="names">Feature names.</param>
    /// <returns>One entry per feature.</returns>
    public static IReadOnlyList<FeatureHealth> Features(FeatureReference reference, Expectation expected, StatsCounters counters, int tests, int fractionBits, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(counters);
        ArgumentNullException.ThrowIfNull(names);
        int d = counters.FeatureCount, bins = counters.FeatureBins, n = reference.Count;
        double scale = Math.Pow(2, fractionBits), alpha = Alpha / Math.Max(1, tests), nEff = expected.EffectiveCount;
        long m = counters.FeatureSampleCount;
        double repeatRate = expected.RepeatRate, mEff = m == 0 ? 0 : 1 / ((1.0 / m) + Math.Max(0, repeatRate));
        var result = new List<FeatureHealth>();
        for (int f = 0; f < d; f++)
        {
            double psi = 0, threshold = 0, p = 1;
            int occupied = 0;
            bool comparable = bins > 0 && bins == reference.Bins && m > 0 && nEff > 0;
            if (comparable)
            {
                double[] e = Enumerable.Range(0, bins).Select(b => expected.BinShares[(f * bins) + b] * nEff).ToArray();
                double[] a = Enumerable.Range(0, bins).Select(b => (double)counters.FeatureHistogram[(f * bins) + b]).ToArray();
                int[] used = Enumerable.Range(0, bins).Where(b => e[b] + a[b] > 0).ToArray();
                occupied = used.Length;
                if (occupied > 1)
                {
                    psi = StatMath.Psi(used.Select(b => e[b]).ToArray(), used.Select(b => a[b]).ToArray());
                    double x = Pearson(expected, f * bins, used, e, a, nEff, mEff);
                    double q = Quantile(1 - alpha, occupied - 1);
                    threshold = ThresholdMargin * (x > 0 && psi > 0 ? q * psi / x : q * ((1.0 / nEff) + (1.0 / mEff)));
                    p = StatMath.ChiSquarePValue(x, occupied - 1);
                }
            }

            bool stuck = comparable && m >= StuckMinimumSamples && counters.FeatureMin[f] == counters.FeatureMax[f] && reference.Min[f] < reference.Max[f]
                && Math.Pow(expected.BinShares[(f * bins) + StuckBin(counters, f)], mEff) < alpha;
            double deviceLimit = m == 0 ? 0 : (counters.FeatureAtLow[f] + counters.FeatureAtHigh[f]) / (double)m;
            double trainLimit = expected.LimitShares[f];
            bool outOfRange = m > 0 && n > 0 && (counters.FeatureMin[f] < reference.Min[f] || counters.FeatureMax[f] > reference.Max[f]);
            result.Add(new FeatureHealth(
                f, f < names.Count ? names[f] : "f" + f, psi, threshold, p, psi > threshold && occupied > 1, occupied,
                deviceLimit, trainLimit, Saturated(deviceLimit, (long)Math.Round(mEff), trainLimit, (int)Math.Round(nEff), alpha, expected.LimitVariance[f] + (deviceLimit * (1 - deviceLimit) / Math.Max(1, m))),
                m == 0 ? 0 : counters.FeatureMin[f] / scale, m == 0 ? 0 : counters.FeatureMax[f] / scale, n == 0 ? 0 : reference.Min[f] / scale, n == 0 ? 0 : reference.Max[f] / scale, outOfRange,
                mEff, nEff, stuck));
        }

        return result;
    }

    /// <summary>
    /// Pearson statistic sum_b (a_b - e_b)^2 (1 - e_b) / V_b on smoothed shares (+0.5 per bin), V_b = the larger of
    /// the multinomial e(1 - e)(1 / n_eff + 1 / m_eff) and the per-class variance (training, repeats, prior error):
    /// chi2(B - 1) under no drift.
    /// </summary>
    private static double Pearson(Expectation expected, int offset, int[] used, double[] e, double[] a, double nEff, double mEff)
    {
        double x = 0, n = used.Sum(b => e[b]) + (0.5 * used.Length), m = used.Sum(b => a[b]), mb = m + (0.5 * used.Length);
        foreach (int b in used)
        {
            int i = offset + b;
            double es = (e[b] + 0.5) / n, at = (a[b] + 0.5) / mb;
            double multinomial = es * (1 - es) * ((1.0 / nEff) + (1.0 / mEff));
            double perClass = expected.TrainVariance[i] + expected.RepeatVariance[i] + (es * (1 - es) / Math.Max(1, m)) + expected.PriorVariance[i];
            x += (at - es) * (at - es) * (1 - es) / Math.Max(multinomial, perClass);
        }

        return x;
    }

    // Every feature of every device and window scope asks for the same few quantiles (df <= bins - 1, one level per
    // scope kind); the bisection costs 200 incomplete-gamma evaluations, so they are kept.
    private static double Quantile(double p, int df) => Quantiles.GetOrAdd((p, df), key => StatMath.ChiSquareQuantile(key.P, key.Df));

    private static int StuckBin(StatsCounters counters, int f)
    {
        int bins = counters.FeatureBins;
        for (int b = 0; b < bins; b++)
        {
            if (counters.FeatureHistogram[(f * bins) + b] > 0)
            {
                return b;
            }
        }

        return 0;
    }

    /// <summary>True when the device's share at the int8 limits exceeds training by <see cref="SaturationExcess"/> and significantly (one-sided two-proportion z-test).</summary>
    /// <param name="device">Device share.</param>
    /// <param name="m">Device samples.</param>
    /// <param name="train">Training share.</param>
    /// <param name="n">Training samples.</param>
    /// <param name="alpha">One-sided level of the excess (default 1 %).</param>
    /// <param name="classVariance">Variance of the difference from the per-class sampling (0 = binomial only).</param>
    /// <returns>True when saturated.</returns>
    public static bool Saturated(double device, long m, double train, int n, double alpha = Alpha, double classVariance = 0)
    {
        if (m == 0 || n == 0 || device <= train + SaturationExcess)
        {
            return false;
        }

        double pooled = ((device * m) + (train * n)) / (m + n);
        double se = Math.Sqrt(Math.Max(pooled * (1 - pooled) * ((1.0 / m) + (1.0 / n)), classVariance));
        return se == 0 || (device - train) / se > Math.Sqrt(Quantile(1 - (2 * alpha), 1));
    }

    /// <summary>Class pairs ranked by hold-out confusion Q[i][j] + Q[j][i], with the device's low-margin share for the pair.</summary>
    /// <param name="holdout">counts[predicted][true] on the hold-out set.</param>
    /// <param name="merged">Merged device counters.</param>
    /// <param name="names">Class names.</param>
    /// <returns>Up to 5 pairs with any confusion.</returns>
    public static IReadOnlyList<ConfusedPair> ConfusedPairs(int[][] holdout, StatsCounters merged, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(holdout);
        ArgumentNullException.ThrowIfNull(merged);
        int k = holdout.Length;
        double n = Math.Max(1, holdout.Sum(r => r.Sum())), m = Math.Max(1, merged.InferenceCount);
        var pairs = new List<ConfusedPair>();
        for (int a = 0; a < k; a++)
        {
            for (int b = a + 1; b < k; b++)
            {
                double joint = (holdout[a][b] + holdout[b][a]) / n;
                double ambiguity = (merged.Ambiguity[(a * k) + b] + merged.Ambiguity[(b * k) + a]) / m;
                if (joint > 0 || ambiguity > 0)
                {
                    pairs.Add(new ConfusedPair(a, b, names[a] + " / " + names[b], joint, ambiguity));
                }
            }
        }

        return pairs.OrderByDescending(p => p.HoldoutJoint + p.DeviceAmbiguityShare).ThenBy(p => p.A).ThenBy(p => p.B).Take(5).ToList();
    }
}
