using EdgeMicro.Core.Inference;
using EdgeMicro.Data;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>Deployment class distribution estimated from device predicted-class counts.</summary>
/// <param name="HoldoutPrior">p(y) on the hold-out set (the reference the weights are relative to).</param>
/// <param name="Naive">Classify-and-count: the device's predicted-class shares.</param>
/// <param name="Bbse">BBSE estimate q(y) = w o p(y), clipped at 0 and renormalised.</param>
/// <param name="Weights">w = C^-1 mu (before clipping).</param>
/// <param name="ConditionNumber">2-norm condition number of the hold-out joint C.</param>
/// <param name="ChiSquare">Homogeneity statistic: device vs hold-out predicted-class counts.</param>
/// <param name="DegreesOfFreedom">Classes with counts minus 1.</param>
/// <param name="PValue">Upper-tail chi-square p-value (small: the class distribution shifted).</param>
/// <param name="Shifted">PValue below the 1 % level.</param>
public sealed record LabelShiftEstimate(double[] HoldoutPrior, double[] Naive, double[] Bbse, double[] Weights, double ConditionNumber, double ChiSquare, int DegreesOfFreedom, double PValue, bool Shifted);

/// <summary>
/// Black-box shift estimation (Lipton, Wang and Smola, ICML 2018): with C[i][j] = P(yhat = i, y = j) on a labelled
/// hold-out set and mu[i] the deployment share of predictions i, solve C w = mu; then q(y = j) = w_j p(y = j).
/// The chi-square test compares the predicted-class counts of device and hold-out (2 x K homogeneity test): under
/// no label shift both come from the same distribution C 1.
/// </summary>
public static class LabelShift
{
    /// <summary>Significance level of the shift test.</summary>
    public const double Alpha = 0.01;

    /// <summary>Counts (predicted, true) on the hold-out set with the host twin (the firmware classifier).</summary>
    /// <param name="classifier">Classifier of the deployed model version.</param>
    /// <param name="raw">Raw fixed-point samples.</param>
    /// <param name="labels">True classes.</param>
    /// <returns>counts[predicted][true].</returns>
    public static int[][] HoldoutCounts(Classifier classifier, IReadOnlyList<int[]> raw, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        int k = classifier.Model.ClassCount;
        int[][] counts = Enumerable.Range(0, k).Select(_ => new int[k]).ToArray();
        for (int n = 0; n < raw.Count; n++)
        {
            classifier.Classify(raw[n]);
            counts[classifier.PredictedClass][labels[n]]++;
        }

        return counts;
    }

    /// <summary>Estimates the deployment prior.</summary>
    /// <param name="holdout">counts[predicted][true] on the hold-out set.</param>
    /// <param name="devicePredicted">Device predicted-class counts.</param>
    /// <returns>The estimate.</returns>
    public static LabelShiftEstimate Estimate(int[][] holdout, IReadOnlyList<int> devicePredicted)
    {
        ArgumentNullException.ThrowIfNull(holdout);
        int k = holdout.Length;
        double n = holdout.Sum(r => r.Sum()), m = devicePredicted.Sum();
        if (n == 0 || m == 0)
        {
            throw new InputDataException("label-shift estimation needs hold-out samples and device predictions");
        }

        double[][] c = holdout.Select(r => r.Select(v => v / n).ToArray()).ToArray();
        double[] p = Enumerable.Range(0, k).Select(j => holdout.Sum(r => r[j]) / n).ToArray();
        double[] mu = devicePredicted.Select(v => v / m).ToArray();

        // Classes absent from the hold-out cannot be estimated: solve on the observed ones (C restricted).
        int[] seen = Enumerable.Range(0, k).Where(j => p[j] > 0).ToArray();
        double[][] cs = seen.Select(i => seen.Select(j => c[i][j]).ToArray()).ToArray();
        double[] w = new double[k];
        double[]? solved = StatMath.Solve(cs, seen.Select(i => mu[i]).ToArray());
        if (solved == null)
        {
            // Singular C: fall back to classify-and-count reweighting.
            foreach (int j in seen)
            {
                w[j] = mu[j] / p[j];
            }
        }
        else
        {
            for (int s = 0; s < seen.Length; s++)
            {
                w[seen[s]] = solved[s];
            }
        }

        double[] q = Enumerable.Range(0, k).Select(j => Math.Max(0, w[j]) * p[j]).ToArray();
        double total = q.Sum();
        q = total > 0 ? q.Select(v => v / total).ToArray() : mu;

        var (chi, df) = Homogeneity(holdout.Select(r => (double)r.Sum()).ToArray(), devicePredicted.Select(v => (double)v).ToArray());
        double pValue = StatMath.ChiSquarePValue(chi, df);
        return new LabelShiftEstimate(p, mu, q, w, StatMath.ConditionNumber(cs), chi, df, pValue, pValue < Alpha);
    }

    /// <summary>Pearson chi-square homogeneity statistic of two count vectors (columns empty in both are dropped).</summary>
    /// <param name="a">First counts.</param>
    /// <param name="b">Second counts.</param>
    /// <returns>Statistic and degrees of freedom.</returns>
    public static (double ChiSquare, int DegreesOfFreedom) Homogeneity(double[] a, double[] b)
    {
        double na = a.Sum(), nb = b.Sum(), chi = 0;
        int cols = 0;
        for (int j = 0; j < a.Length; j++)
        {
            double col = a[j] + b[j];
            if (col == 0)
            {
                continue;
            }

            cols++;
            double ea = col * na / (na + nb), eb = col * nb / (na + nb);
            chi += ((a[j] - ea) * (a[j] - ea) / ea) + ((b[j] - eb) * (b[j] - eb) / eb);
        }

        return (chi, Math.Max(0, cols - 1));
    }
}
