namespace EdgeMicro.Fleet.Balancing;

/// <summary>A buffered sample that may be labelled: its (predicted, confidence) cell and margin.</summary>
/// <param name="Cell">Cell (<see cref="HoldoutScores.Cell"/>).</param>
/// <param name="MarginQ15">Top-1 minus top-2 probability, Q15 (lower = more informative).</param>
public readonly record struct Candidate(int Cell, int MarginQ15);

/// <summary>The selection: candidate indices in pick order, the class each was picked for (-1: budget fill), and per class the expected labels and shortfall.</summary>
/// <param name="Picks">Candidate indices.</param>
/// <param name="PlannedFor">Class each pick was made for, or -1 when picked only to fill the budget.</param>
/// <param name="Expected">Expected labels per true class among the picks.</param>
/// <param name="Wanted">Labels per class the target asked for in this round (target level minus current count, at least 0).</param>
/// <param name="Short">Classes that ran out of candidates likely (posterior at least <see cref="TrueClassSelection.MinimumPosterior"/>) to be of that class.</param>
public sealed record Selection(IReadOnlyList<int> Picks, IReadOnlyList<int> PlannedFor, double[] Expected, double[] Wanted, bool[] Short);

/// <summary>
/// Quotas by estimated TRUE class: each candidate's true-class distribution is its calibrated cell posterior under
/// the estimated deployment prior (<see cref="CellCalibration.Adjusted"/>). Greedy water-filling: repeatedly take the
/// class whose expected level (n_y + expected labels so far) / t_y is lowest and pick, among the unpicked candidates at least
/// <see cref="MinimumPosterior"/> likely of that class, the one with the smallest margin (the most informative; ties: input order); the expected counts of every class are updated
/// with the pick's posterior. A class whose best remaining candidate is below <see cref="MinimumPosterior"/> is short
/// and skipped; when every class is short the remaining budget goes to the most uncertain candidates, so the plan
/// fills min(budget, candidates) with no candidate twice.
/// </summary>
public static class TrueClassSelection
{
    /// <summary>Posterior a candidate needs to be picked for a class.</summary>
    public const double MinimumPosterior = 0.5;

    /// <summary>Selects the candidates.</summary>
    /// <param name="candidates">Candidates (already de-duplicated).</param>
    /// <param name="calibration">Hold-out calibration.</param>
    /// <param name="prior">Estimated deployment prior.</param>
    /// <param name="current">Labelled counts n_y so far.</param>
    /// <param name="target">Target shares t_y.</param>
    /// <param name="budget">Labels to hand out.</param>
    /// <returns>The selection.</returns>
    public static Selection Select(IReadOnlyList<Candidate> candidates, CellCalibration calibration, IReadOnlyList<double> prior, IReadOnlyList<int> current, IReadOnlyList<double> target, int budget)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(target);
        int k = current.Count, n = candidates.Count;
        double[][] post = candidates.Select(c =>
        {
            var p = new double[k];
            calibration.Adjusted(c.Cell, prior, p);
            return p;
        }).ToArray();
        int total = Math.Min(budget, n);
        double level = (current.Sum() + total) / 1.0;
        double[] wanted = Enumerable.Range(0, k).Select(y => Math.Max(0, (level * target[y]) - current[y])).ToArray();
        var expected = new double[k];
        var isShort = new bool[k];
        var used = new bool[n];
        var picks = new List<int>();
        var plannedFor = new List<int>();
        while (picks.Count < total)
        {
            int best = -1, forClass = -1;
            foreach (int y in Enumerable.Range(0, k).Where(y => !isShort[y] && target[y] > 0).OrderBy(y => (current[y] + expected[y]) / target[y]).ThenBy(y => y))
            {
                int s = -1;
                for (int i = 0; i < n; i++)
                {
                    if (!used[i] && post[i][y] >= MinimumPosterior && (s < 0 || candidates[i].MarginQ15 < candidates[s].MarginQ15))
                    {
                        s = i;
                    }
                }

                if (s >= 0)
                {
                    (best, forClass) = (s, y);
                    break;
                }

                isShort[y] = true;
            }

            if (best < 0)
            {
                best = Enumerable.Range(0, n).Where(i => !used[i]).MinBy(i => candidates[i].MarginQ15);
            }

            used[best] = true;
            picks.Add(best);
            plannedFor.Add(forClass);
            for (int y = 0; y < k; y++)
            {
                expected[y] += post[best][y];
            }
        }

        for (int y = 0; y < k; y++)
        {
            isShort[y] |= expected[y] + 0.5 < wanted[y];
        }

        return new Selection(picks, plannedFor, expected, wanted, isShort);
    }
}
