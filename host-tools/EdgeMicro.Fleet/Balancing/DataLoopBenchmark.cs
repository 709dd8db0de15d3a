using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Stats;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Stats;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>Protocol settings of <see cref="DataLoopBenchmark"/>.</summary>
/// <param name="Seeds">Seeds (hold-out/pool split and stream).</param>
/// <param name="StreamLengths">Deployment stream lengths M.</param>
/// <param name="Alpha">Dirichlet concentration of the deployment class prior.</param>
/// <param name="Budget">Labels per round.</param>
/// <param name="Window">Inferences per pulled report.</param>
/// <param name="Replicates">Bootstrap replicates.</param>
/// <param name="FirstSeed">First seed (seeds FirstSeed .. FirstSeed + Seeds - 1), to check figures on other seeds.</param>
public sealed record DataLoopProtocol(int Seeds = 10, int[]? StreamLengths = null, double Alpha = 0.5, int Budget = 100, int Window = 50, int Replicates = 100, int FirstSeed = 0)
{
    /// <summary>Gets M values (default 500, 2,000, 10,000).</summary>
    public int[] Lengths => StreamLengths ?? [500, 2000, 10_000];
}

/// <summary>Benchmark figures of one dataset (means over seeds and stream lengths).</summary>
/// <param name="Name">Model / dataset name.</param>
/// <param name="Accuracy">Model accuracy on the whole test split.</param>
/// <param name="Runs">Runs (seeds x lengths).</param>
/// <param name="HoldoutSize">Hold-out samples per run.</param>
/// <param name="MaeNaive">Prior MAE of classify-and-count.</param>
/// <param name="MaeBbse">Prior MAE of regularised BBSE.</param>
/// <param name="MaeEm">Prior MAE of EM on the device confidence histograms.</param>
/// <param name="MaeChosen">Prior MAE of the chosen estimate.</param>
/// <param name="ChosenCounts">How often each method was chosen.</param>
/// <param name="PlanImbalance">Geometric mean of (max + 1) / (min + 1) true-class counts of the planned batch.</param>
/// <param name="ProportionalImbalance">The same for proportional random sampling of the stream at equal budget.</param>
/// <param name="PlannedShare">Mean planned labels over the budget.</param>
/// <param name="InformativeShare">Share of planned samples misclassified or with margin below 0.25.</param>
/// <param name="ProportionalInformativeShare">The same share for proportional random sampling.</param>
/// <param name="ReportBytes">Mean size of a pulled report (counters and buffered samples), bytes.</param>
/// <param name="MaxReportBytes">Largest pulled report, bytes.</param>
/// <param name="CandidateInformativeShare">Share of the buffered candidates (after de-duplication) misclassified or with
/// margin below 0.25: what the device buffer offered the plan.</param>
/// <param name="MaeOracle">Prior MAE of EM with the cells calibrated on the deployment pool itself (not available in
/// practice): the bound of any estimator from these device cells, so the gap to it is the hold-out's size.</param>
public sealed record DataLoopResult(
    string Name, double Accuracy, int Runs, int HoldoutSize, double MaeNaive, double MaeBbse, double MaeEm, double MaeChosen, IReadOnlyDictionary<string, int> ChosenCounts,
    double PlanImbalance, double ProportionalImbalance, double PlannedShare, double InformativeShare, double ProportionalInformativeShare, double ReportBytes = 0, int MaxReportBytes = 0, double MaeOracle = 0, double CandidateInformativeShare = 0)
{
    /// <summary>Bytes sent per inference with one report every <paramref name="window"/> inferences.</summary>
    /// <param name="window">Inferences per report (device.json stats_every_samples; default 100).</param>
    /// <returns>Bytes per inference.</returns>
    public double BytesPerInference(int window) => ReportBytes / Math.Max(1, window);
}

/// <summary>
/// The data-loop benchmark (issue 11): per seed the test split is halved into a labelled hold-out and a deployment
/// pool; a stream of M pool samples with a Dirichlet(alpha) class prior runs through the firmware classifier into
/// <see cref="DeviceStatistics"/>, which is pulled every window as report bytes and read back; the host estimates the
/// prior (naive, BBSE, EM, chosen) from the merged counters and plans one labelling round (uniform target, no earlier
/// labels) from the buffered samples, compared with labelling a random sample of the stream of the same size.
/// </summary>
public static class DataLoopBenchmark
{
    /// <summary>Margin below which a sample counts as low-margin (Q15 0.25, the device's ambiguity margin).</summary>
    public const int LowMarginQ15 = 8192;

    /// <summary>Runs the protocol on one converted model and its test split.</summary>
    /// <param name="name">Name.</param>
    /// <param name="blob">Model blob.</param>
    /// <param name="testPath">Test CSV.</param>
    /// <param name="protocol">Protocol.</param>
    /// <returns>The figures.</returns>
    public static DataLoopResult Run(string name, ModelBlob blob, string testPath, DataLoopProtocol protocol)
    {
        ArgumentNullException.ThrowIfNull(blob);
        ArgumentNullException.ThrowIfNull(protocol);
        ModelDefinition model = blob.Model;
        int k = model.ClassCount;
        LabeledDataset test = CsvDatasetReader.Read(testPath, "label", model.ClassNames, k, expectedFeatures: model.FeatureCount);
        int[][] raw = test.Features.Select(f => RawSamples.ToFixed(f, model.InputFractionBits)).ToArray();
        var classifier = new Classifier(model);
        int[] predicted = raw.Select(x => { classifier.Classify(x); return classifier.PredictedClass; }).ToArray();
        double accuracy = predicted.Zip(test.Labels, (p, l) => p == l ? 1.0 : 0).Average();
        var mae = new List<double[]>();
        var chosen = new Dictionary<string, int> { ["naive"] = 0, ["bbse"] = 0, ["em"] = 0, ["blend"] = 0 };
        var planRatio = new List<double>();
        var propRatio = new List<double>();
        var planned = new List<double>();
        var informative = new List<double>();
        var propInformative = new List<double>();
        int holdoutSize = 0;
        var reportSizes = new List<int>();
        var oracle = new List<double>();
        var offered = new List<double>();
        for (int seed = protocol.FirstSeed; seed < protocol.FirstSeed + protocol.Seeds; seed++)
        {
            foreach (int m in protocol.Lengths)
            {
                var random = new Random((seed * 7919) + m);
                int[] order = Enumerable.Range(0, raw.Length).ToArray();
                random.Shuffle(order);
                int[] hold = order[..(order.Length / 2)], pool = order[(order.Length / 2)..];
                holdoutSize = hold.Length;
                HoldoutScores holdout = HoldoutScores.Measure(classifier, hold.Select(i => raw[i]).ToArray(), hold.Select(i => test.Labels[i]).ToArray());
                int[] stream = Draw(pool, test.Labels, Dirichlet(k, protocol.Alpha, random), m, random);
                var (counters, samples) = Replay(blob, classifier, raw, stream, protocol.Window, (uint)(seed + 1), reportSizes);
                long[]? sums = PriorEstimator.PosteriorSums(counters);
                double[] truth = Enumerable.Range(0, k).Select(c => stream.Count(i => test.Labels[i] == c) / (double)m).ToArray();
                PriorEstimates e = PriorEstimator.Estimate(holdout, counters.ConfidenceHistogram, protocol.Replicates, seed + 1, sums);
                mae.Add(new[] { e.Naive, e.Bbse, e.Em, e.Chosen }.Select(x => x.Prior.Zip(truth, (a, b) => Math.Abs(a - b)).Average()).ToArray());
                chosen[e.Chosen.Method]++;
                // The bound of any estimator working from these cells: EM calibrated on the deployment pool itself.
                HoldoutScores poolScores = HoldoutScores.Measure(classifier, pool.Select(i => raw[i]).ToArray(), pool.Select(i => test.Labels[i]).ToArray());
                oracle.Add(new CellCalibration(poolScores).Em(counters.ConfidenceHistogram).Zip(truth, (a, b) => Math.Abs(a - b)).Average());

                offered.Add(samples.Count(s => s.MarginQ15 < LowMarginQ15 || s.Predicted != test.Labels[stream[(int)s.Sequence]]) / (double)Math.Max(1, samples.Count));
                var candidates = samples.Select(s => new Candidate(HoldoutScores.Cell(s.Predicted, s.ConfidenceQ15), s.MarginQ15)).ToList();
                Selection plan = TrueClassSelection.Select(candidates, PriorEstimator.Calibration(holdout, counters.ConfidenceHistogram, sums), e.Chosen.Prior, new int[k], Enumerable.Repeat(1.0 / k, k).ToArray(), protocol.Budget);
                int[] picked = plan.Picks.Select(i => stream[(int)samples[i].Sequence]).ToArray();
                int[] random2 = Enumerable.Range(0, picked.Length).Select(_ => stream[random.Next(stream.Length)]).ToArray();
                planRatio.Add(Ratio(picked, test.Labels, k));
                propRatio.Add(Ratio(random2, test.Labels, k));
                planned.Add(picked.Length / (double)protocol.Budget);
                informative.Add(plan.Picks.Count(i => samples[i].MarginQ15 < LowMarginQ15 || samples[i].Predicted != test.Labels[stream[(int)samples[i].Sequence]]) / (double)Math.Max(1, picked.Length));
                propInformative.Add(random2.Count(i => { classifier.Classify(raw[i]); return classifier.MarginQ15 < LowMarginQ15 || classifier.PredictedClass != test.Labels[i]; }) / (double)Math.Max(1, random2.Length));
            }
        }

        double Mean(int j) => mae.Average(r => r[j]);
        double Geo(List<double> v) => Math.Exp(v.Average(Math.Log));
        return new DataLoopResult(name, accuracy, mae.Count, holdoutSize, Mean(0), Mean(1), Mean(2), Mean(3), chosen, Geo(planRatio), Geo(propRatio), planned.Average(), informative.Average(), propInformative.Average(),
            reportSizes.DefaultIfEmpty(0).Average(), reportSizes.DefaultIfEmpty(0).Max(), oracle.Average(), offered.Average());
    }

    /// <summary>Replays the stream through the device statistics, pulling a report every window, and reads the reports back.</summary>
    private static (StatsCounters Counters, List<BufferedSample> Samples) Replay(ModelBlob blob, Classifier classifier, int[][] raw, int[] stream, int window, uint seed, List<int> sizes)
    {
        var stats = new DeviceStatistics(blob, seed);
        var reports = new List<StatsReport>();
        for (int n = 0; n < stream.Length; n++)
        {
            classifier.Classify(raw[stream[n]]);
            stats.OnInference(raw[stream[n]], classifier, (uint)n, n * 1000L);
            if ((n + 1) % window == 0 || n == stream.Length - 1)
            {
                byte[] bytes = stats.Pull("bench");
                if ((n + 1) % window == 0)
                {
                    sizes.Add(bytes.Length);
                }

                reports.Add(StatsFormat.Read(bytes, 0, bytes.Length));
            }
        }

        StatsCounters merged = StatsSummary.Merge(DeviceSummary.AllDevices, reports).Counters;
        // One candidate per sample and per content: the same reading twice is labelled once.
        var samples = reports.SelectMany(r => r.Samples ?? []).GroupBy(s => s.Sequence).Select(g => g.First())
            .GroupBy(s => string.Join(',', s.Values)).Select(g => g.First()).ToList();
        return (merged, samples);
    }

    private static double Ratio(int[] indices, int[] labels, int k)
    {
        int[] counts = new int[k];
        foreach (int i in indices)
        {
            counts[labels[i]]++;
        }

        return (counts.Max() + 1.0) / (counts.Min() + 1.0);
    }

    private static int[] Draw(int[] pool, int[] labels, double[] prior, int count, Random random)
    {
        int k = prior.Length;
        int[][] byClass = Enumerable.Range(0, k).Select(c => pool.Where(i => labels[i] == c).ToArray()).ToArray();
        double[] p = prior.Select((v, c) => byClass[c].Length == 0 ? 0 : v).ToArray();
        double s = p.Sum();
        var result = new int[count];
        for (int n = 0; n < count; n++)
        {
            double u = random.NextDouble() * s, acc = 0;
            int c = 0;
            for (; c < k - 1 && (byClass[c].Length == 0 || u >= (acc += p[c])); c++)
            {
            }

            while (byClass[c].Length == 0)
            {
                c--;
            }

            result[n] = byClass[c][random.Next(byClass[c].Length)];
        }

        return result;
    }

    /// <summary>Dirichlet(alpha) draw via Gamma(alpha) variates (Marsaglia-Tsang with the alpha &lt; 1 boost).</summary>
    private static double[] Dirichlet(int k, double alpha, Random random)
    {
        double[] g = Enumerable.Range(0, k).Select(_ => Gamma(alpha, random)).ToArray();
        double s = g.Sum();
        return g.Select(v => v / s).ToArray();
    }

    private static double Gamma(double alpha, Random random)
    {
        if (alpha < 1)
        {
            return Gamma(alpha + 1, random) * Math.Pow(random.NextDouble(), 1 / alpha);
        }

        double d = alpha - (1.0 / 3), c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x, v;
            do
            {
                double u1 = 1 - random.NextDouble(), u2 = random.NextDouble();
                x = Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
                v = 1 + (c * x);
            }
            while (v <= 0);

            v = v * v * v;
            double u = random.NextDouble();
            if (Math.Log(u) < (0.5 * x * x) + d - (d * v) - (d * Math.Log(v)))
            {
                return d * v;
            }
        }
    }
}
