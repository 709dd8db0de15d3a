using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Stats;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>
/// The labelled hold-out set seen through the device's statistics: for every sample, its cell (predicted class c and
/// top-1 confidence bin b, index c * <see cref="StatsCounters.ScoreBins"/> + b, the layout of
/// <see cref="StatsCounters.ConfidenceHistogram"/>) and its true class. Measured with the firmware classifier, so
/// the cells are exactly those the device counts.
/// </summary>
/// <param name="ClassCount">K.</param>
/// <param name="Cells">Cell per sample.</param>
/// <param name="Labels">True class per sample.</param>
public sealed record HoldoutScores(int ClassCount, int[] Cells, int[] Labels)
{
    /// <summary>Gets the number of cells (K x score bins).</summary>
    public int CellCount => ClassCount * StatsCounters.ScoreBins;

    /// <summary>Gets the number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>Classifies the hold-out set.</summary>
    /// <param name="classifier">Classifier of the deployed model version.</param>
    /// <param name="raw">Raw fixed-point samples.</param>
    /// <param name="labels">True classes.</param>
    /// <returns>The scores.</returns>
    public static HoldoutScores Measure(Classifier classifier, IReadOnlyList<int[]> raw, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(raw);
        ArgumentNullException.ThrowIfNull(labels);
        var cells = new int[raw.Count];
        for (int n = 0; n < raw.Count; n++)
        {
            classifier.Classify(raw[n]);
            cells[n] = Cell(classifier.PredictedClass, classifier.ConfidenceQ15);
        }

        return new HoldoutScores(classifier.Model.ClassCount, cells, labels.ToArray());
    }

    /// <summary>The cell of a prediction.</summary>
    /// <param name="predicted">Predicted class.</param>
    /// <param name="confidenceQ15">Top-1 confidence, Q15.</param>
    /// <returns>c * bins + bin.</returns>
    public static int Cell(int predicted, int confidenceQ15) => (predicted * StatsCounters.ScoreBins) + StatsCounters.ScoreBin(confidenceQ15);

    /// <summary>counts[predicted][true] (the BBSE confusion counts).</summary>
    /// <returns>The counts.</returns>
    public int[][] Confusion()
    {
        int k = ClassCount;
        int[][] counts = Enumerable.Range(0, k).Select(_ => new int[k]).ToArray();
        for (int n = 0; n < Count; n++)
        {
            counts[Cells[n] / StatsCounters.ScoreBins][Labels[n]]++;
        }

        return counts;
    }

    /// <summary>A bootstrap resample (rows drawn with replacement).</summary>
    /// <param name="random">Generator.</param>
    /// <returns>The resample.</returns>
    public HoldoutScores Resample(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var cells = new int[Count];
        var labels = new int[Count];
        for (int n = 0; n < Count; n++)
        {
            int i = random.Next(Count);
            (cells[n], labels[n]) = (Cells[i], Labels[i]);
        }

        return new HoldoutScores(ClassCount, cells, labels);
    }
}
