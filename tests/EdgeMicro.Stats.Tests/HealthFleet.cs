using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Stats;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Balancing;
using EdgeMicro.Fleet.Stats;

namespace EdgeMicro.Stats.Tests;

/// <summary>
/// Virtual digits devices for the data-health tests, through the real statistics path: each device replays a stream
/// drawn from a pool disjoint from the labelled hold-out and the training reference, optionally altered from some
/// window on (sensor offset, gain, stuck channel), into its own <see cref="DeviceStatistics"/> (default feature
/// stride), labels every 9th sample (some labels flipped), pulls one report per window into a real SQLite
/// <see cref="StatsStore"/>, and `balance` plans from that store.
/// </summary>
public sealed class HealthFleet : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgemicro-health-").FullName;
    private readonly int[][] _raw;
    private readonly int[] _labels;
    private readonly int[] _pool;

    /// <summary>Initializes a new instance of the <see cref="HealthFleet"/> class.</summary>
    /// <param name="exchangeable">True: training reference, hold-out and device pool are disjoint quarters of the
    /// training split (one distribution: any difference is label shift or noise); false: the reference is the whole
    /// training split, hold-out and pool are the even and odd rows of the test split (other writers).</param>
    public HealthFleet(bool exchangeable = true)
    {
        string source = DigitsModel.Data(exchangeable ? "digits_train.csv" : "digits_test.csv");
        string[] lines = File.ReadAllLines(source);
        int parts = exchangeable ? 4 : 2;

        // Parts by a seeded shuffle, not by row position (the rows are ordered: every 4th row is no random sample).
        int[] part = Enumerable.Range(0, lines.Length - 1).Select(i => i % parts).ToArray();
        new Random(1234).Shuffle(part);
        HoldoutPath = Path.Combine(_dir, "holdout.csv");
        TrainPath = exchangeable ? Path.Combine(_dir, "train.csv") : DigitsModel.Data("digits_train.csv");
        File.WriteAllLines(HoldoutPath, lines.Take(1).Concat(lines.Skip(1).Where((_, i) => part[i] == parts - 2)));
        if (exchangeable)
        {
            File.WriteAllLines(TrainPath, lines.Take(1).Concat(lines.Skip(1).Where((_, i) => part[i] < 2)));
        }

        LabeledDataset data = CsvDatasetReader.Read(source, "label", null, 10);
        _raw = data.Features.Select(f => RawSamples.ToFixed(f, DigitsModel.Blob.Model.InputFractionBits)).ToArray();
        _labels = data.Labels;
        _pool = Enumerable.Range(0, _labels.Length).Where(i => part[i] == parts - 1).ToArray();
        StorePath = Path.Combine(_dir, "stats.db");
    }

    /// <summary>Gets the training CSV the plan uses.</summary>
    public string TrainPath { get; }

    /// <summary>Gets the hold-out CSV (even rows of the test split).</summary>
    public string HoldoutPath { get; }

    /// <summary>Gets the statistics store.</summary>
    public string StorePath { get; }

    /// <summary>Gets the labelled samples whose label was flipped, as (device, sequence).</summary>
    public HashSet<(string Device, uint Sequence)> Flipped { get; } = [];

    /// <summary>Gets the true class counts of each device's stream.</summary>
    public Dictionary<string, int[]> TrueCounts { get; } = [];

    /// <summary>Gets the labelled samples, as (device, sequence).</summary>
    public HashSet<(string Device, uint Sequence)> Labelled { get; } = [];

    /// <summary>A Dirichlet(alpha) class prior.</summary>
    /// <param name="k">Classes.</param>
    /// <param name="alpha">Concentration.</param>
    /// <param name="random">Generator.</param>
    /// <returns>The prior.</returns>
    public static double[] Dirichlet(int k, double alpha, Random random)
    {
        double[] g = Enumerable.Range(0, k).Select(_ => Gamma(alpha, random)).ToArray();
        double s = g.Sum();
        return g.Select(v => v / s).ToArray();
    }

    /// <summary>Runs one device.</summary>
    /// <param name="id">Device id.</param>
    /// <param name="prior">Class prior of its stream.</param>
    /// <param name="windows">Windows (reports).</param>
    /// <param name="perWindow">Inferences per window.</param>
    /// <param name="seed">Seed.</param>
    /// <param name="alter">Alteration of a raw sample from window <paramref name="from"/> on, or null.</param>
    /// <param name="from">First altered window.</param>
    /// <param name="distinct">Distinct pool readings the stream repeats (0 = the whole pool half).</param>
    /// <param name="flipEvery">Every n-th label is flipped to another class (0 = none).</param>
    public void Device(string id, double[] prior, int windows, int perWindow, int seed, Action<int[]>? alter = null, int from = 0, int distinct = 0, int flipEvery = 0)
    {
        var random = new Random(seed);
        int[] pool = distinct > 0 ? _pool.OrderBy(_ => random.Next()).Take(distinct).ToArray() : _pool;
        int[] labels = pool.Select(i => _labels[i]).ToArray();
        double[] usable = prior.Select((p, c) => labels.Contains(c) ? p : 0).ToArray();
        usable = usable.Select(p => p / usable.Sum()).ToArray();
        Classifier classifier = DigitsModel.NewClassifier();
        // Every sample enters the feature statistics: the pools here are a few hundred distinct readings replayed
        // thousands of times, and the device's content-hash subsample (1 in 4 by reading) would keep only a quarter of
        // them at every repeat (a sensor stream rarely repeats a reading exactly; RepeatRate scales c by the subsample).
        var stats = new DeviceStatistics(DigitsModel.Blob, (uint)seed) { FeatureStride = 1 };
        using var store = new StatsStore(StorePath);
        uint seq = 1;
        int labelCount = 0;
        TrueCounts[id] = new int[10];
        for (int w = 0; w < windows; w++)
        {
            foreach (int at in Streams.Draw(labels, usable, perWindow, random))
            {
                int[] raw = (int[])_raw[pool[at]].Clone();
                TrueCounts[id][labels[at]]++;
                if (alter != null && w >= from)
                {
                    alter(raw);
                }

                classifier.Classify(raw);
                stats.OnInference(raw, classifier, seq, 1000L * seq);
                if (seq % 9 == 0)
                {
                    int truth = labels[at];
                    bool flip = flipEvery > 0 && ++labelCount % flipEvery == 0;
                    int given = flip ? (truth + 1 + random.Next(9)) % 10 : truth;
                    stats.OnLabel(seq, given, classifier.PredictedClass);
                    Labelled.Add((id, seq));
                    if (flip)
                    {
                        Flipped.Add((id, seq));
                    }
                }

                seq++;
            }

            store.Add(stats.Pull(id), out _);
        }
    }

    /// <summary>Plans from the store.</summary>
    /// <returns>The plan.</returns>
    public BalancePlan Plan() => BalancePlanner.Plan(new BalanceOptions
    {
        StorePath = StorePath, ModelDirectory = DigitsModel.Directory, TrainPath = TrainPath, HoldoutPath = HoldoutPath, Budget = 40, OutputDirectory = Path.Combine(_dir, "plan"),
    });

    /// <summary>Raw units of one physical unit of the model input.</summary>
    /// <returns>2^F.</returns>
    public static int One() => 1 << DigitsModel.Blob.Model.InputFractionBits;

    /// <inheritdoc/>
    public void Dispose() => Directory.Delete(_dir, true);

    private static double Gamma(double a, Random random)
    {
        if (a < 1)
        {
            return Gamma(a + 1, random) * Math.Pow(random.NextDouble(), 1 / a);
        }

        double d = a - (1.0 / 3), c = 1 / Math.Sqrt(9 * d);
        while (true)
        {
            double x = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            double v = Math.Pow(1 + (c * x), 3);
            if (v > 0 && Math.Log(1 - random.NextDouble()) < (0.5 * x * x) + d - (d * v) + (d * Math.Log(v)))
            {
                return d * v;
            }
        }
    }
}
