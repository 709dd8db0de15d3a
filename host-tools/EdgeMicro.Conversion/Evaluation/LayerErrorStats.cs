namespace EdgeMicro.Conversion.Evaluation;

/// <summary>Signal-to-quantization-noise ratio and saturation of one layer output, accumulated over samples.</summary>
public sealed class LayerErrorStats
{
    private double _signal;
    private double _noise;
    private long _saturated;
    private long _count;

    /// <summary>SQNR in dB: 10 log10(sum f^2 / sum (f - dequant(q))^2); +inf when exact.</summary>
    public double SqnrDb => _noise == 0 ? double.PositiveInfinity : 10 * Math.Log10(Math.Max(_signal, 1e-30) / _noise);

    /// <summary>Fraction of float values outside the int8 representable range (clipped by quantization).</summary>
    public double SaturationFraction => _count == 0 ? 0 : (double)_saturated / _count;

    /// <summary>Adds one layer output.</summary>
    /// <param name="reference">Float output.</param>
    /// <param name="dequantized">Dequantized int8 output.</param>
    /// <param name="min">Lowest representable value.</param>
    /// <param name="max">Highest representable value.</param>
    public void Add(ReadOnlySpan<float> reference, ReadOnlySpan<double> dequantized, double min, double max)
    {
        for (int i = 0; i < reference.Length; i++)
        {
            double f = reference[i];
            double e = f - dequantized[i];
            _signal += f * f;
            _noise += e * e;
            if (f < min - 1e-9 || f > max + 1e-9)
            {
                _saturated++;
            }

            _count++;
        }
    }
}
