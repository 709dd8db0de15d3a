using System.Globalization;

namespace EdgeMicro.Data;

/// <summary>
/// Reads sample CSV files: one header row, feature columns (numbers, invariant culture) and a label column holding a
/// class index 0..K-1 or, when class names are given, a class name. Every defect is an
/// <see cref="InputDataException"/> naming file, line and column (1-based).
/// </summary>
public static class CsvDatasetReader
{
    /// <summary>Reads a labelled dataset.</summary>
    /// <param name="path">CSV file.</param>
    /// <param name="labelColumn">Name of the label column.</param>
    /// <param name="classNames">Class names (labels may be names or indices), or null for indices only.</param>
    /// <param name="classCount">Number of classes of the model; labels outside 0..classCount-1 are rejected.</param>
    /// <param name="requireLabels">True when the file must have the label column.</param>
    /// <param name="expectedFeatures">The model's feature count, checked on the header row first; -1 for no check.</param>
    /// <returns>The dataset.</returns>
    public static LabeledDataset Read(string path, string labelColumn, IReadOnlyList<string>? classNames, int classCount, bool requireLabels = true, int expectedFeatures = -1)
    {
        InputFiles.RequireFile(path, "CSV");

        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"{path}: cannot read: {e.Message}", e);
        }

        int headerLine = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (headerLine < 0)
        {
            throw new InputDataException($"{path}: file is empty (expected a header row)");
        }

        string[] header = Split(lines[headerLine]);
        int labelIndex = Array.FindIndex(header, h => string.Equals(h, labelColumn, StringComparison.Ordinal));
        if (labelIndex < 0 && requireLabels)
        {
            throw new InputDataException($"{path}:{headerLine + 1}: no label column '{labelColumn}' in the header (columns: {string.Join(", ", header)})");
        }

        string[] featureNames = header.Where((_, i) => i != labelIndex).ToArray();
        if (expectedFeatures >= 0 && featureNames.Length != expectedFeatures)
        {
            string hint = labelIndex < 0 && featureNames.Length == expectedFeatures + 1
                ? $" (there is no column named '{labelColumn}': if one of them is the label column, name it with --label-column)"
                : string.Empty;
            throw new InputDataException(
                $"{path}:{headerLine + 1}: {featureNames.Length} feature columns{(labelIndex >= 0 ? " besides the label column '" + labelColumn + "'" : string.Empty)}, but the model takes {expectedFeatures} features{hint}");
        }
        var features = new List<double[]>();
        var labels = new List<int>();
        for (int li = headerLine + 1; li < lines.Length; li++)
        {
            if (lines[li].Trim().Length == 0)
            {
                continue;
            }

            string[] cells = Split(lines[li]);
            if (cells.Length != header.Length)
            {
                throw new InputDataException($"{path}:{li + 1}: row has {cells.Length} columns, the header has {header.Length}");
            }

            var row = new double[featureNames.Length];
            int f = 0;
            int label = -1;
            for (int c = 0; c < cells.Length; c++)
            {
                if (c == labelIndex)
                {
                    label = ParseLabel(cells[c], classNames, classCount, path, li + 1, c + 1);
                    continue;
                }

                if (!double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                {
                    throw new InputDataException($"{path}:{li + 1}:{c + 1}: '{cells[c]}' in column '{header[c]}' is not a number");
                }

                row[f++] = v;
            }

            features.Add(row);
            labels.Add(label);
        }

        return new LabeledDataset(path, featureNames, features.ToArray(), labels.ToArray());
    }

    private static int ParseLabel(string cell, IReadOnlyList<string>? classNames, int classCount, string path, int line, int column)
    {
        if (classNames != null)
        {
            for (int k = 0; k < classNames.Count; k++)
            {
                if (string.Equals(classNames[k], cell, StringComparison.Ordinal))
                {
                    return k;
                }
            }
        }

        if (int.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out int index))
        {
            if (index < 0 || index >= classCount)
            {
                throw new InputDataException($"{path}:{line}:{column}: label {index} is outside the model's classes 0..{classCount - 1}");
            }

            return index;
        }

        string known = classNames == null ? "class indices 0.." + (classCount - 1) : string.Join(", ", classNames);
        throw new InputDataException($"{path}:{line}:{column}: label '{cell}' is not one of the model's classes ({known})");
    }

    private static string[] Split(string line) => line.Split(',').Select(c => c.Trim().Trim('"')).ToArray();
}
