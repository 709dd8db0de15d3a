namespace EdgeMicro.Conversion.Evaluation;

/// <summary>Accumulates a confusion matrix (true x predicted) and derives accuracy and per-class recall.</summary>
public sealed class ClassificationMetrics
{
    private readonly long[,] _confusion;

    /// <summary>Initializes a new instance of the <see cref="ClassificationMetrics"/> class.</summary>
    /// <param name="classCount">Number of classes.</param>
    public ClassificationMetrics(int classCount)
    {
        ClassCount = classCount;
        _confusion = new long[classCount, classCount];
    }

    /// <summary>Number of classes.</summary>
    public int ClassCount { get; }

    /// <summary>Number of samples added.</summary>
    public long Count { get; private set; }

    /// <summary>Number of correct predictions.</summary>
    public long Correct { get; private set; }

    /// <summary>Top-1 accuracy (0 when empty).</summary>
    public double Accuracy => Count == 0 ? 0 : (double)Correct / Count;

    /// <summary>Adds one prediction.</summary>
    /// <param name="truth">True class.</param>
    /// <param name="predicted">Predicted class.</param>
    public void Add(int truth, int predicted)
    {
        _confusion[truth, predicted]++;
        Count++;
        if (truth == predicted)
        {
            Correct++;
        }
    }

    /// <summary>Recall of each class (NaN for classes absent from the data).</summary>
    /// <returns>Recall per class.</returns>
    public double[] Recall()
    {
        var recall = new double[ClassCount];
        for (int t = 0; t < ClassCount; t++)
        {
            long row = 0;
            for (int p = 0; p < ClassCount; p++)
            {
                row += _confusion[t, p];
            }

            recall[t] = row == 0 ? double.NaN : (double)_confusion[t, t] / row;
        }

        return recall;
    }

    /// <summary>The confusion matrix as jagged rows (true class rows, predicted class columns).</summary>
    /// <returns>The matrix.</returns>
    public long[][] Confusion() =>
        Enumerable.Range(0, ClassCount).Select(t => Enumerable.Range(0, ClassCount).Select(p => _confusion[t, p]).ToArray()).ToArray();
}
