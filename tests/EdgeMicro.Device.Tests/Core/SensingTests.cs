using EdgeMicro.Core.Device.Sensing;


namespace EdgeMicro.Device.Tests.Core;

public sealed class SensingTests
{
    [Fact]
    public void Sqrt_WhenComparedWithDoubleRounding_IsExactOverManyValues()
    {
        var r = new Random(5);
        for (int i = 0; i < 20000; i++)
        {
            long v = i < 1000 ? i : r.NextInt64(0, long.MaxValue >> (r.Next(0, 40)));
            long expected = (long)Math.Floor(Math.Sqrt((double)v));
            while ((expected + 1) * (expected + 1) <= v) expected++;
            while (expected * expected > v) expected--;
            // Rounded: up when v - e^2 > e, i.e. v >= (e + 0.5)^2.
            long rounded = v - (expected * expected) > expected ? expected + 1 : expected;

            Assert.Equal(rounded, IntMath.Sqrt(v));
        }
    }

    [Fact]
    public void WindowedFeatures_WhenComparedWithDoubleStatistics_AgreeWithinOneStep()
    {
        var r = new Random(9);
        const int channels = 3, n = 50, f = 4;
        int[] readings = Enumerable.Range(0, channels * n).Select(_ => r.Next(0, 4096)).ToArray();
        int[] features = new int[channels * WindowedFeatures.PerChannel];

        WindowedFeatures.Compute(readings, channels, n, f, features);

        for (int c = 0; c < channels; c++)
        {
            double[] x = Enumerable.Range(0, n).Select(i => (double)readings[(i * channels) + c]).ToArray();
            double mean = x.Average(), std = Math.Sqrt(x.Select(v => (v - mean) * (v - mean)).Average());
            Assert.InRange(features[c * 4], (mean * 16) - 1, (mean * 16) + 1);
            Assert.Equal((int)x.Min() * 16, features[(c * 4) + 1]);
            Assert.Equal((int)x.Max() * 16, features[(c * 4) + 2]);
            Assert.InRange(features[(c * 4) + 3], (std * 16) - 1, (std * 16) + 1);
        }
    }

    [Fact]
    public void ThermalFrame_WhenGivenSignedTwelveBitPixels_ConvertsQuarterDegrees()
    {
        byte[] raw = new byte[ThermalFrame.FrameBytes];
        raw[0] = 0x64; // +100 = 25.00 degC
        raw[2] = 0x01; // +1 = 0.25 degC
        raw[4] = 0xFF;
        raw[5] = 0x0F; // -1 = -0.25 degC
        raw[6] = 0x00;
        raw[7] = 0x08; // -2048 = -512 degC
        int[] sample = new int[ThermalFrame.Pixels];

        ThermalFrame.Convert(raw, 2, sample);

        Assert.Equal([100, 1, -1, -2048, 0], sample.Take(5));
        ThermalFrame.Convert(raw, 0, sample);
        Assert.Equal([25, 0, 0, -512], sample.Take(4)); // 0.25 rounds to 0; half away from zero only at .5
    }

    [Fact]
    public void LabelPresses_WhenPressedThreeTimesWithBounce_GivesClassTwoAfterTheQuietWindow()
    {
        var b = new LabelPresses(windowMs: 1000, debounceMs: 50);
        b.Press(0);
        b.Press(10); // bounce
        b.Press(300);
        b.Press(600);

        Assert.Equal(-1, b.Poll(1500));
        Assert.Equal(2, b.Poll(1600));
        Assert.Equal(-1, b.Poll(5000));
    }
}
