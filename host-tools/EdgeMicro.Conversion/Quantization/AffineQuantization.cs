namespace EdgeMicro.Conversion.Quantization;

/// <summary>int8 affine quantization q = round(x / Scale) + ZeroPoint, x = Scale * (q - ZeroPoint); or, with
/// <paramref name="Wide"/>, int16 symmetric (ZeroPoint 0, q in [-32767, 32767]).</summary>
/// <param name="Scale">Real value of one step.</param>
/// <param name="ZeroPoint">Integer representing real zero, in [-128, 127] (0 when wide).</param>
/// <param name="Wide">16-bit symmetric rather than int8.</param>
public readonly record struct AffineQuantization(double Scale, int ZeroPoint, bool Wide = false)
{
    /// <summary>Largest magnitude of a 16-bit code.</summary>
    public const int WideLimit = 32767;

    /// <summary>Chooses the int16 symmetric scale so [lo, hi] (widened to contain 0) fits [-32767, 32767].</summary>
    /// <param name="lo">Lowest real value.</param>
    /// <param name="hi">Highest real value.</param>
    /// <returns>The parameters.</returns>
    public static AffineQuantization FromWideRange(double lo, double hi)
    {
        double m = Math.Max(Math.Abs(lo), Math.Abs(hi));
        return new AffineQuantization(m < 1e-12 ? 1e-6 / WideLimit : m / WideLimit, 0, true);
    }

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
    public int Quantize(double x) => FixedPointMath.RoundClamp((x / Scale) + ZeroPoint, Lowest, Highest);

    /// <summary>Lowest code (-128, or -32767 when wide).</summary>
    public int Lowest => Wide ? -WideLimit : -128;

    /// <summary>Highest code (127, or 32767 when wide).</summary>
    public int Highest => Wide ? WideLimit : 127;

    /// <summary>Dequantizes.</summary>
    /// <param name="q">int8 value.</param>
    /// <returns>Real value.</returns>
    public double Dequantize(int q) => Scale * (q - ZeroPoint);

    /// <summary>Lowest representable real value.</summary>
    public double Min => Dequantize(Lowest);

    /// <summary>Highest representable real value.</summary>
    public double Max => Dequantize(Highest);
}
