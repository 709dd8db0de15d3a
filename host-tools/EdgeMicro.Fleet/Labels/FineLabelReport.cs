using EdgeMicro.Data;

namespace EdgeMicro.Fleet.Labels;

/// <summary>Training examples of one fine label.</summary>
/// <param name="Label">Fine label.</param>
/// <param name="Count">Training rows the import recorded with it.</param>
public sealed record FineLabelCount(string Label, int Count);

/// <summary>The fine labels known for one deployed class.</summary>
/// <param name="Class">Deployed class name.</param>
/// <param name="TrainCount">Training rows of the class.</param>
/// <param name="Unspecified">Rows of the class with no recorded fine label (original data, or labelled as the class itself).</param>
/// <param name="Fine">Counts per fine label (ontology order, then any other recorded ones), zero for never-labelled ones.</param>
public sealed record FineLabelClass(string Class, int TrainCount, int Unspecified, IReadOnlyList<FineLabelCount> Fine);

/// <summary>
/// Training counts per deployed class and per fine label, from the ontology and the provenance side file the label
/// import keeps (<see cref="LabelFiles.ProvenancePath"/>). The devices predict deployed classes only, so quotas are
/// per deployed class; this report shows which fine labels inside a class are thin.
/// </summary>
/// <param name="Ontology">The hierarchy file, or null.</param>
/// <param name="ProvenanceFile">The side file, or null when there is none.</param>
/// <param name="Classes">Per deployed class.</param>
public sealed record FineLabelReport(string? Ontology, string? ProvenanceFile, IReadOnlyList<FineLabelClass> Classes)
{
    /// <summary>Builds the report (null when there is neither an ontology nor a side file).</summary>
    /// <param name="trainPath">Training CSV.</param>
    /// <param name="ontology">Ontology or null.</param>
    /// <param name="names">Deployed class names.</param>
    /// <param name="trainCounts">Training rows per class.</param>
    /// <returns>The report, or null.</returns>
    public static FineLabelReport? Build(string trainPath, ClassOntology? ontology, IReadOnlyList<string> names, IReadOnlyList<int> trainCounts)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(trainCounts);
        string side = LabelFiles.ProvenancePath(trainPath);
        bool hasSide = File.Exists(side);
        if (ontology == null && !hasSide)
        {
            return null;
        }

        var recorded = new List<(string Class, string Fine)>();
        if (hasSide)
        {
            string[] lines = File.ReadAllLines(side);
            int label = Array.IndexOf(LabelFiles.SideFileColumns, "label"), fine = Array.IndexOf(LabelFiles.SideFileColumns, "fine_label");
            foreach (string line in lines.Skip(1).Where(l => l.Trim().Length > 0))
            {
                string[] cells = LabelFiles.Split(line);
                if (cells.Length == LabelFiles.SideFileColumns.Length && cells[fine].Length > 0)
                {
                    recorded.Add((cells[label], cells[fine]));
                }
            }
        }

        var classes = new List<FineLabelClass>();
        for (int c = 0; c < names.Count; c++)
        {
            var order = (ontology?.FineLabels.Where(f => f.Value == c).Select(f => f.Key) ?? []).ToList();
            order.AddRange(recorded.Where(r => r.Class == names[c] && !order.Contains(r.Fine)).Select(r => r.Fine).Distinct());
            var fineCounts = order.Select(f => new FineLabelCount(f, recorded.Count(r => r.Class == names[c] && r.Fine == f))).ToList();
            classes.Add(new FineLabelClass(names[c], trainCounts[c], Math.Max(0, trainCounts[c] - fineCounts.Sum(f => f.Count)), fineCounts));
        }

        return new FineLabelReport(ontology?.Path, hasSide ? side : null, classes);
    }
}
