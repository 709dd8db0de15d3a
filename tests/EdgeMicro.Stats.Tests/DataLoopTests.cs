using EdgeMicro.Core.Stats;
using EdgeMicro.Fleet.Balancing;
using Xunit.Abstractions;

namespace EdgeMicro.Stats.Tests;

/// <summary>A small seeded version of `edgemicro bench data-loop` (the full protocol is the command) and properties of the selection.</summary>
public sealed class DataLoopTests(ITestOutputHelper output)
{
    [Fact]
    public void DataLoop_WhenSatelliteModelUnder95PercentAccurate_ChosenPriorBeatsCountingAndThePlanHalvesTheImbalance()
    {
        DevkitModels.Converted m = DevkitModels.Get("Satellite");

        DataLoopResult r = DataLoopBenchmark.Run("Satellite", m.Blob, m.TestPath, new DataLoopProtocol(Seeds: 3, StreamLengths: [2000], Replicates: 40));

        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(r));
        Assert.True(r.Accuracy < 0.95);
        Assert.True(r.MaeChosen <= 0.8 * r.MaeNaive, $"chosen {r.MaeChosen:F4} vs naive {r.MaeNaive:F4}");
        Assert.True(r.PlanImbalance <= 0.5 * r.ProportionalImbalance, $"plan {r.PlanImbalance:F2} vs proportional {r.ProportionalImbalance:F2}");
        Assert.Equal(1.0, r.PlannedShare, 9);
    }

    [Fact]
    public void DataLoop_WhenDigitsModelOver95PercentAccurate_ChosenPriorIsNoWorseThanCounting()
    {
        DevkitModels.Converted m = DevkitModels.Get("Digits");

        DataLoopResult r = DataLoopBenchmark.Run("Digits", m.Blob, m.TestPath, new DataLoopProtocol(Seeds: 3, StreamLengths: [2000], Replicates: 40, FirstSeed: 50));

        output.WriteLine(System.Text.Json.JsonSerializer.Serialize(r));
        Assert.True(r.Accuracy >= 0.95);
        Assert.True(r.MaeChosen <= r.MaeNaive, $"chosen {r.MaeChosen:F4} vs naive {r.MaeNaive:F4}");
        Assert.True(r.ReportBytes > 0 && r.MaxReportBytes >= r.ReportBytes);
    }

    [Fact]
    public void TrueClassSelection_WhenRandomCandidates_FillsMinOfBudgetAndCandidatesWithoutRepeats()
    {
        var random = new Random(11);
        for (int trial = 0; trial < 200; trial++)
        {
            int k = random.Next(2, 8), n = random.Next(0, 120), budget = random.Next(0, 150);
            int[] cells = Enumerable.Range(0, random.Next(1, 300)).Select(_ => random.Next(k * StatsCounters.ScoreBins)).ToArray();
            var holdout = new HoldoutScores(k, cells, cells.Select(c => random.Next(4) == 0 ? random.Next(k) : c / StatsCounters.ScoreBins).ToArray());
            var candidates = Enumerable.Range(0, n).Select(_ => new Candidate(random.Next(k * StatsCounters.ScoreBins), random.Next(32768))).ToList();
            double[] prior = Enumerable.Range(0, k).Select(_ => random.NextDouble() + 0.01).ToArray();
            prior = prior.Select(p => p / prior.Sum()).ToArray();

            Selection s = TrueClassSelection.Select(candidates, new CellCalibration(holdout), prior, Enumerable.Range(0, k).Select(_ => random.Next(50)).ToArray(), Quotas.Target(QuotaTarget.Uniform, prior, 0), budget);

            Assert.Equal(Math.Min(budget, n), s.Picks.Count);
            Assert.Equal(s.Picks.Count, s.Picks.Distinct().Count());
            Assert.Equal(s.Picks.Count, s.Expected.Sum(), 6);
        }
    }

    [Fact]
    public void Em_WhenDeviceCountsFollowTheHoldoutItself_ReturnsTheHoldoutPrior()
    {
        // No shift: the device saw exactly the hold-out's cells, so the maximum-likelihood prior is (close to) the hold-out's.
        DevkitModels.Converted m = DevkitModels.Get("Satellite");
        var classifier = new EdgeMicro.Core.Inference.Classifier(m.Blob.Model);
        var test = EdgeMicro.Data.CsvDatasetReader.Read(m.TestPath, "label", m.Blob.Model.ClassNames, m.Blob.Model.ClassCount);
        HoldoutScores h = HoldoutScores.Measure(classifier, test.Features.Select(f => EdgeMicro.Data.RawSamples.ToFixed(f, m.Blob.Model.InputFractionBits)).ToArray(), test.Labels);
        int[] cells = new int[h.CellCount];
        foreach (int c in h.Cells)
        {
            cells[c]++;
        }

        double[] em = new CellCalibration(h).Em(cells);
        double[] truth = Enumerable.Range(0, h.ClassCount).Select(y => h.Labels.Count(l => l == y) / (double)h.Count).ToArray();
        Assert.All(Enumerable.Range(0, h.ClassCount), y => Assert.InRange(em[y], truth[y] - 0.005, truth[y] + 0.005));
    }
}
