using EdgeMicro.Conversion.Quantization;

namespace EdgeMicro.Conversion.Tests.Quantization;

public sealed class RangeCalibratorTests
{
    [Fact]
    public void Choose_WhenFewerThan1000Values_KeepsMinMaxEvenWithAnOutlier()
    {
        double[] values = [.. Laplace(500), 40.0];

        CalibratedRange r = RangeCalibrator.Choose(values, allowClipping: true);

        Assert.Equal(RangeMethod.MinMax, r.Method);
        Assert.Equal(values.Min(), r.Low);
        Assert.Equal(40.0, r.High);
    }

    [Fact]
    public void Choose_WhenHeavyTailedWithOutliers_PicksAClippingMethodWithLowerError()
    {
        double[] values = [.. Laplace(20_000), 15, -15, 14, -14];
        CalibratedRange minMax = RangeCalibrator.Choose(values, allowClipping: false);

        CalibratedRange r = RangeCalibrator.Choose(values, allowClipping: true);

        Assert.NotEqual(RangeMethod.MinMax, r.Method);
        Assert.True(r.Low > -15 && r.High < 15, $"clipped range [{r.Low}, {r.High}] should be inside [-15, 15]");
        Assert.True(r.Mse < minMax.Mse, $"{r.Method} MSE {r.Mse} should beat min/max MSE {minMax.Mse}");
    }

    [Fact]
    public void Choose_WhenClippingIsNotAllowed_KeepsMinMax()
    {
        double[] values = [.. Laplace(20_000), 15, -15];

        CalibratedRange r = RangeCalibrator.Choose(values, allowClipping: false);

        Assert.Equal((-15.0, 15.0, RangeMethod.MinMax), (r.Low, r.High, r.Method));
    }

    [Fact]
    public void Choose_WhenValuesAreUniform_KeepsMinMax()
    {
        double[] values = Enumerable.Range(0, 20_000).Select(i => -1 + (2 * (i + 0.5) / 20_000)).ToArray();

        CalibratedRange r = RangeCalibrator.Choose(values, allowClipping: true);

        Assert.Equal(RangeMethod.MinMax, r.Method);
    }

    [Fact]
    public void Choose_WhenValuesAreNonFinite_IgnoresThem()
    {
        double[] values = [double.NaN, -2, double.PositiveInfinity, 3, double.NegativeInfinity];

        CalibratedRange r = RangeCalibrator.Choose(values, allowClipping: true);

        Assert.Equal((-2.0, 3.0, RangeMethod.MinMax), (r.Low, r.High, r.Method));
    }

    [Fact]
    public void Choose_WhenThereAreNoValues_ReturnsZeroToOne()
    {
        CalibratedRange r = RangeCalibrator.Choose([], allowClipping: true);

        Assert.Equal((0.0, 1.0, RangeMethod.MinMax), (r.Low, r.High, r.Method));
    }

    /// <summary>Deterministic Laplace(0, 1) sample: the quantiles at (i + 0.5) / n (tails to about +-ln(n)).</summary>
    private static IEnumerable<double> Laplace(int n) => Enumerable.Range(0, n).Select(i =>
    {
        double p = (i + 0.5) / n;
        return p < 0.5 ? Math.Log(2 * p) : -Math.Log(2 * (1 - p));
    });
}
