using System.Globalization;
using EdgeMicro.Core.Model;
using EdgeMicro.Data;

namespace EdgeMicro.Fleet.Labels;

/// <summary>Options of <c>edgemicro labels import</c>.</summary>
public sealed record LabelImportOptions
{
    /// <summary>Gets the labelled samples file (samples-to-label.csv from <c>edgemicro balance</c>, label cells filled in).</summary>
    public required string SamplesPath { get; init; }

    /// <summary>Gets the training CSV the labelled rows are appended to.</summary>
    public required string TrainPath { get; init; }

    /// <summary>Gets the converted model (its class names validate the labels).</summary>
    public required string ModelPath { get; init; }

    /// <summary>Gets the class hierarchy file (fine label to deployed class), or null.</summary>
    public string? OntologyPath { get; init; }

    /// <summary>Gets the label column name.</summary>
    public string LabelColumn { get; init; } = "label";

    /// <summary>Gets a value indicating whether to only report what would be imported.</summary>
    public bool DryRun { get; init; }
}

/// <summary>A labelled row not appended because the training CSV already has the same features with another label.</summary>
/// <param name="Line">Line in the samples file.</param>
/// <param name="TrainLine">Line in the training CSV.</param>
/// <param name="Label">The new label.</param>
/// <param name="TrainLabel">The label already in the training CSV.</param>
public sealed record LabelConflict(int Line, int TrainLine, string Label, string TrainLabel);

/// <summary>What an import did (the <c>--json</c> summary).</summary>
public sealed record LabelImportResult(
    string Train, string Samples, string ProvenanceFile, bool DryRun, int Rows, int Labelled, int Appended, int Unlabelled, int Duplicates,
    IReadOnlyList<LabelConflict> Conflicts, IReadOnlyDictionary<string, int> AppendedPerClass, IReadOnlyDictionary<string, int> AppendedPerFineLabel,
    int FirstAppendedLine, string TrainSha256Before, string TrainSha256After, long PreservedBytes);

/// <summary>
/// <c>edgemicro labels import</c>: appends the labelled rows of a samples file to the training CSV. The training
/// CSV keeps exactly its columns (so <c>convert</c> and <c>balance</c> read it as before); provenance (device, boot,
/// window, sequence, time) and the fine label go to the side file <see cref="LabelFiles.ProvenancePath"/>, one row
/// per appended training row. A row whose features and label are already in the training CSV (or whose provenance is
/// already recorded, or that appears twice in the file) is a duplicate and is not appended, so re-running an import
/// appends nothing; unlabelled rows are skipped and counted; the same features with a different label than the
/// training CSV's is a conflict, reported and not appended. The provenance is written first, then the training CSV,
/// each by <see cref="AtomicAppend"/>.
/// </summary>
public static class LabelImporter
{
    /// <summary>Runs the import.</summary>
    /// <param name="o">Options.</param>
    /// <returns>The summary.</returns>
    public static LabelImportResult Run(LabelImportOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        ModelDefinition model = ModelFile.Load(o.ModelPath).Blob.Model;
        string[] names = model.ClassNames ?? Enumerable.Range(0, model.ClassCount).Select(c => c.ToString(CultureInfo.InvariantCulture)).ToArray();
        ClassOntology ontology = o.OntologyPath == null ? ClassOntology.Flat(names) : ClassOntology.Load(o.OntologyPath, names);
        foreach (string n in names.Where(n => n.IndexOfAny([',', '"', '\n', '\r']) >= 0))
        {
            throw new InputDataException($"{o.ModelPath}: class name '{n}' holds a comma or quote; it cannot be written to a CSV label cell");
        }

        InputFiles.RequireFile(o.TrainPath, "--train");
        CsvDatasetReader.Read(o.TrainPath, o.LabelColumn, names, model.ClassCount, expectedFeatures: model.FeatureCount);
        byte[] trainBytes = File.ReadAllBytes(o.TrainPath);
        TrainingRows train = TrainingRows.Parse(o.TrainPath, trainBytes, o.LabelColumn, ontology);
        IReadOnlyList<SampleRow> rows = SamplesFile.Read(o.SamplesPath, train.Header, o.LabelColumn, ontology);
        string sidePath = LabelFiles.ProvenancePath(o.TrainPath);
        byte[] sideBytes = File.Exists(sidePath) ? File.ReadAllBytes(sidePath) : [];
        HashSet<string> recorded = ProvenanceKeys(sidePath, sideBytes);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        var appended = new List<SampleRow>();
        var conflicts = new List<LabelConflict>();
        int unlabelled = 0, duplicates = 0;
        foreach (SampleRow r in rows)
        {
            if (r.Label < 0)
            {
                unlabelled++;
                continue;
            }

            string key = r.FeatureKey + "|" + r.Label.ToString(CultureInfo.InvariantCulture);
            if (train.Lines.TryGetValue(r.FeatureKey, out var existing) && existing.Label != r.Label)
            {
                conflicts.Add(new LabelConflict(r.Line, existing.Line, names[r.Label], names[existing.Label]));
            }
            else if (existing != default || (r.ProvenanceKey.Length > 0 && recorded.Contains(r.ProvenanceKey)) || !seen.Add(key))
            {
                duplicates++;
            }
            else
            {
                if (r.ProvenanceKey.Length > 0)
                {
                    recorded.Add(r.ProvenanceKey);
                }

                appended.Add(r);
            }
        }

        int first = train.LastLine + 1;
        string now = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        string samplesName = Path.GetFileName(o.SamplesPath);
        var sideLines = new List<string>();
        if (sideBytes.Length == 0 && appended.Count > 0)
        {
            sideLines.Add(string.Join(',', LabelFiles.SideFileColumns));
        }

        sideLines.AddRange(appended.Select((r, i) => string.Join(',', new[] { (first + i).ToString(CultureInfo.InvariantCulture), names[r.Label], r.FineLabel }
            .Concat(r.Provenance.Length == 0 ? LabelFiles.ProvenanceColumns.Select(_ => string.Empty) : r.Provenance)
            .Append(samplesName).Append(now).Select(LabelFiles.Cell))));
        var trainLines = appended.Select(r => train.Format(r, names)).ToList();
        string before = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(trainBytes)), after = before;
        if (!o.DryRun && appended.Count > 0)
        {
            AtomicAppend.Append(sidePath, sideBytes, sideLines);
            (before, after) = AtomicAppend.Append(o.TrainPath, trainBytes, trainLines);
        }

        return new LabelImportResult(
            o.TrainPath, o.SamplesPath, sidePath, o.DryRun, rows.Count, rows.Count - unlabelled, appended.Count, unlabelled, duplicates, conflicts,
            names.ToDictionary(n => n, n => appended.Count(r => names[r.Label] == n)),
            appended.Where(r => r.FineLabel.Length > 0).GroupBy(r => r.FineLabel).ToDictionary(g => g.Key, g => g.Count()),
            appended.Count == 0 ? 0 : first, before, after, trainBytes.Length);
    }

    private static HashSet<string> ProvenanceKeys(string path, byte[] bytes)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        string[] lines = new System.Text.UTF8Encoding(false).GetString(bytes).Split('\n').Select(l => l.TrimEnd('\r')).Where(l => l.Trim().Length > 0).ToArray();
        if (lines.Length == 0)
        {
            return keys;
        }

        string[] header = LabelFiles.Split(lines[0]);
        if (!header.SequenceEqual(LabelFiles.SideFileColumns))
        {
            throw new InputDataException($"{path}:1: not a provenance file of 'edgemicro labels import' (expected the columns {string.Join(",", LabelFiles.SideFileColumns)})");
        }

        int start = Array.IndexOf(LabelFiles.SideFileColumns, LabelFiles.ProvenanceColumns[0]);
        foreach (string line in lines.Skip(1))
        {
            string[] cells = LabelFiles.Split(line);
            if (cells.Length == header.Length && cells[start].Length > 0)
            {
                keys.Add(string.Join('\u001f', cells.Skip(start).Take(4)));
            }
        }

        return keys;
    }
}
