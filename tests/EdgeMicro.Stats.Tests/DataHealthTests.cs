using EdgeMicro.Fleet.Balancing;
using Xunit.Abstractions;

namespace EdgeMicro.Stats.Tests;

/// <summary>Data health separates causes: label shift, repeated readings, one drifting or saturating device, a stuck channel.</summary>
public sealed class DataHealthTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Features_UnderPureLabelShiftOnFourDevices_FlagsNoFeature(int seed)
    {
        using var fleet = new HealthFleet();
        var random = new Random(seed);
        for (int d = 0; d < 4; d++)
        {
            fleet.Device("dev" + d, HealthFleet.Dirichlet(10, 0.5, random), 5, 500, (seed * 10) + d);
        }

        BalancePlan plan = fleet.Plan();
        Report(plan);
        foreach (var (id, counts) in fleet.TrueCounts)
        {
            output.WriteLine($"{id} true [{string.Join(' ', counts.Select(v => (v / (double)counts.Sum()).ToString("F3")))}] em [{string.Join(' ', plan.Health!.Devices.Single(x => x.DeviceId == id).Prior.Select(v => v.ToString("F3")))}]");
        }

        Assert.Equal(0, plan.Features.Count(f => f.Drift));
        Assert.All(plan.Health!.Devices, d => Assert.Equal("ok", d.Status));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Features_UnderLabelShiftFromTheTestSplit_Measured(int seed)
    {
        using var fleet = new HealthFleet(exchangeable: false);
        var random = new Random(seed);
        for (int d = 0; d < 4; d++)
        {
            fleet.Device("dev" + d, HealthFleet.Dirichlet(10, 0.5, random), 5, 500, (seed * 10) + d);
        }

        BalancePlan plan = fleet.Plan();
        Report(plan);
        Assert.True(plan.Features.Count(f => f.Drift) <= 1);
    }

    [Fact]
    public void Features_WhenOneDeviceRepeatsAFewReadings_FlagsNoFeature()
    {
        using var fleet = new HealthFleet();
        double[] uniform = Enumerable.Repeat(0.1, 10).ToArray();
        fleet.Device("dev0", uniform, 6, 500, 7, distinct: 40);
        BalancePlan plan = fleet.Plan();
        Report(plan);
        Assert.Equal(0, plan.Features.Count(f => f.Drift));

        // The cause is named instead: about 1 in 40 pairs of readings are the same reading.
        Assert.InRange(plan.Health!.RepeatRate, 0.01, 0.06);
    }

    [Theory]
    [InlineData("offset")]
    [InlineData("gain")]
    public void Devices_WhenOneOfFourDevicesDrifts_NameThatDeviceAndTheTrendShowsWhen(string kind)
    {
        using var fleet = new HealthFleet();
        var random = new Random(5);
        int one = HealthFleet.One();
        int[] drifted = [27, 28, 35, 36];
        Action<int[]> alter = kind == "offset" ? x => Array.ForEach(drifted, f => x[f] += 8 * one) : x => Array.ForEach(drifted, f => x[f] *= 2);
        for (int d = 0; d < 4; d++)
        {
            fleet.Device("dev" + d, HealthFleet.Dirichlet(10, 0.5, random), 6, 500, 50 + d, d == 2 ? alter : null, from: 2);
        }

        BalancePlan plan = fleet.Plan();
        Report(plan);
        DeviceHealth worst = plan.Health!.Devices[0];
        Assert.Equal("dev2", worst.DeviceId);
        Assert.Contains(kind == "offset" ? "drift" : "saturated", worst.Status, StringComparison.Ordinal);
        Assert.All(worst.Drifting.Concat(worst.Saturated), f => Assert.Contains(f, drifted.Select(x => "pixel" + x)));
        Assert.All(plan.Health.Devices.Skip(1), d => Assert.Equal("ok", d.Status));

        // The trend (offset: the histogram moves; gain pushes the pixels past the int8 limits instead): dev2's own
        // ratio per window rises from the window the change began.
        if (kind == "gain")
        {
            return;
        }

        double before = plan.Health.Windows.Take(2).Max(w => w.DeviceRatios["dev2"]), after = plan.Health.Windows.Skip(2).Min(w => w.DeviceRatios["dev2"]);
        Assert.True(after > 2 * before, $"dev2 ratio before {before:F2}, after {after:F2}");
    }

    [Fact]
    public void Devices_WhenOneDeviceHasAStuckAndASaturatedChannel_NameThemOnThatDevice()
    {
        using var fleet = new HealthFleet();
        var random = new Random(6);
        int one = HealthFleet.One();
        for (int d = 0; d < 4; d++)
        {
            fleet.Device("dev" + d, HealthFleet.Dirichlet(10, 0.5, random), 4, 500, 60 + d, d == 1 ? x => { x[36] = 8 * one; x[20] += 20 * one; } : null);
        }

        BalancePlan plan = fleet.Plan();
        Report(plan);
        DeviceHealth dev1 = plan.Health!.Devices.Single(d => d.DeviceId == "dev1");
        Assert.Equal(["pixel36"], dev1.Stuck);
        Assert.Contains("pixel20", dev1.Saturated);
        Assert.Equal("dev1", plan.Health.Devices[0].DeviceId);
        Assert.All(plan.Health.Devices.Where(d => d.DeviceId != "dev1"), d => Assert.Equal("ok", d.Status));
    }

    [Fact]
    public void LabelIssues_WhenEveryFourthLabelIsFlipped_ListsTheBufferedFlippedLabelsFirst()
    {
        using var fleet = new HealthFleet();
        var random = new Random(8);
        for (int d = 0; d < 4; d++)
        {
            fleet.Device("dev" + d, HealthFleet.Dirichlet(10, 0.5, random), 5, 500, 80 + d, flipEvery: 4);
        }

        BalancePlan plan = fleet.Plan();
        var visible = new HashSet<(string, uint)>();
        using (var store = new EdgeMicro.Fleet.Stats.StatsStore(fleet.StorePath))
        {
            foreach (var r in store.Reports())
            {
                foreach (var s in (r.Report.Samples ?? []).Where(s => s.Label >= 0))
                {
                    visible.Add((r.Report.DeviceId, s.Sequence));
                }
            }
        }

        var flippedVisible = visible.Where(fleet.Flipped.Contains).ToHashSet();
        var listed = plan.LabelIssues.Select(i => (i.DeviceId, i.Sequence)).ToList();
        int found = listed.Count(flippedVisible.Contains), top = listed.Take(flippedVisible.Count).Count(flippedVisible.Contains);
        output.WriteLine($"labelled {fleet.Labelled.Count}, flipped {fleet.Flipped.Count}; buffered with a label {visible.Count}, of them flipped {flippedVisible.Count}; listed {listed.Count}, flipped among them {found}, in the top {flippedVisible.Count}: {top}");
        foreach (LabelIssue i in plan.LabelIssues.Take(5))
        {
            output.WriteLine($"  #{i.Rank} {i.DeviceId}/{i.Sequence} score {i.Score:F2}: {i.Evidence}");
        }

        Assert.True(flippedVisible.Count >= 4, "too few flipped labels buffered for the test");
        Assert.True(found >= 0.9 * flippedVisible.Count, $"recall {found} of {flippedVisible.Count}");
        Assert.True(top >= 0.9 * flippedVisible.Count, $"precision at {flippedVisible.Count}: {top}");
    }

    private void Report(BalancePlan plan)
    {
        output.WriteLine($"flagged {plan.Features.Count(f => f.Drift)} of {plan.Features.Count}; prior {plan.Priors?.Chosen.Method} [{string.Join(' ', plan.Priors!.Chosen.Prior.Select(v => v.ToString("F3")))}]; repeat rate {plan.Health?.RepeatRate:G3} over {plan.Health?.RepeatPairs} pairs; m_eff {plan.Features[0].EffectiveSamples:F0}, n_eff {plan.Features[0].EffectiveTraining:F0}");
        foreach (DeviceHealth d in plan.Health?.Devices ?? [])
        {
            output.WriteLine($"  {d.DeviceId}: {d.Status}; drifting [{string.Join(' ', d.Drifting)}] saturated [{string.Join(' ', d.Saturated)}] stuck [{string.Join(' ', d.Stuck)}]; max ratio {d.MaxPsiRatio:F2} ({d.WorstFeature}); c {d.RepeatRate:G3}; out of range [{string.Join(" ", d.OutOfRange)}]; m {d.FeatureSamples}; {string.Join("; ", d.Evidence)}");
        }

        foreach (WindowHealth w in plan.Health?.Windows ?? [])
        {
            output.WriteLine($"  window {w.Window}: drifting {w.Drifting}, max ratio {w.MaxPsiRatio:F2}, saturated {w.Saturated}, stuck {w.Stuck}; {string.Join(' ', w.DeviceRatios.Select(x => $"{x.Key} {x.Value:F2}"))}");
        }

        foreach (FeatureHealth f in plan.Features.Where(f => f.Drift).OrderByDescending(f => f.Psi / f.Threshold).Take(5))
        {
            output.WriteLine($"  {f.Name}: PSI {f.Psi:F4} threshold {f.Threshold:F4}");
        }
    }
}
