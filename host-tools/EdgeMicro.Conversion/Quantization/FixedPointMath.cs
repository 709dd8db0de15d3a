using EdgeMicro.Data;

namespace EdgeMicro.Conversion.Quantization;

/// <summary>
/// Host-side helpers that turn real scales into the integer parameters of the firmware core. Rounding modes:
/// weights and biases round half to even (ONNX QuantizeLinear); multipliers round half away from zero to the nearest
/// mantissa (exact ties never occur in practice and either choice is within 2^-31 relative).
/// </summary>
public static class FixedPointMath
{
    /// <summary>
    /// Represents a requantization factor as M / 2^S with M in [2^30, 2^31) and S in [1, 62] (TFLite's
    /// QuantizeMultiplier). Factors below 2^-31 keep S = 62 with a smaller M (0 for a zero factor).
    /// </summary>
    /// <param name="real">Factor, finite and non-negative.</param>
    /// <param name="multiplier">M.</param>
    /// <param name="shift">S.</param>
    public static void LayerMultiplier(double real, out int multiplier, out int shift) => Normalize(real, 31, 1, out multiplier, out shift);

    /// <summary>Represents an input scaling factor as A / 2^S with A in [2^29, 2^30) and S in [0, 62].</summary>
    /// <param name="real">Factor, finite and non-negative.</param>
    /// <param name="multiplier">A.</param>
    /// <param name="shift">S.</param>
    public static void InputMultiplier(double real, out int multiplier, out int shift) => Normalize(real, 30, 0, out multiplier, out shift);

    /// <summary>Rounds half to even and saturates to [lo, hi].</summary>
    /// <param name="v">Value.</param>
    /// <param name="lo">Lowest result.</param>
    /// <param name="hi">Highest result.</param>
    /// <returns>The rounded, saturated value.</returns>
    public static int RoundClamp(double v, int lo, int hi)
    {
        double r = Math.Round(v, MidpointRounding.ToEven);
        return r < lo ? lo : r > hi ? hi : (int)r;
    }

    private static void Normalize(double real, int bits, int minShift, out int multiplier, out int shift)
    {
        if (!double.IsFinite(real) || real < 0)
        {
            throw new InputDataException($"scale factor {real} cannot be represented in fixed point");
        }

        if (real == 0)
        {
            multiplier = 0;
            shift = 62;
            return;
        }

        int exponent = (int)Math.Floor(Math.Log2(real));
        int s = bits - 1 - exponent;
        if (s > 62)
        {
            // Below 2^-31 (2^-32 for inputs): S stays 62 with a smaller M (0 for a vanishing factor). Deciding
            // before scaling keeps 2^S finite for factors far below double's normal range.
            multiplier = (int)Math.Round(real * Math.Pow(2, 62), MidpointRounding.AwayFromZero);
            shift = 62;
            return;
        }

        long m = (long)Math.Round(real * Math.Pow(2, s), MidpointRounding.AwayFromZero);
        if (m >= 1L << bits)
        {
            m >>= 1;
            s--;
        }

        if (s < minShift)
        {
            throw new InputDataException($"scale factor {real:G4} is too large for int8 fixed point (calibration range too narrow?)");
        }

        multiplier = (int)m;
        shift = s;
    }
}
