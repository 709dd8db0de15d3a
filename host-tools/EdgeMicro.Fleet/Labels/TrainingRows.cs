using System.Globalization;
using EdgeMicro.Data;

namespace EdgeMicro.Fleet.Labels;

/// <summary>
/// The training CSV as the import sees it: its header cells, each row's content key with its line and label, and how
/// it writes labels (class names, or class indices when every existing label is an index that is not a name).
/// </summary>
public sealed class TrainingRows
{
    private TrainingRows(string[] header, int labelIndex, bool indices, Dictionary<string, (int Line, int Label)> lines, int lastLine)
    {
        Header = header;
        LabelIndex = labelIndex;
        WritesIndices = indices;
        Lines = lines;
        LastLine = lastLine;
    }

    /// <summary>Gets the header cells.</summary>
    public IReadOnlyList<string> Header { get; }

    /// <summary>Gets the label column's index.</summary>
    public int LabelIndex { get; }

    /// <summary>Gets a value indicating whether labels are written as class indices.</summary>
    public bool WritesIndices { get; }

    /// <summary>Gets the first line and label of each feature content.</summary>
    public IReadOnlyDictionary<string, (int Line, int Label)> Lines { get; }

    /// <summary>Gets the number of the file's last line (the next appended row gets this plus one).</summary>
    public int LastLine { get; }

    /// <summary>Parses a training CSV that <see cref="CsvDatasetReader"/> has accepted.</summary>
    /// <param name="path">File (for messages).</param>
    /// <param name="bytes">Its content.</param>
    /// <param name="labelColumn">Label column.</param>
    /// <param name="ontology">The model's classes.</param>
    /// <returns>The rows.</returns>
    public static TrainingRows Parse(string path, byte[] bytes, string labelColumn, ClassOntology ontology)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        ArgumentNullException.ThrowIfNull(ontology);
        string text = new System.Text.UTF8Encoding(false).GetString(bytes);
        string[] lines = text.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
        int lastLine = text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        int headerLine = Array.FindIndex(lines, l => l.Trim().Length > 0);
        string[] header = LabelFiles.Split(lines[headerLine].TrimStart('\uFEFF'));
        foreach (string h in header.Where(h => h.StartsWith(LabelFiles.ProvenancePrefix, StringComparison.Ordinal)))
        {
            throw new InputDataException($"{path}:{headerLine + 1}: column '{h}' starts with '{LabelFiles.ProvenancePrefix}', which marks provenance columns of the samples file; rename it");
        }

        int labelIndex = Array.IndexOf(header, labelColumn);
        var keys = new Dictionary<string, (int, int)>(StringComparer.Ordinal);
        bool allIndices = true, anyLabel = false;
        for (int li = headerLine + 1; li < lines.Length; li++)
        {
            if (lines[li].Trim().Length == 0)
            {
                continue;
            }

            string[] cells = LabelFiles.Split(lines[li]);
            string key = string.Join(',', cells.Where((_, c) => c != labelIndex).Select(c => LabelFiles.Number(double.Parse(c, NumberStyles.Float, CultureInfo.InvariantCulture))));
            ontology.TryResolve(cells[labelIndex], out int label, out _);
            anyLabel = true;
            allIndices &= int.TryParse(cells[labelIndex], NumberStyles.None, CultureInfo.InvariantCulture, out _) && !ontology.Classes.Contains(cells[labelIndex]);
            keys.TryAdd(key, (li + 1, label));
        }

        return new TrainingRows(header, labelIndex, anyLabel && allIndices, keys, lastLine);
    }

    /// <summary>Formats a labelled sample as a training row: exactly the header's columns, in its order.</summary>
    /// <param name="row">Sample.</param>
    /// <param name="names">Class names.</param>
    /// <returns>The CSV line.</returns>
    public string Format(SampleRow row, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(names);
        var cells = new string[Header.Count];
        int f = 0;
        for (int c = 0; c < cells.Length; c++)
        {
            cells[c] = c == LabelIndex
                ? (WritesIndices ? row.Label.ToString(CultureInfo.InvariantCulture) : names[row.Label])
                : LabelFiles.Number(row.Features[f++]);
        }

        return string.Join(',', cells);
    }
}
