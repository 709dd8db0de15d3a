namespace EdgeMicro.Conversion.Quantization;

/// <summary>How a tensor's quantization range was chosen.</summary>
public enum RangeMethod
{
    /// <summary>Observed minimum and maximum.</summary>
    MinMax,

    /// <summary>Two-sided percentile (outlier clipping).</summary>
    Percentile,

    /// <summary>Clipping threshold minimising the quantization mean squared error.</summary>
    Mse,
}

/// <summary>A chosen range.</summary>
/// <param name="Low">Lowest real value kept.</param>
/// <param name="High">Highest real value kept.</param>
/// <param name="Method">Which method won.</param>
/// <param name="Mse">Quantization MSE on the calibration values.</param>
public readonly record struct CalibratedRange(double Low, double High, RangeMethod Method, double Mse);

/// <summary>
/// Chooses activation ranges from calibration values. Candidates: min/max, percentiles (99.9 and 99.99, both tails)
/// and a grid of shrunken ranges (MSE search); the candidate with the lowest quantize-dequantize MSE over the
/// calibration values wins, per tensor. With few values (&lt; 1000) outlier clipping is unreliable and min/max is kept.
/// </summary>
public static class RangeCalibrator
{
    /// <summary>Chooses a range for one tensor.</summary>
    /// <param name="values">Calibration values (all elements of all samples).</param>
    /// <param name="allowClipping">False to force min/max (model inputs of tiny sets, output logits).</param>
    /// <returns>The range.</returns>
    public static CalibratedRange Choose(IReadOnlyList<double> values, bool allowClipping)
    {
        double[] sorted = values.Where(double.IsFinite).ToArray();
        if (sorted.Length == 0)
        {
            return new CalibratedRange(0, 1, RangeMethod.MinMax, 0);
        }

        Array.Sort(sorted);
        double[] sample = Subsample(sorted, 50_000);
        double min = sorted[0], max = sorted[^1];
        var best = new CalibratedRange(min, max, RangeMethod.MinMax, Mse(sample, min, max));
        if (!allowClipping || sorted.Length < 1000)
        {
            return best;
        }

        foreach (double p in new[] { 0.999, 0.9999 })
        {
            double lo = Quantile(sorted, 1 - p), hi = Quantile(sorted, p);
            best = Better(best, new CalibratedRange(lo, hi, RangeMethod.Percentile, Mse(sample, lo, hi)));
        }

        for (int k = 1; k <= 40; k++)
        {
            double f = 1 - (k * 0.02);
            double lo = min * f, hi = max * f;
            best = Better(best, new CalibratedRange(lo, hi, RangeMethod.Mse, Mse(sample, lo, hi)));
        }

        return best;
    }

    private static CalibratedRange Better(CalibratedRange a, CalibratedRange b) => b.Mse < a.Mse * 0.999 ? b : a;

    private static double Mse(double[] values, double lo, double hi)
    {
        var q = AffineQuantization.FromRange(lo, hi);
        double sum = 0;
        foreach (double v in values)
        {
            double e = v - q.Dequantize(q.Quantize(v));
            sum += e * e;
        }

        return sum / values.Length;
    }

    private static double Quantile(double[] sorted, double p)
    {
        double pos = p * (sorted.Length - 1);
        int i = (int)Math.Floor(pos);
        int j = Math.Min(i + 1, sorted.Length - 1);
        return sorted[i] + ((pos - i) * (sorted[j] - sorted[i]));
    }

    private static double[] Subsample(double[] sorted, int count)
    {
        if (sorted.Length <= count)
        {
            return sorted;
        }

        var result = new double[count];
        for (int i = 0; i < count; i++)
        {
            result[i] = sorted[(int)((long)i * (sorted.Length - 1) / (count - 1))];
        }

        return result;
    }
}
