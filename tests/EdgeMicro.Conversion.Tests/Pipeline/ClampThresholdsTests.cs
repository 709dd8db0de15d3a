using EdgeMicro.Conversion.Export;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary>
/// Code-mode Conv requantization as thresholds on the SWAR lane (<see cref="ClampThresholds"/>): the same result as
/// the clamped requantization for every lane value (its IL ceilings are in <see cref="WholeInferenceCostTests"/>).
/// </summary>
public sealed class ClampThresholdsTests
{
    [Fact]
    public void Thresholds_GiveTheClampedRequantizationOfEveryLaneValue()
    {
        var random = new Random(1234);
        for (int n = 0; n < 300; n++)
        {
            long m = random.NextInt64(1, 1L << 31);
            int s = random.Next(30, 46);
            long r = random.NextInt64(-(1L << 50), 1L << 50);
            long zo = random.Next(-128, 128);
            int lo = random.Next(-128, 0), hi = random.Next(0, 128);
            (long low, long high) = ClampThresholds.Of(m, r, s, zo, lo, hi);
            long centre = low + random.NextInt64(-4096, 4096);
            for (long t = centre - 2048; t < centre + 2048; t++)
            {
                Assert.Equal(Clamped(t, m, r, s, zo, lo, hi), Thresholded(t, m, r, s, zo, lo, hi, low, high));
            }

            for (long t = high - 2048; t < high + 2048; t++)
            {
                Assert.Equal(Clamped(t, m, r, s, zo, lo, hi), Thresholded(t, m, r, s, zo, lo, hi, low, high));
            }
        }
    }

    private static Int128 Requantized(long t, long m, long r, int s, long zo) => ((((Int128)t * m) + r) >> s) + zo;

    private static Int128 Clamped(long t, long m, long r, int s, long zo, int lo, int hi)
    {
        Int128 v = Requantized(t, m, r, s, zo);
        return v < lo ? lo : (v > hi ? hi : v);
    }

    private static Int128 Thresholded(long t, long m, long r, int s, long zo, int lo, int hi, long low, long high) =>
        t >= low ? (t <= high ? Requantized(t, m, r, s, zo) : hi) : lo;

    [Theory]
    [InlineData(1, 0, 0, 0, -128, 127, -128, 127)]
    [InlineData(1, 0, 1, -128, -128, 127, 0, 511)]
    public void Thresholds_OfSimpleLanes_AreTheKnownValues(long m, long r, int s, long zo, int lo, int hi, long low, long high)
    {
        Assert.Equal((low, high), ClampThresholds.Of(m, r, s, zo, lo, hi));
    }
}
