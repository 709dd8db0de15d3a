namespace EdgeMicro.Fleet.Balancing;

/// <summary>Target training class distributions for the next labelling round.</summary>
public enum QuotaTarget
{
    /// <summary>t_c = 1/K.</summary>
    Uniform,

    /// <summary>t_c proportional to sqrt(deployment prior) (Kang et al. 2020, q = 1/2).</summary>
    Sqrt,

    /// <summary>t_c = deployment prior.</summary>
    Deployment,
}

/// <summary>Per-class labelling quotas: water-filling toward a target and easy/medium/hard tiers.</summary>
public static class Quotas
{
    /// <summary>Default tier shares: easy, medium, hard.</summary>
    public static readonly double[] DefaultTierShares = [0.3, 0.5, 0.2];

    /// <summary>Builds the target distribution, with every class at least <paramref name="floor"/> before renormalising.</summary>
    /// <param name="target">Kind.</param>
    /// <param name="deploymentPrior">Estimated deployment prior.</param>
    /// <param name="floor">Minimum share per class (0..1/K).</param>
    /// <returns>Shares summing to 1.</returns>
    public static double[] Target(QuotaTarget target, IReadOnlyList<double> deploymentPrior, double floor)
    {
        ArgumentNullException.ThrowIfNull(deploymentPrior);
        int k = deploymentPrior.Count;
        double[] t = target switch
        {
            QuotaTarget.Uniform => Enumerable.Repeat(1.0 / k, k).ToArray(),
            QuotaTarget.Sqrt => deploymentPrior.Select(p => Math.Sqrt(Math.Max(0, p))).ToArray(),
            _ => deploymentPrior.Select(p => Math.Max(0, p)).ToArray(),
        };
        double s = t.Sum();
        t = s > 0 ? t.Select(v => v / s).ToArray() : Enumerable.Repeat(1.0 / k, k).ToArray();
        t = t.Select(v => Math.Max(v, floor)).ToArray();
        s = t.Sum();
        return t.Select(v => v / s).ToArray();
    }

    /// <summary>
    /// Integer water-filling: gives labels one at a time to the class whose level (n_c + q_c) / t_c is lowest among
    /// those with candidates left (q_c &lt; A_c), ties to the lowest index. The continuous solution is
    /// q_c = clamp(T t_c - n_c, 0, A_c); this integer form sums to exactly min(budget, sum A_c). Classes with target 0
    /// receive labels only once every other class is out of candidates.
    /// </summary>
    /// <param name="current">Labelled training counts n_c.</param>
    /// <param name="target">Target shares t_c.</param>
    /// <param name="available">Candidates A_c.</param>
    /// <param name="budget">Labels to hand out.</param>
    /// <returns>Quotas q_c.</returns>
    public static int[] WaterFill(IReadOnlyList<int> current, IReadOnlyList<double> target, IReadOnlyList<int> available, int budget)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(available);
        ArgumentOutOfRangeException.ThrowIfNegative(budget);
        int k = current.Count;
        var q = new int[k];
        long left = Math.Min(budget, available.Sum(a => (long)Math.Max(0, a)));
        for (; left > 0; left--)
        {
            int best = -1;
            double bestLevel = double.PositiveInfinity;
            bool bestPositive = false;
            for (int c = 0; c < k; c++)
            {
                if (q[c] >= available[c])
                {
                    continue;
                }

                bool positive = target[c] > 0;
                double level = positive ? (current[c] + q[c]) / target[c] : current[c] + q[c];
                if (best < 0 || (positive && !bestPositive) || (positive == bestPositive && level < bestLevel))
                {
                    (best, bestLevel, bestPositive) = (c, level, positive);
                }
            }

            q[best]++;
        }

        return q;
    }

    /// <summary>Splits a quota into tiers by largest remainder (sums exactly to the quota).</summary>
    /// <param name="quota">Quota.</param>
    /// <param name="shares">Tier shares (sum 1).</param>
    /// <returns>Count per tier.</returns>
    public static int[] Split(int quota, IReadOnlyList<double> shares)
    {
        ArgumentNullException.ThrowIfNull(shares);
        double[] exact = shares.Select(s => quota * s).ToArray();
        int[] result = exact.Select(e => (int)Math.Floor(e)).ToArray();
        foreach (int i in Enumerable.Range(0, shares.Count).OrderByDescending(i => exact[i] - result[i]).ThenBy(i => i).Take(quota - result.Sum()))
        {
            result[i]++;
        }

        return result;
    }

    /// <summary>Margin quantile from a 16-bin Q15 histogram (bin b covers [2048 b, 2048 (b + 1))), linear within bins.</summary>
    /// <param name="histogram">Counts per bin.</param>
    /// <param name="p">Probability.</param>
    /// <returns>The quantile as a fraction of 1.</returns>
    public static double HistogramQuantile(IReadOnlyList<int> histogram, double p)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        double total = histogram.Sum(), target = p * total, acc = 0;
        for (int b = 0; b < histogram.Count; b++)
        {
            if (histogram[b] > 0 && acc + histogram[b] >= target)
            {
                return (b + ((target - acc) / histogram[b])) / histogram.Count;
            }

            acc += histogram[b];
        }

        return 1;
    }
}
