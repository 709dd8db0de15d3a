namespace EdgeMicro.Data;

/// <summary>
/// The device's view of a sample: each raw feature value v as the int32 round(v * 2^F) (round half away from zero,
/// saturated to int32), F = the model's input fraction bits. This is what sensor adapters hand to the classifier.
/// </summary>
public static class RawSamples
{
    /// <summary>Converts one feature value to fixed point.</summary>
    /// <param name="value">Value in physical units.</param>
    /// <param name="fractionBits">F.</param>
    /// <returns>round(value * 2^F), saturated.</returns>
    public static int ToFixed(double value, int fractionBits)
    {
        double scaled = Math.Round(value * Math.Pow(2, fractionBits), MidpointRounding.AwayFromZero);
        return scaled >= int.MaxValue ? int.MaxValue : scaled <= int.MinValue ? int.MinValue : (int)scaled;
    }

    /// <summary>Converts a sample to fixed point.</summary>
    /// <param name="features">Values in physical units.</param>
    /// <param name="fractionBits">F.</param>
    /// <returns>Fixed-point sample.</returns>
    public static int[] ToFixed(double[] features, int fractionBits) => features.Select(v => ToFixed(v, fractionBits)).ToArray();

    /// <summary>Chooses F: the largest value in 0..16 for which every feature magnitude (and the offsets derived
    /// from it) stays 8x below int32 range, so out-of-range readings still fit.</summary>
    /// <param name="maxAbs">Largest magnitude among features and normalization means.</param>
    /// <returns>F.</returns>
    public static int ChooseFractionBits(double maxAbs)
    {
        for (int f = 16; f > 0; f--)
        {
            if (maxAbs * Math.Pow(2, f) * 8 < int.MaxValue)
            {
                return f;
            }
        }

        return 0;
    }
}
