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

        string I(PriorEstimate e, int c) => string.Create(C, $"{e.Prior[c]:P1} [{e.Low[c]:P1}, {e.High[c]:P1}]");
        return s.Append(Table(Ids[0], ["class", "naive % [95 %]", "BBSE % [95 %]", "EM % [95 %]", "chosen % [95 %]"], plan.Classes.Select(k =>
            $"<tr><th>{E(k.Name)}</th><td>{I(pr.Naive, k.Class)}</td><td>{I(pr.Bbse, k.Class)}</td><td>{I(pr.Em, k.Class)}</td><td><b>{I(pr.Chosen, k.Class)}</b></td></tr>\n"))).ToString();
    }

    /// <summary>Quotas and class weights.</summary>
    /// <param name="plan">Plan.</param>
    /// <returns>HTML.</returns>
    public static string Quotas(BalancePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Table(Ids[1], ["class", "train n", "deployment %", "target %", "candidates", "quota", "expected / wanted labels", "short", "easy / medium / hard", "w inv. freq.", "w eff. num. 0.99"], plan.Classes.Select(k => string.Create(C, $"<tr><th>{E(k.Name)}</th><td>{k.TrainCount}</td><td>{k.ChosenShare:P1}</td><td>{k.Target:P1}</td><td>{k.Candidates}</td><td>{k.Quota}</td><td>{k.ExpectedLabels:F1} / {k.WantedLabels:F1}</td><td>{(k.Short ? "yes" : "no")}</td><td>{k.Easy} / {k.Medium} / {k.Hard}</td><td>{k.InverseFrequencyWeight:F3}</td><td>{k.EffectiveNumberWeights["0.99"]:F3}</td></tr>\n")));
    }

    /// <summary>Per-device health, devices with findings first.</summary>
    /// <param name="health">Health report.</param>
    /// <returns>HTML.</returns>
    public static string Devices(HealthReport health)
    {
        ArgumentNullException.ThrowIfNull(health);
        return Table(Ids[2], ["device", "status", "reports", "inferences", "feature samples (independent)", "repeat rate", "mean confidence", "max PSI / threshold", "findings"], health.Devices.Select(d =>
        {
        string cls = d.Status == "ok" ? "ok" : "bad";
            return string.Create(C, $"<tr class=\"{cls}\"><th>{E(d.DeviceId)}</th><td>{E(d.Status)}</td><td>{d.Reports}</td><td>{d.Inferences:N0}</td><td>{d.FeatureSamples:N0} ({d.EffectiveSamples:F0})</td><td>{d.RepeatRate:P2}</td><td>{d.MeanConfidence:F3}</td><td>{d.MaxPsiRatio:F2} ({E(d.WorstFeature)})</td><td class=\"text\">{E(string.Join("; ", d.Evidence.Take(6)))}{(d.Evidence.Count > 6 ? string.Create(C, $" (+{d.Evidence.Count - 6} more)") : string.Empty)}</td></tr>\n");
        }));
    }

    /// <summary>Per-window trend.</summary>
    /// <param name="health">Health report.</param>
    /// <returns>HTML.</returns>
    public static string Windows(HealthReport health)
    {
        ArgumentNullException.ThrowIfNull(health);
        return Table(Ids[3], ["window", "devices", "inferences", "mean confidence", "features drifting (merged)", "max PSI / threshold (merged)", "saturated", "stuck", "Page-Hinkley alarms", "highest device ratio"], health.Windows.Select(w =>
        {
        var top = w.DeviceRatios.OrderByDescending(x => x.Value).FirstOrDefault();
            return string.Create(C, $"<tr><th>{w.Window}</th><td>{w.Devices}</td><td>{w.Inferences:N0}</td><td>{w.MeanConfidence:F3}</td><td>{w.Drifting}</td><td>{w.MaxPsiRatio:F2}</td><td>{w.Saturated}</td><td>{w.Stuck}</td><td>{w.DriftAlarms}</td><td>{E(top.Key ?? "-")} {top.Value:F2}</td></tr>\n");
        }));
    }

    /// <summary>Label-issue candidates, most doubtful first, with their evidence.</summary>
    /// <param name="plan">Plan.</param>
    /// <returns>HTML.</returns>
    public static string LabelIssues(BalancePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Table(Ids[4], ["rank", "device", "sequence", "window", "given label", "model", "score", "P(label | model)", "neighbours agreeing", "evidence"], plan.LabelIssues.Select(i => string.Create(C, $"<tr><th>{i.Rank}</th><td>{E(i.DeviceId)}</td><td>{i.Sequence}</td><td>{i.Report}</td><td>{E(i.Label)}</td><td>{E(i.Predicted)} ({i.Confidence:F3})</td><td>{i.Score:F2}</td><td>{i.LabelProbability:F3}</td><td>{i.NeighbourAgreement:P0}</td><td class=\"text\">{E(i.Evidence)}</td></tr>\n")));
    }

    /// <summary>The samples to label in samples-to-label.csv order; each row links the CSV and names its line (header = line 1).</summary>
    /// <param name="plan">Plan.</param>
    /// <param name="csv">The CSV's file name (relative link).</param>
    /// <returns>HTML.</returns>
    public static string Samples(BalancePlan plan, string csv)
    {
        ArgumentNullException.ThrowIfNull(plan);
        return Table(Ids[5], ["CSV line", "rank", "device", "boot", "window", "sequence", "predicted", "runner-up", "margin", "tier", "kind", "planned for (P)"], plan.Picks.Select((p, i) =>
        {
            int line = i + 2;
            return string.Create(C, $"<tr id=\"sample-line-{line}\"><th><a href=\"{E(csv)}\" title=\"{E(csv)} line {line}\">{E(csv)}:{line}</a></th><td>{p.Rank}</td><td>{E(p.DeviceId)}</td><td>{p.Boot}</td><td>{p.Report}</td><td>{p.Sequence}</td><td>{E(p.PredictedName)}</td><td>{E(p.RunnerUpName)}</td><td>{p.Margin:F3}</td><td>{E(p.Tier)}</td><td>{E(p.Kind)}</td><td>{E(p.PlannedFor)} ({p.PlannedForProbability:F2})</td></tr>\n");
        }));
    }

    private static string Table(string id, string[] columns, IEnumerable<string> rows) =>
        string.Create(C, $"<table id=\"{id}\"><thead><tr>{string.Concat(columns.Select(c => "<th>" + E(c) + "</th>"))}</tr></thead><tbody>\n{string.Concat(rows)}</tbody></table>\n");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
