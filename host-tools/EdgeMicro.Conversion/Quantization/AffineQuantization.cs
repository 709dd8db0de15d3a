namespace EdgeMicro.Conversion.Quantization;

/// <summary>int8 affine quantization q = round(x / Scale) + ZeroPoint, x = Scale * (q - ZeroPoint).</summary>
/// <param name="Scale">Real value of one step.</param>
/// <param name="ZeroPoint">Integer representing real zero, in [-128, 127].</param>
public readonly record struct AffineQuantization(double Scale, int ZeroPoint)
{
    /// <summary>Chooses scale and zero point so [lo, hi] (widened to contain 0) maps onto [-128, 127].</summary>
    /// <param name="lo">Lowest real value.</param>
    /// <param name="hi">Highest real value.</param>
    /// <returns>The parameters.</returns>
    public static AffineQuantization FromRange(double lo, double hi)
    {
        lo = Math.Min(lo, 0);
        hi = Math.Max(hi, 0);
        if (hi - lo < 1e-12)
        {
            hi = lo + 1e-6;
        }

        double scale = (hi - lo) / 255.0;
        int zp = FixedPointMath.RoundClamp(-128 - (lo / scale), -128, 127);
        return new AffineQuantization(scale, zp);
    }

    /// <summary>Quantizes with saturation.</summary>
    /// <param name="x">Real value.</param>
    /// <returns>int8 value.</returns>
    public int Quantize(double x) => FixedPointMath.RoundClamp((x / Scale) + ZeroPoint, -128, 127);

    /// <summary>Dequantizes.</summary>
    /// <param name="q">int8 value.</param>
    /// <returns>Real value.</returns>
    public double Dequantize(int q) => Scale * (q - ZeroPoint);

    /// <summary>Lowest representable real value.</summary>
    public double Min => Dequantize(-128);

    /// <summary>Highest representable real value.</summary>
    public double Max => Dequantize(127);
}
