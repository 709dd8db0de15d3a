namespace EdgeMicro.Data;

/// <summary>Samples read from a CSV file: feature values in column order and integer class labels.</summary>
/// <param name="Path">Source file.</param>
/// <param name="FeatureNames">Feature column names, in model-input order.</param>
/// <param name="Features">One row of feature values per sample.</param>
/// <param name="Labels">Class index per sample, or -1 when the file has no label column.</param>
public sealed record LabeledDataset(string Path, string[] FeatureNames, double[][] Features, int[] Labels)
{
    /// <summary>Number of samples.</summary>
    public int Count => Features.Length;

    /// <summary>Number of features per sample.</summary>
    public int FeatureCount => FeatureNames.Length;
}
