using EdgeMicro.Core.Inference;
using EdgeMicro.Fleet.Balancing;
using EdgeMicro.Data;
using Xunit.Abstractions;

namespace EdgeMicro.Stats.Tests;

public sealed class LabelShiftTests(ITestOutputHelper output)
{
    /// <summary>The chosen deployment prior: strongly skewed (training is about uniform).</summary>
    private static readonly double[] Prior = [0.25, 0.02, 0.15, 0.02, 0.1, 0.02, 0.2, 0.02, 0.12, 0.1];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Bbse_WhenTestSplitResampledToAKnownPrior_EstimatesItWithin3PointsAndBeatsNaiveCounting(int seed)
    {
        // C from the labelled test split (the hold-out); deployment: 2,000 samples resampled from it at the prior.
        var random = new Random(seed);
        int[] all = Enumerable.Range(0, DigitsModel.TestRaw.Length).ToArray();
        var (bbse, naive, e) = Run(random, all, all, []);

        Assert.True(bbse.Max() <= 0.03, "per-class error " + bbse.Max());
        Assert.True(bbse.Average() < naive.Average(), $"BBSE {bbse.Average():F4} vs naive {naive.Average():F4}");
        Assert.True(e.Shifted);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Bbse_WhenHoldoutIsDisjointFromTheDeploymentPool_StaysWithin3Points(int seed)
    {
        // Harder: C from calibration split + half the test split, deployment from the other half. With this ~97 %
        // accurate model naive counting is nearly unbiased, so only the error bound is asserted (both are reported).
        var random = new Random(seed);
        int[] order = Enumerable.Range(0, DigitsModel.TestRaw.Length).ToArray();
        random.Shuffle(order);
        LabeledDataset calib = CsvDatasetReader.Read(DigitsModel.Data("digits_calib.csv"), "label", null, 10);
        var (bbse, _, _) = Run(random, order.Take(order.Length / 2).ToArray(), order.Skip(order.Length / 2).ToArray(), calib.Features.Select((f, i) => (RawSamples.ToFixed(f, DigitsModel.Blob.Model.InputFractionBits), calib.Labels[i])).ToArray());

        Assert.True(bbse.Max() <= 0.03, "per-class error " + bbse.Max());
    }

    private (double[] Bbse, double[] Naive, LabelShiftEstimate Estimate) Run(Random random, int[] holdIdx, int[] poolIdx, (int[] Raw, int Label)[] extraHoldout)
    {
        Classifier classifier = DigitsModel.NewClassifier();
        int[][] raw = DigitsModel.TestRaw;
        int[] labels = DigitsModel.TestLabels;
        var holdRaw = holdIdx.Select(i => raw[i]).Concat(extraHoldout.Select(x => x.Raw)).ToArray();
        var holdLabels = holdIdx.Select(i => labels[i]).Concat(extraHoldout.Select(x => x.Label)).ToArray();
        int[] stream = Streams.Draw(poolIdx.Select(i => labels[i]).ToArray(), Prior, 2000, random).Select(i => poolIdx[i]).ToArray();
        var predicted = new int[10];
        foreach (int i in stream)
        {
            classifier.Classify(raw[i]);
            predicted[classifier.PredictedClass]++;
        }

        double[] truth = Enumerable.Range(0, 10).Select(c => stream.Count(i => labels[i] == c) / 2000.0).ToArray();
        LabelShiftEstimate e = LabelShift.Estimate(LabelShift.HoldoutCounts(classifier, holdRaw, holdLabels), predicted);
        double[] bbse = truth.Zip(e.Bbse, (t, q) => Math.Abs(t - q)).ToArray();
        double[] naive = truth.Zip(e.Naive, (t, q) => Math.Abs(t - q)).ToArray();
        output.WriteLine($"BBSE MAE {bbse.Average():F4} (max {bbse.Max():F4}), naive MAE {naive.Average():F4} (max {naive.Max():F4}), cond(C) {e.ConditionNumber:F2}, chi2 {e.ChiSquare:F1} df {e.DegreesOfFreedom} p {e.PValue:G3}");
        return (bbse, naive, e);
    }

    [Fact]
    public void ShiftTest_WhenDeploymentFollowsTheHoldoutDistribution_RejectsAboutOnePercent()
    {
        // Calibration of the chi-square test: same-distribution draws must be flagged at about the nominal 1 % rate.
        var random = new Random(9);
        double[] p = [0.3, 0.2, 0.2, 0.1, 0.1, 0.1];
        int[] Draw(int n)
        {
            var counts = new int[6];
            for (int i = 0; i < n; i++)
            {
                double u = random.NextDouble(), acc = 0;
                int c = 0;
                for (; c < 5 && u >= (acc += p[c]); c++)
                {
                }

                counts[c]++;
            }

            return counts;
        }

        int flagged = 0, trials = 2000;
        for (int t = 0; t < trials; t++)
        {
            int[] h = Draw(400);
            int[][] holdout = Enumerable.Range(0, 6).Select(i => Enumerable.Range(0, 6).Select(j => i == j ? h[i] : 0).ToArray()).ToArray();
            flagged += LabelShift.Estimate(holdout, Draw(500)).Shifted ? 1 : 0;
        }

        output.WriteLine($"false alarm rate {flagged / (double)trials:P2}");
        Assert.InRange(flagged / (double)trials, 0.002, 0.025);
    }

    [Fact]
    public void ConditionNumber_WhenDiagonal_IsTheRatioOfExtremes()
    {
        Assert.Equal(4.0, StatMath.ConditionNumber([[2, 0, 0], [0, 0.5, 0], [0, 0, 1]]), 9);
        Assert.Equal(1.0, StatMath.ConditionNumber([[0, 1], [1, 0]]), 9);
    }

    [Fact]
    public void ChiSquare_WhenComparedWithKnownQuantiles_Matches()
    {
        Assert.Equal(6.634897, StatMath.ChiSquareQuantile(0.99, 1), 4);
        Assert.Equal(30.577914, StatMath.ChiSquareQuantile(0.99, 15), 4);
        Assert.Equal(0.05, StatMath.ChiSquarePValue(16.918978, 9), 5);
    }
}
