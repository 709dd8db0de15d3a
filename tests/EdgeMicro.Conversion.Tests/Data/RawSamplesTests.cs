using EdgeMicro.Data;

namespace EdgeMicro.Conversion.Tests.Data;

public sealed class RawSamplesTests
{
    [Theory]
    [InlineData(1.5, 0, 2)]
    [InlineData(2.5, 0, 3)]
    [InlineData(-1.5, 0, -2)]
    [InlineData(-2.5, 0, -3)]
    [InlineData(0.25, 1, 1)]
    [InlineData(-0.25, 1, -1)]
    [InlineData(0.2, 1, 0)]
    [InlineData(3.0, 16, 196608)]
    [InlineData(1.0 / 65536, 16, 1)]
    [InlineData(0.49 / 65536, 16, 0)]
    public void ToFixed_WhenScaled_RoundsHalfAwayFromZero(double value, int fractionBits, int expected)
    {
        Assert.Equal(expected, RawSamples.ToFixed(value, fractionBits));
    }

    [Theory]
    [InlineData(1e12, int.MaxValue)]
    [InlineData(32768.0, int.MaxValue)]
    [InlineData(-1e12, int.MinValue)]
    [InlineData(-32768.0, int.MinValue)]
    public void ToFixed_WhenOutOfInt32Range_Saturates(double value, int expected)
    {
        Assert.Equal(expected, RawSamples.ToFixed(value, 16));
    }

    [Fact]
    public void ToFixed_WhenGivenASample_ConvertsEveryFeature()
    {
        Assert.Equal([4, -2, 0, 1], RawSamples.ToFixed([2.0, -1.0, 0.0, 0.25], 1));
    }

    [Theory]
    [InlineData(0.0, 16)]
    [InlineData(16.0, 16)]
    [InlineData(255.0, 16)]
    [InlineData(4095.0, 16)]
    [InlineData(4096.0, 15)]
    [InlineData(10000.0, 14)]
    [InlineData(1680.0, 16)]
    [InlineData(2.6e8, 0)]
    public void ChooseFractionBits_WhenGivenTheLargestMagnitude_KeepsEightTimesHeadroom(double maxAbs, int expected)
    {
        int f = RawSamples.ChooseFractionBits(maxAbs);

        Assert.Equal(expected, f);
        if (f > 0)
        {
            Assert.True(maxAbs * Math.Pow(2, f) * 8 < int.MaxValue);
        }

        if (f < 16)
        {
            Assert.True(maxAbs * Math.Pow(2, f + 1) * 8 >= int.MaxValue);
        }
    }
}
