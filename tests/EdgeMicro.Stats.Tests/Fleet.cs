using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Stats;

namespace EdgeMicro.Stats.Tests;

/// <summary>Simulated devices: each replays a shuffled, class-imbalanced stream into its own DeviceStatistics and
/// pulls one report per window; a reference DeviceStatistics sees the concatenation of all streams.</summary>
public sealed class Fleet
{
    /// <summary>Simulates the fleet.</summary>
    /// <param name="devices">Number of devices.</param>
    /// <param name="windows">Windows (reports) per device.</param>
    /// <param name="seed">Seed.</param>
    public Fleet(int devices, int windows, int seed)
    {
        var random = new Random(seed);
        Classifier classifier = DigitsModel.NewClassifier();
        Whole = new DeviceStatistics(DigitsModel.Blob, 1);
        for (int d = 0; d < devices; d++)
        {
            string id = "dev" + d.ToString("D2", System.Globalization.CultureInfo.InvariantCulture);
            var stats = new DeviceStatistics(DigitsModel.Blob, (uint)(d + 1));
            double[] prior = Streams.LongTail(10, 0.05, random);
            uint sequence = (uint)(d * 100_000);
            var reports = new List<byte[]>();
            for (int w = 0; w < windows; w++)
            {
                int[] stream = Streams.Draw(DigitsModel.TestLabels, prior, random.Next(80, 250), random);
                Streams.Replay(classifier, stats, stream, sequence, 9);
                Streams.Replay(classifier, Whole, stream, sequence, 9);
                sequence += (uint)stream.Length;
                reports.Add(stats.Pull(id));
            }

            Reports[id] = reports;
        }
    }

    /// <summary>Gets the report payloads per device id, in window order.</summary>
    public Dictionary<string, List<byte[]>> Reports { get; } = new();

    /// <summary>Gets the statistics of the concatenated stream.</summary>
    public DeviceStatistics Whole { get; }
}
