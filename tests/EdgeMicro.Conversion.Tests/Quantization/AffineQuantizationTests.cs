using EdgeMicro.Conversion.Quantization;

namespace EdgeMicro.Conversion.Tests.Quantization;

public sealed class AffineQuantizationTests
{
    [Theory]
    [InlineData(-1.0, 1.0)]
    [InlineData(-0.3, 5.7)]
    [InlineData(-100.0, 3.0)]
    [InlineData(0.0, 6.0)]
    [InlineData(-6.0, 0.0)]
    [InlineData(-1e-4, 2e-4)]
    public void FromRange_WhenRangeContainsZero_RepresentsZeroExactlyAndCoversTheRangeWithin2HalfSteps(double lo, double hi)
    {
        var q = AffineQuantization.FromRange(lo, hi);

        Assert.InRange(q.ZeroPoint, -128, 127);
        Assert.Equal((hi - lo) / 255.0, q.Scale, 1e-15);
        Assert.Equal(q.ZeroPoint, q.Quantize(0));
        Assert.Equal(0.0, q.Dequantize(q.ZeroPoint));
        Assert.True(q.Min <= lo + (q.Scale / 2) + 1e-12, $"Min {q.Min} does not reach {lo}");
        Assert.True(q.Max >= hi - (q.Scale / 2) - 1e-12, $"Max {q.Max} does not reach {hi}");
    }

    [Fact]
    public void FromRange_WhenRangeIsPositive_WidensItDownToZero()
    {
        var q = AffineQuantization.FromRange(2, 5);

        Assert.Equal(-128, q.ZeroPoint);
        Assert.Equal(0.0, q.Min);
        Assert.Equal(5.0, q.Max, 12);
    }

    [Fact]
    public void FromRange_WhenRangeIsNegative_WidensItUpToZero()
    {
        var q = AffineQuantization.FromRange(-5, -2);

        Assert.Equal(127, q.ZeroPoint);
        Assert.Equal(0.0, q.Max);
        Assert.Equal(-5.0, q.Min, 12);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(3.0)]
    [InlineData(-3.0)]
    public void FromRange_WhenRangeIsEmpty_StillHasAPositiveScale(double v)
    {
        var q = AffineQuantization.FromRange(v, v);

        Assert.True(q.Scale > 0);
        Assert.InRange(q.ZeroPoint, -128, 127);
        Assert.Equal(q.ZeroPoint, q.Quantize(0));
    }

    [Fact]
    public void Quantize_WhenValueIsInRange_RoundTripsWithinHalfAStep()
    {
        var q = AffineQuantization.FromRange(-0.7, 2.3);

        for (double x = q.Min; x <= q.Max; x += q.Scale / 7)
        {
            double back = q.Dequantize(q.Quantize(x));
            Assert.True(Math.Abs(back - x) <= (q.Scale / 2) + 1e-12, $"{x} -> {back}");
        }
    }

    [Fact]
    public void Quantize_WhenValueIsOutOfRange_Saturates()
    {
        var q = AffineQuantization.FromRange(-1, 1);

        Assert.Equal(127, q.Quantize(1e9));
        Assert.Equal(-128, q.Quantize(-1e9));
        Assert.Equal(q.Max, q.Dequantize(q.Quantize(1.5)));
    }
}
