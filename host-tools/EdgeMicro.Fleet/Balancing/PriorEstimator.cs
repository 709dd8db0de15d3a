using EdgeMicro.Core.Stats;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>One estimate of the deployment class prior with its bootstrap interval.</summary>
/// <param name="Method">naive, bbse, em or blend.</param>
/// <param name="Prior">Shares per class (sum 1).</param>
/// <param name="Low">2.5 % bootstrap percentile per class.</param>
/// <param name="High">97.5 % bootstrap percentile per class.</param>
/// <param name="Variance">Bootstrap variance, summed over classes.</param>
/// <param name="EstimatedMse">Estimated squared error summed over classes (the selection rule's score).</param>
public sealed record PriorEstimate(string Method, double[] Prior, double[] Low, double[] High, double Variance, double EstimatedMse);

/// <summary>All estimates, the chosen one and why.</summary>
/// <param name="Naive">Classify and count.</param>
/// <param name="Bbse">Regularised BBSE.</param>
/// <param name="Em">EM / maximum likelihood on the confidence histograms.</param>
/// <param name="Chosen">The estimate the plan uses.</param>
/// <param name="Rule">How it was chosen.</param>
/// <param name="HoldoutSize">Labelled hold-out samples.</param>
/// <param name="Warnings">Warnings (small hold-out, classes missing from it).</param>
public sealed record PriorEstimates(PriorEstimate Naive, PriorEstimate Bbse, PriorEstimate Em, PriorEstimate Chosen, string Rule, int HoldoutSize, IReadOnlyList<string> Warnings);

/// <summary>
/// Deployment class prior from the device statistics and a labelled hold-out: classify-and-count; BBSE (Lipton et
/// al. 2018) regularised toward "no shift" like RLLS (Azizzadenesheli et al. 2019): (C^T C + lambda I) w = C^T mu +
/// lambda 1 with lambda = mean diag(C^T C) / n; and EM / maximum likelihood on the per-class confidence histograms the device
/// already keeps (<see cref="CellCalibration"/>). Intervals: percentile bootstrap resampling both the hold-out rows
/// and the device counts (multinomial).
/// <para>Rule: counting's squared bias is estimated against EM (consistent under label shift) as
/// bias^2 = max(0, |naive - EM|^2 - Var(EM)), Var from the bootstrap; the plan uses naive + lambda (EM - naive) with
/// lambda = bias^2 / (bias^2 + Var(EM)) (reported as naive below 0.05, em above 0.95, blend otherwise): close to
/// counting when the model is so accurate that counting is nearly unbiased and the hold-out too small to correct it,
/// close to EM when the correction is large against its noise. BBSE is reported, not used.</para>
/// </summary>
public static class PriorEstimator
{
    /// <summary>Default bootstrap replicates.</summary>
    public const int DefaultReplicates = 100;

    /// <summary>Hold-out samples per class below which a warning is given.</summary>
    public const int MinimumPerClass = 30;

    /// <summary>Estimates the prior.</summary>
    /// <param name="holdout">Hold-out scores.</param>
    /// <param name="cellCounts">Merged device <see cref="StatsCounters.ConfidenceHistogram"/>.</param>
    /// <param name="replicates">Bootstrap replicates.</param>
    /// <param name="seed">Bootstrap seed.</param>
    /// <param name="posteriorSums">Merged device <c>StatsCounters.PosteriorSum</c>, or null (older devices).</param>
    /// <returns>The estimates.</returns>
    public static PriorEstimates Estimate(HoldoutScores holdout, IReadOnlyList<int> cellCounts, int replicates = DefaultReplicates, int seed = 1, IReadOnlyList<long>? posteriorSums = null)
    {
        ArgumentNullException.ThrowIfNull(holdout);
        ArgumentNullException.ThrowIfNull(cellCounts);
        int k = holdout.ClassCount;
        double[][] point = Point(holdout, cellCounts, posteriorSums);
        var random = new Random(seed);
        var reps = new List<double[][]>();
        long m = cellCounts.Sum(v => (long)v);
        double[] cumulative = new double[cellCounts.Count];
        double acc = 0;
        for (int i = 0; i < cellCounts.Count; i++)
        {
            acc += cellCounts[i];
            cumulative[i] = acc;
        }

        for (int r = 0; r < replicates && m > 0; r++)
        {
            var counts = new int[cellCounts.Count];
            for (long i = 0; i < m; i++)
            {
                int at = Array.BinarySearch(cumulative, random.NextDouble() * acc);
                at = at < 0 ? ~at : at + 1;
                counts[Math.Min(at, counts.Length - 1)]++;
            }

            reps.Add(Point(holdout.Resample(random), counts, posteriorSums));
        }

        string[] names = ["naive", "bbse", "em"];
        double[] variance = Enumerable.Range(0, 3).Select(e => Variance(reps.Select(x => x[e]).ToList(), k)).ToArray();
        double[] mse = Enumerable.Range(0, 3).Select(e => e == 2 ? variance[2] : variance[e] + Math.Max(0, Distance2(point[e], point[2]) - variance[2])).ToArray();
        PriorEstimate Make(int e) => new(
            names[e], point[e],
            Enumerable.Range(0, k).Select(y => Percentile(reps.Select(x => x[e][y]), 0.025, point[e][y])).ToArray(),
            Enumerable.Range(0, k).Select(y => Percentile(reps.Select(x => x[e][y]), 0.975, point[e][y])).ToArray(),
            variance[e], mse[e]);
        PriorEstimate naive = Make(0), bbse = Make(1), em = Make(2);
        // Shrink EM toward counting: chosen = naive + lambda d with d = EM - naive. With EM unbiased, naive's bias is
        // -E[d]; the squared error (naive noise) + (1 - lambda)^2 E[d]^2 + lambda^2 Var(d) + 2 lambda Cov(naive, d) is
        // smallest at lambda = (E[d]^2 - Cov(naive, d)) / (E[d]^2 + Var(d)), clipped to [0, 1]; E[d]^2 is estimated
        // as max(0, |d|^2 - Var(d)), the variances and covariance from the same bootstrap replicates.
        var diffs = reps.Select(x => x[2].Zip(x[0], (a, b) => a - b).ToArray()).ToList();
        double varD = Variance(diffs, k);
        double covND = Covariance(reps.Select(x => x[0]).ToList(), diffs, k);
        double bias2 = Math.Max(0, Distance2(point[0], point[2]) - varD);
        double lambda = bias2 + varD <= 0 ? 1 : Math.Clamp((bias2 - covND) / (bias2 + varD), 0, 1);
        double[] blend = Enumerable.Range(0, k).Select(y => point[0][y] + (lambda * (point[2][y] - point[0][y]))).ToArray();
        var blendReps = reps.Select(x => Enumerable.Range(0, k).Select(y => x[0][y] + (lambda * (x[2][y] - x[0][y]))).ToArray()).ToList();
        PriorEstimate chosen = lambda < 0.05 ? naive : lambda > 0.95 ? em : new PriorEstimate(
            "blend", blend,
            Enumerable.Range(0, k).Select(y => Percentile(blendReps.Select(x => x[y]), 0.025, blend[y])).ToArray(),
            Enumerable.Range(0, k).Select(y => Percentile(blendReps.Select(x => x[y]), 0.975, blend[y])).ToArray(),
            Variance(blendReps, k), variance[0] + ((1 - lambda) * (1 - lambda) * bias2) + (lambda * lambda * varD) + (2 * lambda * covND));

        var warnings = new List<string>();
        int[] perClass = Enumerable.Range(0, k).Select(y => holdout.Labels.Count(l => l == y)).ToArray();
        int[] missing = Enumerable.Range(0, k).Where(y => perClass[y] == 0).ToArray();
        if (missing.Length > 0)
        {
            warnings.Add($"classes {string.Join(", ", missing)} are absent from the hold-out: their deployment share cannot be corrected");
        }

        if (perClass.Any(n => n > 0 && n < MinimumPerClass))
        {
            warnings.Add($"small hold-out ({holdout.Count} samples, fewest per class {perClass.Where(n => n > 0).DefaultIfEmpty(0).Min()} < {MinimumPerClass}): the corrected estimates are noisy; see the intervals");
        }

        string rule = $"EM shrunk toward counting by lambda = (bias^2 - Cov(naive, EM - naive)) / (bias^2 + Var(EM - naive)) = {lambda:F2} ({reps.Count} bootstrap replicates; estimated squared error naive {mse[0]:G3}, bbse {mse[1]:G3}, em {mse[2]:G3})";
        return new PriorEstimates(naive, bbse, em, chosen, rule, holdout.Count, warnings);
    }

    /// <summary>Point estimates naive, BBSE (regularised), EM.</summary>
    /// <param name="holdout">Hold-out.</param>
    /// <param name="cellCounts">Device cell counts.</param>
    /// <param name="posteriorSums">Device posterior sums, or null.</param>
    /// <returns>Three priors.</returns>
    public static double[][] Point(HoldoutScores holdout, IReadOnlyList<int> cellCounts, IReadOnlyList<long>? posteriorSums = null)
    {
        ArgumentNullException.ThrowIfNull(holdout);
        ArgumentNullException.ThrowIfNull(cellCounts);
        int k = holdout.ClassCount, bins = StatsCounters.ScoreBins;
        double m = cellCounts.Sum(v => (double)v);
        double[] mu = Enumerable.Range(0, k).Select(c => Enumerable.Range(0, bins).Sum(b => (double)cellCounts[(c * bins) + b]) / Math.Max(1, m)).ToArray();
        return [mu, RegularisedBbse(holdout.Confusion(), mu), Calibration(holdout, cellCounts, posteriorSums).Em(cellCounts)];
    }

    /// <summary>The cell calibration EM and the plan use: smoothed toward the model's own cell posteriors when the
    /// device sent posterior sums, toward the hold-out's predicted-class columns otherwise.</summary>
    /// <param name="holdout">Hold-out.</param>
    /// <param name="cellCounts">Device cell counts.</param>
    /// <param name="posteriorSums">Device posterior sums, or null.</param>
    /// <returns>The calibration.</returns>
    public static CellCalibration Calibration(HoldoutScores holdout, IReadOnlyList<int> cellCounts, IReadOnlyList<long>? posteriorSums) =>
        new(holdout, posteriorSums == null ? null : CellCalibration.ModelCells(holdout.ClassCount, cellCounts, posteriorSums));

    /// <summary>
    /// The device's posterior sums when every merged window carried them (version-2 reports): their diagonal then
    /// equals the confidence sums exactly; a mix with version-1 windows (posterior sums 0) gives null.
    /// </summary>
    /// <param name="counters">Merged counters.</param>
    /// <returns>The sums, or null.</returns>
    public static long[]? PosteriorSums(StatsCounters counters)
    {
        ArgumentNullException.ThrowIfNull(counters);
        int k = counters.ClassCount;
        long diagonal = Enumerable.Range(0, k).Sum(c => counters.PosteriorSum[(c * k) + c]);
        return counters.InferenceCount > 0 && diagonal == counters.ConfidenceSum.Sum() ? counters.PosteriorSum : null;
    }

    /// <summary>BBSE with ridge regularisation toward w = 1 (lambda = mean diag(C^T C) / n), clipped at 0 and renormalised.</summary>
    /// <param name="confusion">counts[predicted][true] on the hold-out.</param>
    /// <param name="mu">Device predicted-class shares.</param>
    /// <returns>The prior.</returns>
    public static double[] RegularisedBbse(int[][] confusion, IReadOnlyList<double> mu)
    {
        ArgumentNullException.ThrowIfNull(confusion);
        ArgumentNullException.ThrowIfNull(mu);
        int k = confusion.Length;
        double n = confusion.Sum(r => r.Sum());
        double[] p = Enumerable.Range(0, k).Select(j => confusion.Sum(r => r[j]) / Math.Max(1, n)).ToArray();
        var a = new double[k][];
        var b = new double[k];
        for (int i = 0; i < k; i++)
        {
            a[i] = new double[k];
            for (int j = 0; j < k; j++)
            {
                for (int r = 0; r < k; r++)
                {
                    a[i][j] += confusion[r][i] * confusion[r][j] / (n * n);
                }
            }

            b[i] = Enumerable.Range(0, k).Sum(r => confusion[r][i] / n * mu[r]);
        }

        // lambda = mean diagonal of C^T C over n: the shrinkage fades as the hold-out grows.
        double lambda = Enumerable.Range(0, k).Average(i => a[i][i]) / Math.Max(1, n);
        for (int i = 0; i < k; i++)
        {
            a[i][i] += lambda;
            b[i] += lambda;
        }

        double[] w = StatMath.Solve(a, b) ?? Enumerable.Repeat(1.0, k).ToArray();
        double[] q = Enumerable.Range(0, k).Select(j => Math.Max(0, w[j]) * p[j]).ToArray();
        double s = q.Sum();
        return s > 0 ? q.Select(v => v / s).ToArray() : mu.ToArray();
    }

    private static double Distance2(double[] a, double[] b) => a.Zip(b, (x, y) => (x - y) * (x - y)).Sum();

    private static double Variance(List<double[]> reps, int k)
    {
        if (reps.Count < 2)
        {
            return 0;
        }

        double v = 0;
        for (int y = 0; y < k; y++)
        {
            double mean = reps.Average(r => r[y]);
            v += reps.Sum(r => (r[y] - mean) * (r[y] - mean)) / (reps.Count - 1);
        }

        return v;
    }

    private static double Covariance(List<double[]> a, List<double[]> b, int k)
    {
        if (a.Count < 2)
        {
            return 0;
        }

        double v = 0;
        for (int y = 0; y < k; y++)
        {
            double ma = a.Average(r => r[y]), mb = b.Average(r => r[y]);
            v += Enumerable.Range(0, a.Count).Sum(i => (a[i][y] - ma) * (b[i][y] - mb)) / (a.Count - 1);
        }

        return v;
    }

    private static double Percentile(IEnumerable<double> values, double p, double fallback)
    {
        double[] s = values.OrderBy(v => v).ToArray();
        return s.Length == 0 ? fallback : s[Math.Clamp((int)Math.Floor(p * (s.Length - 1)), 0, s.Length - 1)];
    }
}
