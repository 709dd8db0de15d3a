using EdgeMicro.Fleet.Balancing;

namespace EdgeMicro.Stats.Tests;

public sealed class QuotaTests
{
    [Fact]
    public void WaterFill_WhenRandomInputs_SumsExactlyToBudgetOrAllCandidates()
    {
        var random = new Random(2024);
        for (int trial = 0; trial < 2000; trial++)
        {
            int k = random.Next(2, 12);
            int[] current = Enumerable.Range(0, k).Select(_ => random.Next(0, 300)).ToArray();
            int[] available = Enumerable.Range(0, k).Select(_ => random.Next(0, 4) == 0 ? 0 : random.Next(0, 60)).ToArray();
            double[] prior = Enumerable.Range(0, k).Select(_ => random.NextDouble() < 0.2 ? 0 : random.NextDouble()).ToArray();
            var kind = (QuotaTarget)random.Next(3);
            double floor = random.Next(2) == 0 ? 0 : 0.02;
            int budget = random.Next(0, 400);

            double[] target = Quotas.Target(kind, prior, floor);
            int[] q = Quotas.WaterFill(current, target, available, budget);

            Assert.Equal(Math.Min(budget, available.Sum()), q.Sum());
            Assert.All(Enumerable.Range(0, k), c => Assert.InRange(q[c], 0, available[c]));
            Assert.Equal(1.0, target.Sum(), 9);
            int[] tiers = Quotas.Split(q[0], Quotas.DefaultTierShares);
            Assert.Equal(q[0], tiers.Sum());
        }
    }

    [Fact]
    public void WaterFill_WhenUniformTarget_RaisesTheSmallestClassesFirst()
    {
        int[] q = Quotas.WaterFill([100, 10, 40], Quotas.Target(QuotaTarget.Uniform, [0.3, 0.3, 0.4], 0), [50, 50, 50], 60);

        Assert.Equal([0, 45, 15], q);
    }

    [Fact]
    public void WaterFill_WhenARareClassRunsOutOfCandidates_GivesTheRestToOthers()
    {
        int[] q = Quotas.WaterFill([100, 0, 100], Quotas.Target(QuotaTarget.Uniform, [0.3, 0.3, 0.4], 0), [50, 3, 50], 20);

        Assert.Equal(3, q[1]);
        Assert.Equal(20, q.Sum());
    }

    [Fact]
    public void EffectiveWeights_WhenBetaIsZeroOrCountsEqual_AreAllOne()
    {
        Assert.All(EdgeMicro.Fleet.Balancing.BalancePlanner.EffectiveWeights([10, 20, 30], 0), w => Assert.Equal(1.0, w, 9));
        Assert.All(EdgeMicro.Fleet.Balancing.BalancePlanner.EffectiveWeights([7, 7, 7], 0.99), w => Assert.Equal(1.0, w, 9));
        double[] w = EdgeMicro.Fleet.Balancing.BalancePlanner.EffectiveWeights([1000, 10], 0.999);
        Assert.True(w[1] > w[0] * 10);
    }

    [Fact]
    public void HistogramQuantile_WhenUniform_IsLinear()
    {
        int[] h = Enumerable.Repeat(10, 16).ToArray();

        Assert.Equal(0.2, Quotas.HistogramQuantile(h, 0.2), 9);
        Assert.Equal(0.7, Quotas.HistogramQuantile(h, 0.7), 9);
    }
}
