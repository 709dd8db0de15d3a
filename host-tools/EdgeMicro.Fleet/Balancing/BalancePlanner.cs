using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Stats;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Labels;
using EdgeMicro.Fleet.Stats;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>
/// <c>edgemicro balance</c>: merges the stored device statistics of the model version in the model directory,
/// estimates the deployment class distribution (naive, BBSE, EM on the confidence histograms; <see cref="PriorEstimator"/>
/// chooses one), picks the buffered samples to label by estimated true class (<see cref="TrueClassSelection"/>: the
/// whole budget, no duplicates, shortfall per class), reports easy/medium/hard tiers, computes class weights and data health, and
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

        // Read with SQL: the model version's aggregated windows and its reports' samples, not every report.
        var query = new StatsQuery { ModelId = model.ModelId, ModelVersion = model.ModelVersion, ClassCount = k, FeatureCount = model.FeatureCount, Devices = o.Devices, Since = o.Since };
        IReadOnlyList<WindowAggregate> windows;
        IReadOnlyList<StoredSample> samples;
        long driftAlarms;
        IReadOnlyList<StatsReport> reports;
        using (IStatsStore store = StoreLocation.Parse(o.StorePath).Open())
        {
            windows = [.. store.Windows(query)];
            samples = store.Samples(query);
            driftAlarms = store.DriftAlarms(query);
            reports = [.. store.Reports(query).Select(r => r.Report)]; // the data-health trend needs each report
        }

        ClassOntology? ontology = o.OntologyPath == null ? null : ClassOntology.Load(o.OntologyPath, names);

        if (windows.Count == 0)
        {
            throw new InputDataException($"{StoreLocation.Parse(o.StorePath).Display}: no statistics of model {model.ModelId} v{model.ModelVersion} (pull some with 'edgemicro stats pull')");
        }

        DeviceSummary all = StatsSummary.Build(windows).Single(s => s.DeviceId == DeviceSummary.AllDevices);
        StatsCounters merged = all.Counters;
        int[][] holdoutRaw = holdout.Features.Select(f => RawSamples.ToFixed(f, fb)).ToArray();
        LabelShiftEstimate shift = LabelShift.Estimate(LabelShift.HoldoutCounts(classifier, holdoutRaw, holdout.Labels), merged.Predicted);
        HoldoutScores scores = HoldoutScores.Measure(classifier, holdoutRaw, holdout.Labels);
        long[]? posteriorSums = PriorEstimator.PosteriorSums(merged);
        PriorEstimates priors = PriorEstimator.Estimate(scores, merged.ConfidenceHistogram, posteriorSums: posteriorSums);
        CellCalibration calibration = PriorEstimator.Calibration(scores, merged.ConfidenceHistogram, posteriorSums);

        int[] trainCounts = Enumerable.Range(0, k).Select(c => train.Labels.Count(l => l == c)).ToArray();

        // One candidate per (device, sequence) and per content: a reading seen twice is labelled once.
        var candidates = samples.Select(x => (Device: x.DeviceId, Report: x.ReportSequence, x.Sample, From: (x.Boot, Received: x.ReceivedUtc)))
            .Where(x => x.Sample.Label < 0).GroupBy(x => (x.Device, x.Sample.Sequence)).Select(g => g.First())
            .GroupBy(x => string.Join(',', x.Sample.Values)).Select(g => g.First())
            .OrderBy(x => x.Device, StringComparer.Ordinal).ThenBy(x => x.Sample.Sequence).ToList();
        int[] available = Enumerable.Range(0, k).Select(c => candidates.Count(x => x.Sample.Predicted == c)).ToArray();
        double[] target = Quotas.Target(o.Target, priors.Chosen.Prior, o.Floor);
        Selection selection = TrueClassSelection.Select(
            candidates.Select(x => new Candidate(HoldoutScores.Cell(x.Sample.Predicted, x.Sample.ConfidenceQ15), x.Sample.MarginQ15)).ToList(), calibration, priors.Chosen.Prior, trainCounts, target, o.Budget);

        int[] marginAll = Enumerable.Range(0, StatsCounters.ScoreBins).Select(b => Enumerable.Range(0, k).Sum(c => merged.MarginHistogram[(c * StatsCounters.ScoreBins) + b])).ToArray();
        int[] confidenceAll = Enumerable.Range(0, StatsCounters.ScoreBins).Select(b => Enumerable.Range(0, k).Sum(c => merged.ConfidenceHistogram[(c * StatsCounters.ScoreBins) + b])).ToArray();
        double q20 = Quotas.HistogramQuantile(marginAll, 0.2), q70 = Quotas.HistogramQuantile(marginAll, 0.7);
        string TierOf(BufferedSample s) => s.MarginQ15 / 32768.0 <= q20 ? "hard" : s.MarginQ15 / 32768.0 >= q70 ? "easy" : "medium";
        var picks = new List<PickedSample>();
        var planFor = new int[selection.Picks.Count];
        var post = new double[k];
        for (int i = 0; i < selection.Picks.Count; i++)
        {
            var x = candidates[selection.Picks[i]];
            calibration.Adjusted(HoldoutScores.Cell(x.Sample.Predicted, x.Sample.ConfidenceQ15), priors.Chosen.Prior, post);
            planFor[i] = selection.PlannedFor[i] >= 0 ? selection.PlannedFor[i] : Array.IndexOf(post, post.Max());
            picks.Add(new PickedSample(0, x.Device, x.Sample.Sequence, x.Report, x.Sample.Predicted, names[x.Sample.Predicted], names[x.Sample.RunnerUp], x.Sample.MarginQ15 / 32768.0, x.Sample.ConfidenceQ15 / 32768.0, TierOf(x.Sample), x.Sample.Kind == BufferedSample.KindRandom ? "random" : "uncertain", x.Sample.Values.Select(v => v / Math.Pow(2, fb)).ToArray(), names[planFor[i]], post[planFor[i]], x.From.Boot, x.Sample.TimestampMs, x.From.Received));
        }

        int[] quotas = Enumerable.Range(0, k).Select(c => planFor.Count(p => p == c)).ToArray();
        var classes = new List<ClassPlan>();
        for (int c = 0; c < k; c++)
        {
            var mine = picks.Where((p, i) => planFor[i] == c).ToList();
            int planned = trainCounts[c] + quotas[c];
            double total = trainCounts.Sum() + quotas.Sum();
            var effective = Betas.ToDictionary(b => b.ToString(System.Globalization.CultureInfo.InvariantCulture), b => EffectiveWeights(trainCounts.Zip(quotas, (n, q) => n + q).ToArray(), b)[c]);
            classes.Add(new ClassPlan(
                c, names[c], trainCounts[c], trainCounts[c] / (double)Math.Max(1, trainCounts.Sum()), shift.HoldoutPrior[c], merged.Predicted[c], shift.Naive[c], shift.Bbse[c], target[c],
                merged.Predicted[c] == 0 ? 0 : merged.ConfidenceSum[c] / 32768.0 / merged.Predicted[c], available[c], quotas[c],
                mine.Count(p => p.Tier == "easy"), mine.Count(p => p.Tier == "medium"), mine.Count(p => p.Tier == "hard"),
                planned == 0 ? 0 : total / (k * (double)planned), effective,
                priors.Em.Prior[c], priors.Chosen.Prior[c], priors.Chosen.Low[c], priors.Chosen.High[c], selection.Expected[c], selection.Wanted[c], selection.Short[c]));
        }

        picks = picks.OrderBy(p => p.Margin).Select((p, i) => p with { Rank = i + 1 }).ToList();
        var (health, healthReport) = FleetHealth.Build(new FeatureReference(blob, trainRaw, train.Labels, classifier), calibration, priors.Chosen, reports, fb, train.FeatureNames);
        var labelIssues = LabelIssues.Rank(reports, calibration, priors.Chosen.Prior, trainRaw, train.Labels, names, merged);
        return new BalancePlan(
            model.ModelId, model.ModelVersion, o.Budget, o.Target.ToString().ToLowerInvariant(), o.Floor, windows.Select(w => w.DeviceId).Distinct().Count(), all.Reports, merged.InferenceCount, merged.LabelCount,
            candidates.Count, quotas.Sum(), q20, q70, shift, Enumerable.Range(0, k).Average(c => Math.Abs(shift.Naive[c] - priors.Chosen.Prior[c])), classes,
            Imbalance(trainCounts.Select(v => (double)v)), Imbalance(priors.Chosen.Prior), Imbalance(trainCounts.Zip(quotas, (n, q) => (double)(n + q))),
            health, DataHealth.ConfusedPairs(LabelShift.HoldoutCounts(classifier, holdoutRaw, holdout.Labels), merged, names),
            labelIssues, merged.ConfidentDisagreement.Sum(), (int)driftAlarms, picks, confidenceAll, marginAll, merged.Confusion, train.FeatureNames, priors,
            TrainingHeader(o.TrainPath), o.LabelColumn, FineLabelReport.Build(o.TrainPath, ontology, names, trainCounts), healthReport);
    }

    /// <summary>The boot of every stored report: per device, in arrival order, the count of window-numbering restarts before it.</summary>
    /// <param name="stored">Reports in arrival order.</param>
    /// <returns>Boot and receive time per report.</returns>
    public static Dictionary<StatsReport, (int Boot, string Received)> Boots(IReadOnlyList<StoredReport> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        var result = new Dictionary<StatsReport, (int, string)>(ReferenceEqualityComparer.Instance);
        var last = new Dictionary<string, (uint Sequence, int Boot)>(StringComparer.Ordinal);
        foreach (StoredReport r in stored)
        {
            int boot = last.TryGetValue(r.Report.DeviceId, out var prev) ? (r.Report.ReportSequence <= prev.Sequence ? prev.Boot + 1 : prev.Boot) : 0;
            last[r.Report.DeviceId] = (r.Report.ReportSequence, boot);
            result[r.Report] = (boot, r.ReceivedUtc);
        }

        return result;
    }

    private static string[] TrainingHeader(string path) =>
        LabelFiles.Split(File.ReadLines(path).First(l => l.Trim().Length > 0).TrimStart('\uFEFF'));

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
