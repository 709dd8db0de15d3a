using System.Globalization;
using EdgeMicro.Core.Stats;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>
/// Label-issue candidates: labelled buffered samples whose given label two independent witnesses doubt, ranked by
/// the doubt (confident learning in spirit, Northcutt et al. 2021): the model's calibrated posterior of the given
/// label under the deployment prior (<see cref="CellCalibration"/>), and the labels of the sample's nearest training
/// rows (L1 on the raw readings). Score = 1 - (P(label | model) + share of neighbours with that label) / 2; a sample is
/// listed when the model or the neighbours disagree with the label and the score is at least 0.5.
/// </summary>
public static class LabelIssues
{
    /// <summary>Nearest training rows consulted.</summary>
    public const int Neighbours = 5;

    /// <summary>Ranks the labelled buffered samples.</summary>
    /// <param name="reports">Reports of the model version.</param>
    /// <param name="calibration">Hold-out calibration.</param>
    /// <param name="prior">Deployment prior.</param>
    /// <param name="trainRaw">Training rows, raw.</param>
    /// <param name="trainLabels">Training labels.</param>
    /// <param name="names">Class names.</param>
    /// <param name="merged">Merged counters (the class's mean confidence is reported as the threshold).</param>
    /// <returns>Candidates, most doubtful first.</returns>
    public static IReadOnlyList<LabelIssue> Rank(IReadOnlyList<StatsReport> reports, CellCalibration calibration, IReadOnlyList<double> prior, IReadOnlyList<int[]> trainRaw, IReadOnlyList<int> trainLabels, IReadOnlyList<string> names, StatsCounters merged)
    {
        ArgumentNullException.ThrowIfNull(reports);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(trainRaw);
        ArgumentNullException.ThrowIfNull(trainLabels);
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(merged);
        var labelled = reports.SelectMany(r => (r.Samples ?? []).Where(s => s.Label >= 0).Select(s => (r.DeviceId, r.ReportSequence, Sample: s)))
            .GroupBy(x => (x.DeviceId, x.Sample.Sequence)).Select(g => g.First()).ToList();
        var post = new double[names.Count];
        var issues = new List<LabelIssue>();
        foreach (var (device, report, s) in labelled)
        {
            calibration.Adjusted(HoldoutScores.Cell(s.Predicted, s.ConfidenceQ15), prior, post);
            int[] near = Nearest(s.Values, trainRaw);
            double agree = near.Count(i => trainLabels[i] == s.Label) / (double)Math.Max(1, near.Length);
            int neighbourLabel = near.GroupBy(i => trainLabels[i]).OrderByDescending(g => g.Count()).ThenBy(g => g.Key).Select(g => g.Key).FirstOrDefault(s.Label);
            double score = 1 - ((post[s.Label] + agree) / 2);
            if ((s.Predicted == s.Label && neighbourLabel == s.Label) || score < 0.5)
            {
                continue;
            }

            double threshold = merged.Predicted[s.Predicted] == 0 ? 0 : merged.ConfidenceSum[s.Predicted] / 32768.0 / merged.Predicted[s.Predicted];
            string evidence = string.Create(
                CultureInfo.InvariantCulture,
                $"labelled {names[s.Label]}; model: {names[s.Predicted]} at confidence {s.ConfidenceQ15 / 32768.0:F3} (margin {s.MarginQ15 / 32768.0:F3}), calibrated P({names[s.Label]}) = {post[s.Label]:F3}; {near.Length} nearest training rows: {string.Join(", ", near.GroupBy(i => trainLabels[i]).OrderByDescending(g => g.Count()).Select(g => $"{g.Count()} x {names[g.Key]}"))}");
            issues.Add(new LabelIssue(device, s.Sequence, names[s.Label], names[s.Predicted], s.ConfidenceQ15 / 32768.0, threshold, 0, score, post[s.Label], agree, names[neighbourLabel], s.MarginQ15 / 32768.0, report, evidence));
        }

        return issues.OrderByDescending(i => i.Score).ThenBy(i => i.DeviceId, StringComparer.Ordinal).ThenBy(i => i.Sequence).Select((i, n) => i with { Rank = n + 1 }).ToList();
    }

    private static int[] Nearest(int[] x, IReadOnlyList<int[]> rows)
    {
        var best = new List<(long Distance, int Row)>(Neighbours + 1);
        for (int r = 0; r < rows.Count; r++)
        {
            long d = 0;
            int[] y = rows[r];
            for (int f = 0; f < x.Length && f < y.Length; f++)
            {
                d += Math.Abs((long)x[f] - y[f]);
            }

            if (best.Count < Neighbours || d < best[^1].Distance)
            {
                best.Add((d, r));
                best.Sort();
                if (best.Count > Neighbours)
                {
                    best.RemoveAt(best.Count - 1);
                }
            }
        }

        return best.Select(b => b.Row).ToArray();
    }
}
