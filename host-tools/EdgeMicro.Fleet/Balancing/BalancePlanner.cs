using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Stats;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Stats;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>
/// <c>edgemicro balance</c>: merges the stored device statistics of the model version in the model directory,
/// estimates the deployment class distribution (naive and BBSE), plans per-class labelling quotas by water-filling
/// with easy/medium/hard tiers, picks the buffered samples to label, computes class weights and data health, and
/// writes plan.json, plan.md, samples-to-label.csv and report.html.
/// </summary>
public static class BalancePlanner
{
    /// <summary>Effective-number betas reported (Cui et al. 2019).</summary>
    public static readonly double[] Betas = [0.9, 0.99, 0.999];

    /// <summary>Output file names.</summary>
    public static readonly string[] Files = ["plan.json", "plan.md", "samples-to-label.csv", "report.html"];

    /// <summary>Builds the plan and writes <see cref="Files"/> into the output directory.</summary>
    /// <param name="o">Options.</param>
    /// <returns>The plan.</returns>
    public static BalancePlan Run(BalanceOptions o)
    {
        OutputDirectory.Check(o.OutputDirectory, Files, o.Force);
        BalancePlan plan = Plan(o);
        using var output = new OutputDirectory(o.OutputDirectory, "edgemicro balance", Files, o.Force);
        output.WriteText(Files[0], PlanWriter.ToJson(plan));
        output.WriteText(Files[1], PlanWriter.ToMarkdown(plan));
        output.WriteText(Files[2], PlanWriter.ToCsv(plan));
        output.WriteText(Files[3], HtmlReport.Render(plan));
        output.Commit();
        return plan;
    }

    /// <summary>Builds the plan (no files written).</summary>
    /// <param name="o">Options.</param>
    /// <returns>The plan.</returns>
    public static BalancePlan Plan(BalanceOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        ArgumentOutOfRangeException.ThrowIfNegative(o.Budget);
        ModelBlob blob = ModelFile.Load(o.ModelDirectory).Blob;
        ModelDefinition model = blob.Model;
        int k = model.ClassCount, fb = model.InputFractionBits;
        string[] names = model.ClassNames ?? Enumerable.Range(0, k).Select(c => c.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        LabeledDataset train = CsvDatasetReader.Read(o.TrainPath, o.LabelColumn, names, k, expectedFeatures: model.FeatureCount);
        LabeledDataset holdout = CsvDatasetReader.Read(o.HoldoutPath, o.LabelColumn, names, k, expectedFeatures: model.FeatureCount);
        int[][] trainRaw = train.Features.Select(f => RawSamples.ToFixed(f, fb)).ToArray();
        var classifier = new Classifier(model);

        List<StatsReport> reports;
        using (var store = new StatsStore(o.StorePath))
        {
            reports = store.Reports().Select(r => r.Report).Where(r => r.ModelId == model.ModelId && r.ModelVersion == model.ModelVersion && r.ClassCount == k && r.FeatureCount == model.FeatureCount).ToList();
        }

        List<StatsReport> withCounters = reports.Where(r => r.Counters != null).ToList();
        if (withCounters.Count == 0)
        {
            throw new InputDataException($"{o.StorePath}: no statistics of model {model.ModelId} v{model.ModelVersion} (pull some with 'edgemicro stats pull')");
        }

        StatsCounters merged = StatsSummary.Merge(DeviceSummary.AllDevices, withCounters).Counters;
        LabelShiftEstimate shift = LabelShift.Estimate(LabelShift.HoldoutCounts(classifier, holdout.Features.Select(f => RawSamples.ToFixed(f, fb)).ToArray(), holdout.Labels), merged.Predicted);

        int[] trainCounts = Enumerable.Range(0, k).Select(c => train.Labels.Count(l => l == c)).ToArray();
        var candidates = reports.SelectMany(r => (r.Samples ?? []).Select(s => (Device: r.DeviceId, Report: r.ReportSequence, Sample: s)))
            .Where(x => x.Sample.Label < 0).GroupBy(x => (x.Device, x.Sample.Sequence)).Select(g => g.First()).ToList();
        int[] available = Enumerable.Range(0, k).Select(c => candidates.Count(x => x.Sample.Predicted == c)).ToArray();
        double[] target = Quotas.Target(o.Target, shift.Bbse, o.Floor);
        int[] quotas = Quotas.WaterFill(trainCounts, target, available, o.Budget);

        int[] marginAll = Enumerable.Range(0, StatsCounters.ScoreBins).Select(b => Enumerable.Range(0, k).Sum(c => merged.MarginHistogram[(c * StatsCounters.ScoreBins) + b])).ToArray();
        int[] confidenceAll = Enumerable.Range(0, StatsCounters.ScoreBins).Select(b => Enumerable.Range(0, k).Sum(c => merged.ConfidenceHistogram[(c * StatsCounters.ScoreBins) + b])).ToArray();
        double q20 = Quotas.HistogramQuantile(marginAll, 0.2), q70 = Quotas.HistogramQuantile(marginAll, 0.7);
        var picks = new List<PickedSample>();
        var classes = new List<ClassPlan>();
        for (int c = 0; c < k; c++)
        {
            int[] tiers = Quotas.Split(quotas[c], o.TierShares);
            var pool = candidates.Where(x => x.Sample.Predicted == c).ToList();
            string TierOf(BufferedSample s) => s.MarginQ15 / 32768.0 <= q20 ? "hard" : s.MarginQ15 / 32768.0 >= q70 ? "easy" : "medium";
            var chosen = new List<(string Device, uint Report, BufferedSample Sample)>();
            string[] tierNames = ["easy", "medium", "hard"];
            for (int t = 0; t < 3; t++)
            {
                var tierPool = pool.Where(x => TierOf(x.Sample) == tierNames[t]);
                var ordered = t == 0 ? tierPool.OrderBy(x => x.Sample.Kind == BufferedSample.KindRandom ? 0 : 1).ThenByDescending(x => x.Sample.MarginQ15) : tierPool.OrderBy(x => x.Sample.MarginQ15);
                chosen.AddRange(ordered.ThenBy(x => x.Device, StringComparer.Ordinal).ThenBy(x => x.Sample.Sequence).Take(tiers[t]));
            }

            chosen.AddRange(pool.Except(chosen).OrderBy(x => x.Sample.MarginQ15).ThenBy(x => x.Device, StringComparer.Ordinal).ThenBy(x => x.Sample.Sequence).Take(quotas[c] - chosen.Count));
            foreach (var x in chosen)
            {
                picks.Add(new PickedSample(0, x.Device, x.Sample.Sequence, x.Report, c, names[c], names[x.Sample.RunnerUp], x.Sample.MarginQ15 / 32768.0, x.Sample.ConfidenceQ15 / 32768.0, TierOf(x.Sample), x.Sample.Kind == BufferedSample.KindRandom ? "random" : "uncertain", x.Sample.Values.Select(v => v / Math.Pow(2, fb)).ToArray()));
            }

            int planned = trainCounts[c] + quotas[c];
            double total = trainCounts.Sum() + quotas.Sum();
            var effective = Betas.ToDictionary(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture), b => EffectiveWeights(trainCounts.Zip(quotas, (n, q) => n + q).ToArray(), b)[c]);
            classes.Add(new ClassPlan(
                c, names[c], trainCounts[c], trainCounts[c] / (double)Math.Max(1, trainCounts.Sum()), shift.HoldoutPrior[c], merged.Predicted[c], shift.Naive[c], shift.Bbse[c], target[c],
                merged.Predicted[c] == 0 ? 0 : merged.ConfidenceSum[c] / 32768.0 / merged.Predicted[c], available[c], quotas[c],
                chosen.Count(x => TierOf(x.Sample) == "easy"), chosen.Count(x => TierOf(x.Sample) == "medium"), chosen.Count(x => TierOf(x.Sample) == "hard"),
                planned == 0 ? 0 : total / (k * (double)planned), effective));
        }

        picks = picks.OrderBy(p => p.Margin).Select((p, i) => p with { Rank = i + 1 }).ToList();
        var health = DataHealth.Features(blob, merged, trainRaw, classifier, train.FeatureNames);
        var labelIssues = reports.SelectMany(r => (r.Samples ?? []).Select(s => (r.DeviceId, s)))
            .Where(x => x.s.Label >= 0 && x.s.Label != x.s.Predicted && merged.Predicted[x.s.Predicted] > 0 && x.s.ConfidenceQ15 * (long)merged.Predicted[x.s.Predicted] >= merged.ConfidenceSum[x.s.Predicted])
            .Select(x => new LabelIssue(x.DeviceId, x.s.Sequence, names[x.s.Label], names[x.s.Predicted], x.s.ConfidenceQ15 / 32768.0, merged.ConfidenceSum[x.s.Predicted] / 32768.0 / merged.Predicted[x.s.Predicted]))
            .ToList();
        return new BalancePlan(
            model.ModelId, model.ModelVersion, o.Budget, o.Target.ToString().ToLowerInvariant(), o.Floor, withCounters.Select(r => r.DeviceId).Distinct().Count(), withCounters.Count, merged.InferenceCount, merged.LabelCount,
            candidates.Count, quotas.Sum(), q20, q70, shift, Enumerable.Range(0, k).Average(c => Math.Abs(shift.Naive[c] - shift.Bbse[c])), classes,
            Imbalance(trainCounts.Select(v => (double)v)), Imbalance(shift.Bbse), Imbalance(trainCounts.Zip(quotas, (n, q) => (double)(n + q))),
            health, DataHealth.ConfusedPairs(LabelShift.HoldoutCounts(classifier, holdout.Features.Select(f => RawSamples.ToFixed(f, fb)).ToArray(), holdout.Labels), merged, names),
            labelIssues, merged.ConfidentDisagreement.Sum(), reports.Sum(r => r.DriftAlarms), picks, confidenceAll, marginAll, merged.Confusion, train.FeatureNames);
    }

    /// <summary>Class-balanced weights (1 - beta) / (1 - beta^n_c), normalised to sum K (zero counts get the largest weight).</summary>
    /// <param name="counts">Counts per class.</param>
    /// <param name="beta">Beta in [0, 1).</param>
    /// <returns>Weights.</returns>
    public static double[] EffectiveWeights(IReadOnlyList<int> counts, double beta)
    {
        ArgumentNullException.ThrowIfNull(counts);
        double[] w = counts.Select(n => n == 0 ? double.NaN : (1 - beta) / (1 - Math.Pow(beta, n))).ToArray();
        double max = w.Where(v => !double.IsNaN(v)).DefaultIfEmpty(1).Max();
        w = w.Select(v => double.IsNaN(v) ? max : v).ToArray();
        double s = w.Sum();
        return w.Select(v => v * counts.Count / s).ToArray();
    }

    /// <summary>Largest over smallest positive value (infinity when a class is empty).</summary>
    /// <param name="values">Counts or shares.</param>
    /// <returns>The imbalance ratio.</returns>
    public static double Imbalance(IEnumerable<double> values)
    {
        double[] v = values.ToArray();
        double min = v.Min(), max = v.Max();
        return min <= 0 ? double.PositiveInfinity : max / min;
    }
}
