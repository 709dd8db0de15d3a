using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Stats;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>
/// What the devices' feature statistics should look like without any sensor change: the training data binned on the
/// blob's reference edges and counted at the int8 input limits, PER TRUE CLASS, so that the expectation can be
/// reweighted to the deployment's estimated class prior q. Under pure label shift p_dev(x) = sum_y q(y) p(x | y), so
/// the reweighted histogram sum_y q(y) h(b | y) is what the device should see (importance weights q(y) / p_train(y);
/// Lipton et al. 2018); comparing against the raw training histogram instead flags every class-dependent feature.
/// </summary>
public sealed class FeatureReference
{
    private readonly double[][] _histogram;
    private readonly double[][] _limits;
    private readonly int[] _classCounts;

    /// <summary>Initializes a new instance of the <see cref="FeatureReference"/> class.</summary>
    /// <param name="blob">Model blob (reference edges).</param>
    /// <param name="trainRaw">Training samples, raw fixed point.</param>
    /// <param name="trainLabels">Training labels.</param>
    /// <param name="classifier">Classifier (quantizes the training inputs, for the limit counts).</param>
    public FeatureReference(ModelBlob blob, IReadOnlyList<int[]> trainRaw, IReadOnlyList<int> trainLabels, Classifier classifier)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(trainRaw);
        ArgumentNullException.ThrowIfNull(trainLabels);
        ArgumentNullException.ThrowIfNull(classifier);
        int k = blob.Model.ClassCount, d = blob.Model.FeatureCount, per = blob.EdgesPerFeature;
        FeatureCount = d;
        Bins = per > 0 ? per + 1 : 0;
        _classCounts = new int[k];
        _histogram = Enumerable.Range(0, k).Select(_ => new double[d * Bins]).ToArray();
        _limits = Enumerable.Range(0, k).Select(_ => new double[d]).ToArray();
        Min = Enumerable.Repeat(int.MaxValue, d).ToArray();
        Max = Enumerable.Repeat(int.MinValue, d).ToArray();
        short[]? gather = blob.Model.InputGather;
        for (int n = 0; n < trainRaw.Count; n++)
        {
            int[] x = trainRaw[n];
            int y = trainLabels[n];
            _classCounts[y]++;
            for (int f = 0; f < d; f++)
            {
                Min[f] = Math.Min(Min[f], x[f]);
                Max[f] = Math.Max(Max[f], x[f]);
                if (Bins > 0)
                {
                    _histogram[y][(f * Bins) + StatsCounters.FeatureBin(blob.FeatureBinEdges, f * per, per, x[f])]++;
                }
            }

            classifier.Classify(x);
            sbyte[] q = classifier.QuantizedInput;
            for (int j = 0; j < blob.Model.InputLength; j++)
            {
                _limits[y][gather == null ? j : gather[j]] += q[j] is -128 or 127 ? 1 : 0;
            }
        }
    }

    /// <summary>Gets D.</summary>
    public int FeatureCount { get; }

    /// <summary>Gets the bins per feature (0 without reference edges).</summary>
    public int Bins { get; }

    /// <summary>Gets the training rows.</summary>
    public int Count => _classCounts.Sum();

    /// <summary>Gets the training rows per class.</summary>
    public IReadOnlyList<int> ClassCounts => _classCounts;

    /// <summary>Gets the smallest raw training value per feature.</summary>
    public int[] Min { get; }

    /// <summary>Gets the largest raw training value per feature.</summary>
    public int[] Max { get; }

    /// <summary>The training distribution reweighted to a class prior.</summary>
    /// <param name="prior">Deployment class prior q (classes absent from training are dropped and q renormalised).</param>
    /// <param name="repeats">Per class mu_y^2 c_y (<see cref="RepeatRate.PerClass"/>), or null for no repeats.</param>
    /// <param name="priorVariance">Variance of each q(y) estimate, or null: its error moves the expectation too.</param>
    /// <returns>Expected bin shares, their variances, limit shares and the effective training size.</returns>
    public Expectation Expected(IReadOnlyList<double> prior, IReadOnlyList<double>? repeats = null, IReadOnlyList<double>? priorVariance = null)
    {
        ArgumentNullException.ThrowIfNull(prior);
        int k = _classCounts.Length;
        double[] q = Enumerable.Range(0, k).Select(y => _classCounts[y] > 0 ? Math.Max(0, prior[y]) : 0).ToArray();
        double s = q.Sum();
        q = s > 0 ? q.Select(v => v / s).ToArray() : _classCounts.Select(n => n / (double)Math.Max(1, Count)).ToArray();
        var bins = new double[FeatureCount * Bins];
        var limits = new double[FeatureCount];
        var trainVariance = new double[bins.Length];
        var repeatVariance = new double[bins.Length];
        var limitVariance = new double[FeatureCount];
        double inverse = 0;
        for (int y = 0; y < k; y++)
        {
            if (q[y] <= 0)
            {
                continue;
            }

            double w = q[y] / _classCounts[y];
            inverse += q[y] * w;
            for (int i = 0; i < bins.Length; i++)
            {
                // Variances from the class histogram smoothed like the PSI (+0.5 per bin): a bin no training row of
                // the class fell into still has some probability.
                double h = (_histogram[y][i] + 0.5) / (_classCounts[y] + (0.5 * Bins));
                bins[i] += w * _histogram[y][i];
                trainVariance[i] += q[y] * q[y] * h * (1 - h) / _classCounts[y];
                repeatVariance[i] += (repeats == null ? 0 : repeats[y]) * h * (1 - h);
            }

            for (int f = 0; f < FeatureCount; f++)
            {
                double l = _limits[y][f] / _classCounts[y];
                limits[f] += w * _limits[y][f];
                limitVariance[f] += ((q[y] * q[y] / _classCounts[y]) + (repeats == null ? 0 : repeats[y])) * l * (1 - l);
            }
        }

        // Kish effective size of the weighted training sample: (sum w)^2 / sum w^2 = 1 / sum_y q(y)^2 / n_y.
        // Per bin: the training estimate's variance sum_y q^2 h(1 - h) / n_y, the device's from repeated readings
        // sum_y mu_y^2 c_y h(1 - h), and the prior's error sum_y Var q(y) (h(b | y) - e(b))^2.
        var priorPart = new double[bins.Length];
        for (int y = 0; y < k && priorVariance != null; y++)
        {
            for (int i = 0; i < bins.Length && _classCounts[y] > 0; i++)
            {
                double delta = (_histogram[y][i] / _classCounts[y]) - bins[i];
                priorPart[i] += priorVariance[y] * delta * delta;
            }
        }

        return new Expectation(bins, limits, inverse > 0 ? 1 / inverse : 0, trainVariance, repeatVariance, priorPart, limitVariance, repeats?.Sum() ?? 0);
    }
}

/// <summary>The reweighted training reference.</summary>
/// <param name="BinShares">Expected share per [feature * bins + bin].</param>
/// <param name="LimitShares">Expected share at the int8 limits per feature.</param>
/// <param name="EffectiveCount">Effective training size (Kish) under the weights.</param>
/// <param name="TrainVariance">Variance of each expected share from the finite training set.</param>
/// <param name="RepeatVariance">Variance of each device share from repeated readings.</param>
/// <param name="PriorVariance">Variance of each expected share from the prior estimate's error.</param>
/// <param name="LimitVariance">Variance of the limit-share difference from training and repeats (per class).</param>
/// <param name="RepeatRate">c: probability that two of the scope's readings are identical.</param>
public sealed record Expectation(double[] BinShares, double[] LimitShares, double EffectiveCount, double[] TrainVariance, double[] RepeatVariance, double[] PriorVariance, double[] LimitVariance, double RepeatRate);
