using EdgeMicro.Conversion.Quantization;
using EdgeMicro.Data;

namespace EdgeMicro.Conversion.Tests.Quantization;

public sealed class FixedPointMathTests
{
    private static readonly double RelativeTolerance = Math.Pow(2, -30);

    /// <summary>Factors spread log-uniformly over [2^lo, 2^hi] (seeded) plus powers of two and their neighbours.</summary>
    public static IEnumerable<double> Factors(int lo, int hi)
    {
        var random = new Random(20240611);
        for (int i = 0; i < 4000; i++)
        {
            yield return Math.Pow(2, lo + (random.NextDouble() * (hi - lo)));
        }

        for (int e = lo; e < hi; e++)
        {
            double p = Math.Pow(2, e);
            yield return p;
            yield return Math.BitDecrement(p * 2);
            yield return Math.BitIncrement(p);
            yield return p * (1 - Math.Pow(2, -32));
        }
    }

    [Fact]
    public void LayerMultiplier_WhenFactorIsInTheNormalRange_GivesMantissaInRangeAndRelativeErrorBelow2PowMinus30()
    {
        foreach (double real in Factors(-31, 29))
        {
            FixedPointMath.LayerMultiplier(real, out int m, out int s);

            Assert.True(m >= 1 << 30, $"M = {m} < 2^30 for {real:R}");
            Assert.InRange(s, 1, 62);
            double error = Math.Abs((m / Math.Pow(2, s)) - real) / real;
            Assert.True(error <= RelativeTolerance, $"{real:R} -> {m} / 2^{s}: relative error {error:E3}");
        }
    }

    [Fact]
    public void InputMultiplier_WhenFactorIsInTheNormalRange_GivesMantissaInRangeAndRelativeErrorBelow2PowMinus30()
    {
        foreach (double real in Factors(-32, 29))
        {
            FixedPointMath.InputMultiplier(real, out int a, out int s);

            Assert.InRange(a, 1 << 29, (1 << 30) - 1);
            Assert.InRange(s, 0, 62);
            double error = Math.Abs((a / Math.Pow(2, s)) - real) / real;
            Assert.True(error <= RelativeTolerance, $"{real:R} -> {a} / 2^{s}: relative error {error:E3}");
        }
    }

    [Theory]
    [InlineData(0.75, 1610612736, 31)]
    [InlineData(1.0, 1073741824, 30)]
    [InlineData(0.5, 1073741824, 31)]
    [InlineData(1.5, 1610612736, 30)]
    public void LayerMultiplier_WhenFactorIsExact_GivesTheTfLiteRepresentation(double real, int expectedM, int expectedS)
    {
        FixedPointMath.LayerMultiplier(real, out int m, out int s);

        Assert.Equal((expectedM, expectedS), (m, s));
    }

    [Fact]
    public void LayerMultiplier_WhenFactorIsZero_GivesZeroWithShift62()
    {
        FixedPointMath.LayerMultiplier(0, out int m, out int s);

        Assert.Equal((0, 62), (m, s));
    }

    [Theory]
    [InlineData(-40)]
    [InlineData(-50)]
    public void LayerMultiplier_WhenFactorIsBelow2PowMinus31_KeepsShift62WithASmallerMantissa(int exponent)
    {
        double real = Math.Pow(2, exponent) * 1.3;

        FixedPointMath.LayerMultiplier(real, out int m, out int s);

        Assert.Equal(62, s);
        Assert.Equal((long)Math.Round(real * Math.Pow(2, 62), MidpointRounding.AwayFromZero), m);
    }

    [Theory]
    [InlineData(-1e-3)]
    [InlineData(double.NaN)]
    [InlineData(double.PositiveInfinity)]
    [InlineData(1073741824.0)]
    [InlineData(5e9)]
    public void LayerMultiplier_WhenFactorIsNegativeNonFiniteOrTooLarge_ThrowsInputDataException(double real)
    {
        Assert.Throws<InputDataException>(() => FixedPointMath.LayerMultiplier(real, out _, out _));
    }

    [Theory]
    [InlineData(1073741824.0)]
    [InlineData(-1.0)]
    [InlineData(double.NegativeInfinity)]
    public void InputMultiplier_WhenFactorIsNegativeNonFiniteOrTooLarge_ThrowsInputDataException(double real)
    {
        Assert.Throws<InputDataException>(() => FixedPointMath.InputMultiplier(real, out _, out _));
    }

    [Theory]
    [InlineData(2.5, 2)]
    [InlineData(3.5, 4)]
    [InlineData(-2.5, -2)]
    [InlineData(-3.5, -4)]
    [InlineData(2.4999, 2)]
    [InlineData(127.5, 127)]
    [InlineData(1000, 127)]
    [InlineData(-128.5, -128)]
    [InlineData(-1000, -128)]
    public void RoundClamp_WhenRounding_TiesGoToEvenAndResultsSaturate(double value, int expected)
    {
        Assert.Equal(expected, FixedPointMath.RoundClamp(value, -128, 127));
    }
}
