using System.Globalization;
using EdgeMicro.Data;

namespace EdgeMicro.Fleet.Labels;

/// <summary>One row of a labelled samples file.</summary>
/// <param name="Line">1-based line in the samples file.</param>
/// <param name="Features">Feature cells (physical units), in training-column order.</param>
/// <param name="Label">Deployed class index, or -1 when the label cell is empty.</param>
/// <param name="FineLabel">Fine label the annotator gave (empty when they gave the deployed class).</param>
/// <param name="Provenance">The <see cref="LabelFiles.ProvenanceColumns"/> cells (empty when the file has none).</param>
public sealed record SampleRow(int Line, double[] Features, int Label, string FineLabel, string[] Provenance)
{
    /// <summary>Gets the content key: the features as the training CSV writes them.</summary>
    public string FeatureKey => string.Join(',', Features.Select(LabelFiles.Number));

    /// <summary>Gets the provenance key (device, boot, window, sequence), or empty.</summary>
    public string ProvenanceKey => Provenance.Length == 0 ? string.Empty : string.Join('\u001f', Provenance.Take(4));
}

/// <summary>
/// Reads samples-to-label.csv after labelling: its header must be exactly the training CSV's columns followed by
/// provenance columns (<see cref="LabelFiles.ProvenancePrefix"/>); label cells are validated against the
/// <see cref="ClassOntology"/>; every defect names file:line:column.
/// </summary>
public static class SamplesFile
{
    /// <summary>Reads the rows.</summary>
    /// <param name="path">Samples file.</param>
    /// <param name="trainHeader">The training CSV's header cells.</param>
    /// <param name="labelColumn">Label column name.</param>
    /// <param name="ontology">Accepted labels.</param>
    /// <returns>The rows, in file order.</returns>
    public static IReadOnlyList<SampleRow> Read(string path, IReadOnlyList<string> trainHeader, string labelColumn, ClassOntology ontology)
    {
        ArgumentNullException.ThrowIfNull(trainHeader);
        ArgumentNullException.ThrowIfNull(ontology);
        InputFiles.RequireFile(path, "samples file");
        string[] lines = File.ReadAllLines(path);
        int headerLine = Array.FindIndex(lines, l => l.Trim().Length > 0);
        if (headerLine < 0)
        {
            throw new InputDataException($"{path}: file is empty (expected the header balance wrote)");
        }

        string[] header = LabelFiles.Split(lines[headerLine].TrimStart('\uFEFF'));
        for (int c = 0; c < trainHeader.Count; c++)
        {
            if (c >= header.Length || !string.Equals(header[c], trainHeader[c], StringComparison.Ordinal))
            {
                throw new InputDataException($"{path}:{headerLine + 1}:{c + 1}: column '{(c < header.Length ? header[c] : string.Empty)}' where the training CSV has '{trainHeader[c]}' (the samples file must start with exactly the training CSV's columns)");
            }
        }

        int[] provenance = new int[LabelFiles.ProvenanceColumns.Length];
        for (int p = 0; p < provenance.Length; p++)
        {
            provenance[p] = Array.IndexOf(header, LabelFiles.ProvenanceColumns[p], trainHeader.Count);
        }

        for (int c = trainHeader.Count; c < header.Length; c++)
        {
            if (!header[c].StartsWith(LabelFiles.ProvenancePrefix, StringComparison.Ordinal))
            {
                throw new InputDataException($"{path}:{headerLine + 1}:{c + 1}: column '{header[c]}' is neither a training column nor a provenance column ({LabelFiles.ProvenancePrefix}...)");
            }
        }

        bool hasProvenance = provenance.All(p => p >= 0);
        int labelIndex = trainHeader.ToList().IndexOf(labelColumn);
        if (labelIndex < 0)
        {
            throw new InputDataException($"{path}:{headerLine + 1}: the training CSV has no label column '{labelColumn}'");
        }

        var rows = new List<SampleRow>();
        for (int li = headerLine + 1; li < lines.Length; li++)
        {
            if (lines[li].Trim().Length == 0)
            {
                continue;
            }

            string[] cells = LabelFiles.Split(lines[li]);
            if (cells.Length != header.Length)
            {
                throw new InputDataException($"{path}:{li + 1}: row has {cells.Length} columns, the header has {header.Length}");
            }

            var features = new double[trainHeader.Count - 1];
            int f = 0, label = -1;
            string fine = string.Empty;
            for (int c = 0; c < trainHeader.Count; c++)
            {
                if (c == labelIndex)
                {
                    if (cells[c].Length > 0 && !ontology.TryResolve(cells[c], out label, out fine))
                    {
                        throw new InputDataException($"{path}:{li + 1}:{c + 1}: label '{cells[c]}' is not one of {ontology.Describe()}");
                    }

                    continue;
                }

                if (!double.TryParse(cells[c], NumberStyles.Float, CultureInfo.InvariantCulture, out double v) || !double.IsFinite(v))
                {
                    throw new InputDataException($"{path}:{li + 1}:{c + 1}: '{cells[c]}' in column '{header[c]}' is not a number");
                }

                features[f++] = v;
            }

            rows.Add(new SampleRow(li + 1, features, label, fine, hasProvenance ? provenance.Select(p => cells[p]).ToArray() : []));
        }

        return rows;
    }
}
