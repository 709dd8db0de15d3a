using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Stats;

namespace EdgeMicro.Stats.Tests;

/// <summary>Seeded, shuffled, class-imbalanced sample streams replayed through the classifier into statistics.</summary>
public static class Streams
{
    /// <summary>Draws a stream of test-split indices with the given class prior (sampling with replacement).</summary>
    /// <param name="labels">Labels of the pool.</param>
    /// <param name="prior">Class prior (sums to 1).</param>
    /// <param name="count">Stream length.</param>
    /// <param name="random">Generator.</param>
    /// <returns>Indices into the pool.</returns>
    public static int[] Draw(int[] labels, double[] prior, int count, Random random)
    {
        int[][] byClass = Enumerable.Range(0, prior.Length).Select(c => Enumerable.Range(0, labels.Length).Where(i => labels[i] == c).ToArray()).ToArray();
        var result = new int[count];
        for (int n = 0; n < count; n++)
        {
            double u = random.NextDouble(), acc = 0;
            int c = 0;
            for (; c < prior.Length - 1; c++)
            {
                acc += prior[c];
                if (u < acc)
                {
                    break;
                }
            }

            result[n] = byClass[c][random.Next(byClass[c].Length)];
        }

        return result;
    }

    /// <summary>A long-tail prior n_c proportional to IF^(c/(K-1)) over a random class order.</summary>
    /// <param name="classes">K.</param>
    /// <param name="imbalance">IF = smallest / largest.</param>
    /// <param name="random">Generator (class order).</param>
    /// <returns>The prior.</returns>
    public static double[] LongTail(int classes, double imbalance, Random random)
    {
        double[] w = Enumerable.Range(0, classes).Select(c => Math.Pow(imbalance, c / (double)(classes - 1))).ToArray();
        random.Shuffle(w);
        double s = w.Sum();
        return w.Select(x => x / s).ToArray();
    }

    /// <summary>Replays samples: classify, OnInference, and every labelEvery-th sample its true label.</summary>
    /// <param name="classifier">Classifier.</param>
    /// <param name="stats">Statistics.</param>
    /// <param name="indices">Indices into the pool.</param>
    /// <param name="firstSequence">Sequence number of the first sample.</param>
    /// <param name="labelEvery">Label period (0 = none).</param>
    public static void Replay(Classifier classifier, DeviceStatistics stats, int[] indices, uint firstSequence, int labelEvery)
    {
        int[][] raw = DigitsModel.TestRaw;
        int[] labels = DigitsModel.TestLabels;
        for (int n = 0; n < indices.Length; n++)
        {
            uint seq = firstSequence + (uint)n;
            classifier.Classify(raw[indices[n]]);
            stats.OnInference(raw[indices[n]], classifier, seq, 1000L * seq);
            if (labelEvery > 0 && n % labelEvery == 0)
            {
                stats.OnLabel(seq, labels[indices[n]], classifier.PredictedClass);
            }
        }
    }

    /// <summary>Serializes only the counters with identification fields neutralised, for exact comparison.</summary>
    /// <param name="counters">Counters.</param>
    /// <param name="classes">K.</param>
    /// <param name="features">D.</param>
    /// <returns>Bytes.</returns>
    public static byte[] CountersBytes(StatsCounters counters, int classes, int features) =>
        StatsFormat.Write(new StatsReport { DeviceId = "x", ModelId = "m", ClassCount = classes, FeatureCount = features, Counters = counters });
}
