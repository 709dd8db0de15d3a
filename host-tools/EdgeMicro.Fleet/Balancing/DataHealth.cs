using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Stats;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>
/// Data health from merged device statistics: per-feature drift as PSI between the training data and the device
/// histogram on the blob's reference bin edges, with a chi-square-calibrated threshold (under no drift
/// (1/n + 1/m)^-1 PSI ~ chi2(B - 1), B = bins occupied in either sample; Yurdakul), saturation at the int8 input
/// limits compared with the training data, out-of-range values, and class pairs the model confuses.
/// </summary>
public static class DataHealth
{
    /// <summary>Significance level of the PSI drift test.</summary>
    public const double Alpha = 0.01;

    /// <summary>Absolute excess of the device's share at the int8 limits over training needed to flag saturation.</summary>
    public const double SaturationExcess = 0.01;

    /// <summary>One-sided 1 % normal quantile: the excess must also be significant (two-proportion z-test).</summary>
    public const double SaturationZ = 2.326;

    /// <summary>Per-feature drift and sensor health.</summary>
    /// <param name="blob">Model blob (reference edges).</param>
    /// <param name="merged">Merged device counters.</param>
    /// <param name="trainRaw">Training samples, raw fixed point.</param>
    /// <param name="classifier">Classifier (to quantize the training inputs).</param>
    /// <param name="names">Feature names.</param>
    /// <returns>One entry per feature.</returns>
    public static IReadOnlyList<FeatureHealth> Features(ModelBlob blob, StatsCounters merged, IReadOnlyList<int[]> trainRaw, Classifier classifier, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(merged);
        ArgumentNullException.ThrowIfNull(trainRaw);
        ArgumentNullException.ThrowIfNull(classifier);
        int d = merged.FeatureCount, per = blob.EdgesPerFeature, bins = merged.FeatureBins;
        double scale = Math.Pow(2, blob.Model.InputFractionBits);
        var trainLimits = new int[d];
        short[]? gather = blob.Model.InputGather;
        foreach (int[] x in trainRaw)
        {
            classifier.Classify(x);
            sbyte[] q = classifier.QuantizedInput;
            for (int j = 0; j < blob.Model.InputLength; j++)
            {
                trainLimits[gather == null ? j : gather[j]] += q[j] is -128 or 127 ? 1 : 0;
            }
        }

        var result = new List<FeatureHealth>();
        long m = merged.FeatureSampleCount;
        for (int f = 0; f < d; f++)
        {
            double psi = 0, threshold = 0, p = 1;
            int occupied = 0;
            if (bins > 0 && per == bins - 1 && m > 0 && trainRaw.Count > 0)
            {
                var expected = new double[bins];
                foreach (int[] x in trainRaw)
                {
                    expected[StatsCounters.FeatureBin(blob.FeatureBinEdges, f * per, per, x[f])]++;
                }

                double[] actual = Enumerable.Range(0, bins).Select(b => (double)merged.FeatureHistogram[(f * bins) + b]).ToArray();
                int[] used = Enumerable.Range(0, bins).Where(b => expected[b] + actual[b] > 0).ToArray();
                occupied = used.Length;
                if (occupied > 1)
                {
                    psi = StatMath.Psi(used.Select(b => expected[b]).ToArray(), used.Select(b => actual[b]).ToArray());
                    double scaleN = (1.0 / trainRaw.Count) + (1.0 / m);
                    threshold = StatMath.ChiSquareQuantile(1 - Alpha, occupied - 1) * scaleN;
                    p = StatMath.ChiSquarePValue(psi / scaleN, occupied - 1);
                }
            }

            double trainMin = trainRaw.Count == 0 ? 0 : trainRaw.Min(x => x[f]), trainMax = trainRaw.Count == 0 ? 0 : trainRaw.Max(x => x[f]);
            double deviceLimit = m == 0 ? 0 : (merged.FeatureAtLow[f] + merged.FeatureAtHigh[f]) / (double)m;
            double trainLimit = trainRaw.Count == 0 ? 0 : trainLimits[f] / (double)trainRaw.Count;
            bool outOfRange = m > 0 && (merged.FeatureMin[f] < trainMin || merged.FeatureMax[f] > trainMax);
            result.Add(new FeatureHealth(
                f, f < names.Count ? names[f] : "f" + f, psi, threshold, p, psi > threshold && occupied > 1, occupied,
                deviceLimit, trainLimit, Saturated(deviceLimit, m, trainLimit, trainRaw.Count),
                m == 0 ? 0 : merged.FeatureMin[f] / scale, m == 0 ? 0 : merged.FeatureMax[f] / scale, trainMin / scale, trainMax / scale, outOfRange));
        }

        return result;
    }

    /// <summary>True when the device's share at the int8 limits exceeds training by <see cref="SaturationExcess"/> and significantly.</summary>
    /// <param name="device">Device share.</param>
    /// <param name="m">Device samples.</param>
    /// <param name="train">Training share.</param>
    /// <param name="n">Training samples.</param>
    /// <returns>True when saturated.</returns>
    public static bool Saturated(double device, long m, double train, int n)
    {
        if (m == 0 || n == 0 || device <= train + SaturationExcess)
        {
            return false;
        }

        double pooled = ((device * m) + (train * n)) / (m + n);
        double se = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / m) + (1.0 / n)));
        return se == 0 || (device - train) / se > SaturationZ;
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
