using System.Globalization;
using System.Net;
using System.Text;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>
/// The tables of <see cref="HtmlReport"/>, each a <c>table</c> with a stable id and one <c>tr</c> per entry in
/// <c>tbody</c>: prior estimates with their intervals, quotas, per-device health, per-window trend, label issues and
/// the samples to label (each row names and links its line of samples-to-label.csv).
/// </summary>
public static class HtmlTables
{
    /// <summary>Table ids, in page order.</summary>
    public static readonly string[] Ids = ["table-priors", "table-quotas", "table-devices", "table-windows", "table-label-issues", "table-samples"];

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Prior estimates per class, each with its 95 % bootstrap interval, the chosen one marked.</summary>
    /// <param name="plan">Plan.</param>
    /// <returns>HTML.</returns>
    public static string Priors(BalancePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        if (plan.Priors is not { } pr)
        {
            return string.Empty;
        }

        var s = new StringBuilder();
        s.Append(C, $"<p>Deployment prior used: <b>{E(pr.Chosen.Method)}</b> ({E(pr.Rule)}). Hold-out: {pr.HoldoutSize} samples.</p>\n");
        foreach (string w in pr.Warnings)
        {
            s.Append("<p class=\"warning\">Warning: ").Append(E(w)).Append("</p>\n");
        }

        Head(s, Ids[0], "class", "naive % [95 %]", "BBSE % [95 %]", "EM % [95 %]", "chosen % [95 %]");
        foreach (ClassPlan k in plan.Classes)
        {
            string I(PriorEstimate e) => string.Create(C, $"{e.Prior[k.Class]:P1} [{e.Low[k.Class]:P1}, {e.High[k.Class]:P1}]");
            s.Append(C, $"<tr><th>{E(k.Name)}</th><td>{I(pr.Naive)}</td><td>{I(pr.Bbse)}</td><td>{I(pr.Em)}</td><td><b>{I(pr.Chosen)}</b></td></tr>\n");
        }

        return s.Append("</tbody></table>\n").ToString();
    }

    /// <summary>Quotas and class weights.</summary>
    /// <param name="plan">Plan.</param>
    /// <returns>HTML.</returns>
    public static string Quotas(BalancePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var s = new StringBuilder();
        Head(s, Ids[1], "class", "train n", "deployment %", "target %", "candidates", "quota", "expected / wanted labels", "short", "easy / medium / hard", "w inv. freq.", "w eff. num. 0.99");
        foreach (ClassPlan k in plan.Classes)
        {
            s.Append(C, $"<tr><th>{E(k.Name)}</th><td>{k.TrainCount}</td><td>{k.ChosenShare:P1}</td><td>{k.Target:P1}</td><td>{k.Candidates}</td><td>{k.Quota}</td><td>{k.ExpectedLabels:F1} / {k.WantedLabels:F1}</td><td>{(k.Short ? "yes" : "no")}</td><td>{k.Easy} / {k.Medium} / {k.Hard}</td><td>{k.InverseFrequencyWeight:F3}</td><td>{k.EffectiveNumberWeights["0.99"]:F3}</td></tr>\n");
        }

        return s.Append("</tbody></table>\n").ToString();
    }

    /// <summary>Per-device health, devices with findings first.</summary>
    /// <param name="health">Health report.</param>
    /// <returns>HTML.</returns>
    public static string Devices(HealthReport health)
    {
        ArgumentNullException.ThrowIfNull(health);
        var s = new StringBuilder();
        Head(s, Ids[2], "device", "status", "reports", "inferences", "feature samples (independent)", "repeat rate", "mean confidence", "max PSI / threshold", "findings");
        foreach (DeviceHealth d in health.Devices)
        {
            string cls = d.Status == "ok" ? "ok" : "bad";
            s.Append(C, $"<tr class=\"{cls}\"><th>{E(d.DeviceId)}</th><td>{E(d.Status)}</td><td>{d.Reports}</td><td>{d.Inferences:N0}</td><td>{d.FeatureSamples:N0} ({d.EffectiveSamples:F0})</td><td>{d.RepeatRate:P2}</td><td>{d.MeanConfidence:F3}</td><td>{d.MaxPsiRatio:F2} ({E(d.WorstFeature)})</td><td class=\"text\">{E(string.Join("; ", d.Evidence.Take(6)))}{(d.Evidence.Count > 6 ? string.Create(C, $" (+{d.Evidence.Count - 6} more)") : string.Empty)}</td></tr>\n");
        }

        return s.Append("</tbody></table>\n").ToString();
    }

    /// <summary>Per-window trend.</summary>
    /// <param name="health">Health report.</param>
    /// <returns>HTML.</returns>
    public static string Windows(HealthReport health)
    {
        ArgumentNullException.ThrowIfNull(health);
        var s = new StringBuilder();
        Head(s, Ids[3], "window", "devices", "inferences", "mean confidence", "features drifting (merged)", "max PSI / threshold (merged)", "saturated", "stuck", "Page-Hinkley alarms", "highest device ratio");
        foreach (WindowHealth w in health.Windows)
        {
            var top = w.DeviceRatios.OrderByDescending(x => x.Value).FirstOrDefault();
            s.Append(C, $"<tr><th>{w.Window}</th><td>{w.Devices}</td><td>{w.Inferences:N0}</td><td>{w.MeanConfidence:F3}</td><td>{w.Drifting}</td><td>{w.MaxPsiRatio:F2}</td><td>{w.Saturated}</td><td>{w.Stuck}</td><td>{w.DriftAlarms}</td><td>{E(top.Key ?? "-")} {top.Value:F2}</td></tr>\n");
        }

        return s.Append("</tbody></table>\n").ToString();
    }

    /// <summary>Label-issue candidates, most doubtful first, with their evidence.</summary>
    /// <param name="plan">Plan.</param>
    /// <returns>HTML.</returns>
    public static string LabelIssues(BalancePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var s = new StringBuilder();
        Head(s, Ids[4], "rank", "device", "sequence", "window", "given label", "model", "score", "P(label | model)", "neighbours agreeing", "evidence");
        foreach (LabelIssue i in plan.LabelIssues)
        {
            s.Append(C, $"<tr><th>{i.Rank}</th><td>{E(i.DeviceId)}</td><td>{i.Sequence}</td><td>{i.Report}</td><td>{E(i.Label)}</td><td>{E(i.Predicted)} ({i.Confidence:F3})</td><td>{i.Score:F2}</td><td>{i.LabelProbability:F3}</td><td>{i.NeighbourAgreement:P0}</td><td class=\"text\">{E(i.Evidence)}</td></tr>\n");
        }

        return s.Append("</tbody></table>\n").ToString();
    }

    /// <summary>The samples to label in samples-to-label.csv order; each row links the CSV and names its line (header = line 1).</summary>
    /// <param name="plan">Plan.</param>
    /// <param name="csv">The CSV's file name (relative link).</param>
    /// <returns>HTML.</returns>
    public static string Samples(BalancePlan plan, string csv)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var s = new StringBuilder();
        Head(s, Ids[5], "CSV line", "rank", "device", "boot", "window", "sequence", "predicted", "runner-up", "margin", "tier", "kind", "planned for (P)");
        for (int i = 0; i < plan.Picks.Count; i++)
        {
            PickedSample p = plan.Picks[i];
            int line = i + 2;
            s.Append(C, $"<tr id=\"sample-line-{line}\"><th><a href=\"{E(csv)}\" title=\"{E(csv)} line {line}\">{E(csv)}:{line}</a></th><td>{p.Rank}</td><td>{E(p.DeviceId)}</td><td>{p.Boot}</td><td>{p.Report}</td><td>{p.Sequence}</td><td>{E(p.PredictedName)}</td><td>{E(p.RunnerUpName)}</td><td>{p.Margin:F3}</td><td>{E(p.Tier)}</td><td>{E(p.Kind)}</td><td>{E(p.PlannedFor)} ({p.PlannedForProbability:F2})</td></tr>\n");
        }

        return s.Append("</tbody></table>\n").ToString();
    }

    private static void Head(StringBuilder s, string id, params string[] columns)
    {
        s.Append(C, $"<table id=\"{id}\"><thead><tr>");
        foreach (string c in columns)
        {
            s.Append("<th>").Append(E(c)).Append("</th>");
        }

        s.Append("</tr></thead><tbody>\n");
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
