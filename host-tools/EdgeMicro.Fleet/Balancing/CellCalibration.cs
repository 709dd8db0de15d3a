using EdgeMicro.Core.Stats;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>
/// Calibrated source posteriors r(y | cell) from the hold-out set, with the cells of <see cref="HoldoutScores"/>:
/// histogram-binning calibration of the device's own (predicted class, confidence bin) statistic, smoothed
/// hierarchically so that sparse hold-outs stay usable: r(y | c) = (n(c, y) + <see cref="ClassPseudoCount"/> p(y)) /
/// (n(c) + <see cref="ClassPseudoCount"/>) and r(y | c, b) = (n(c, b, y) + <see cref="BinPseudoCount"/> r(y | c)) /
/// (n(c, b) + <see cref="BinPseudoCount"/>). When the device sends its posterior sums, the bins are smoothed toward the
/// model's own posterior of the cell instead (<see cref="ModelCells"/>, weight <see cref="ModelPseudoCount"/>): a
/// hold-out of a few dozen rows then corrects the model's calibration where it has rows and the model speaks where it
/// has none (the smoothed analogue of calibrating the model's posteriors before EM). Binning calibration on the hold-out is the bias-free counterpart of the
/// bias-corrected calibration that makes maximum-likelihood label-shift estimation work (Alexandari et al. 2020).
/// </summary>
public sealed class CellCalibration
{
    /// <summary>Pseudo-count pulling a predicted class's column toward the hold-out prior.</summary>
    public const double ClassPseudoCount = 1;

    /// <summary>Pseudo-count pulling a confidence bin toward its predicted class's column.</summary>
    public const double BinPseudoCount = 2;

    /// <summary>Pseudo-count (hold-out samples) of the model's own cell posterior when the device sends posterior sums.</summary>
    public const double ModelPseudoCount = 10;

    /// <summary>Initializes a new instance of the <see cref="CellCalibration"/> class.</summary>
    /// <param name="holdout">Hold-out scores.</param>
    /// <param name="model">The model's own posterior per cell (<see cref="ModelCells"/>) to smooth toward instead of
    /// the hold-out's predicted-class column, or null.</param>
    public CellCalibration(HoldoutScores holdout, double[][]? model = null)
    {
        ArgumentNullException.ThrowIfNull(holdout);
        int k = holdout.ClassCount, bins = StatsCounters.ScoreBins, cells = holdout.CellCount;
        var cellClass = new double[cells, k];
        var predClass = new double[k, k];
        var prior = new double[k];
        for (int n = 0; n < holdout.Count; n++)
        {
            cellClass[holdout.Cells[n], holdout.Labels[n]]++;
            predClass[holdout.Cells[n] / bins, holdout.Labels[n]]++;
            prior[holdout.Labels[n]]++;
        }

        // Every class keeps a small prior mass so that EM can move toward it (a class absent from the hold-out
        // cannot be estimated; it is reported as a warning).
        double total = prior.Sum() + (0.5 * k);
        Prior = prior.Select(v => (v + 0.5) / total).ToArray();
        Posterior = new double[cells][];
        for (int c = 0; c < k; c++)
        {
            double nc = Enumerable.Range(0, k).Sum(y => predClass[c, y]);
            double[] column = Enumerable.Range(0, k).Select(y => (predClass[c, y] + (ClassPseudoCount * Prior[y])) / (nc + ClassPseudoCount)).ToArray();
            for (int b = 0; b < bins; b++)
            {
                int cell = (c * bins) + b;
                double ncb = Enumerable.Range(0, k).Sum(y => cellClass[cell, y]);
                double[] baseline = model == null ? column : model[cell];
                double alpha = model == null ? BinPseudoCount : ModelPseudoCount;
                Posterior[cell] = Enumerable.Range(0, k).Select(y => (cellClass[cell, y] + (alpha * baseline[y])) / (ncb + alpha)).ToArray();
            }
        }
    }

    /// <summary>
    /// The model's own posterior per cell from the device's Q15 posterior sums per predicted class
    /// (<see cref="StatsCounters.PosteriorSum"/>): in cell (c, b) the predicted class has the bin's mean confidence
    /// (bin centre; the top bin's mean is what the class's confidence sum leaves after the other bins' centres) and
    /// the rest is shared among the other classes as the device's posterior mass of class-c predictions is.
    /// </summary>
    /// <param name="k">Classes.</param>
    /// <param name="cellCounts">Device counts per cell.</param>
    /// <param name="posteriorSums">Device sums [c * K + y] of the Q15 posterior of y over samples predicted c.</param>
    /// <returns>m(y | cell) per cell.</returns>
    public static double[][] ModelCells(int k, IReadOnlyList<int> cellCounts, IReadOnlyList<long> posteriorSums)
    {
        ArgumentNullException.ThrowIfNull(cellCounts);
        ArgumentNullException.ThrowIfNull(posteriorSums);
        int bins = StatsCounters.ScoreBins;
        var result = new double[k * bins][];
        for (int c = 0; c < k; c++)
        {
            double others = Enumerable.Range(0, k).Where(y => y != c).Sum(y => (double)posteriorSums[(c * k) + y]);
            double[] share = Enumerable.Range(0, k).Select(y => y == c ? 0 : others > 0 ? posteriorSums[(c * k) + y] / others : 1.0 / Math.Max(1, k - 1)).ToArray();
            double top = 1 - (0.5 / bins);
            long nTop = cellCounts[(c * bins) + bins - 1];
            if (nTop > 0)
            {
                double rest = Enumerable.Range(0, bins - 1).Sum(b => cellCounts[(c * bins) + b] * ((b + 0.5) / bins));
                top = Math.Clamp(((posteriorSums[(c * k) + c] / 32768.0) - rest) / nTop, (bins - 1.0) / bins, 1);
            }

            for (int b = 0; b < bins; b++)
            {
                double conf = b == bins - 1 ? top : (b + 0.5) / bins;
                result[(c * bins) + b] = Enumerable.Range(0, k).Select(y => y == c ? conf : (1 - conf) * share[y]).ToArray();
            }
        }

        return result;
    }

    /// <summary>Gets the smoothed hold-out class prior p(y).</summary>
    public double[] Prior { get; }

    /// <summary>Gets r(y | cell) under the hold-out prior, per cell.</summary>
    public double[][] Posterior { get; }

    /// <summary>The posterior of a cell under another class prior q: r(y | cell) q(y) / p(y), renormalised (Saerens et al. 2002).</summary>
    /// <param name="cell">Cell.</param>
    /// <param name="prior">Deployment prior q.</param>
    /// <param name="into">Destination (K values).</param>
    public void Adjusted(int cell, IReadOnlyList<double> prior, double[] into)
    {
        ArgumentNullException.ThrowIfNull(prior);
        ArgumentNullException.ThrowIfNull(into);
        double[] r = Posterior[cell];
        double s = 0;
        for (int y = 0; y < r.Length; y++)
        {
            into[y] = r[y] * prior[y] / Prior[y];
            s += into[y];
        }

        for (int y = 0; y < r.Length; y++)
        {
            into[y] = s > 0 ? into[y] / s : 1.0 / r.Length;
        }
    }

    /// <summary>
    /// Maximum-likelihood deployment prior by EM (Saerens, Latinne and Decaestecker 2002): q_y &lt;- sum over cells of
    /// m_cell r_q(y | cell) / M, from q = p until the largest change is below 1e-9 (at most 2000 steps).
    /// </summary>
    /// <param name="cellCounts">Device counts per cell (<see cref="StatsCounters.ConfidenceHistogram"/>).</param>
    /// <returns>The estimate.</returns>
    public double[] Em(IReadOnlyList<int> cellCounts)
    {
        ArgumentNullException.ThrowIfNull(cellCounts);
        int k = Prior.Length;
        int[] used = Enumerable.Range(0, cellCounts.Count).Where(i => cellCounts[i] > 0).ToArray();
        double m = used.Sum(i => (double)cellCounts[i]);
        double[] q = (double[])Prior.Clone(), next = new double[k], post = new double[k];
        for (int step = 0; step < 2000 && m > 0; step++)
        {
            Array.Clear(next);
            foreach (int cell in used)
            {
                Adjusted(cell, q, post);
                for (int y = 0; y < k; y++)
                {
                    next[y] += cellCounts[cell] * post[y];
                }
            }

            double change = 0;
            for (int y = 0; y < k; y++)
            {
                double v = next[y] / m;
                change = Math.Max(change, Math.Abs(v - q[y]));
                q[y] = v;
            }

            if (change < 1e-9)
            {
                break;
            }
        }

        return q;
    }
}
