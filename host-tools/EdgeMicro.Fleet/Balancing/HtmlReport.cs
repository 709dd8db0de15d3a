using System.Globalization;
using System.Net;
using System.Text;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>
/// The self-contained HTML report of a plan: inline CSS and inline SVG charts only (no script, no external
/// resource), so it opens offline. Charts: class distributions, confidence and margin histograms, labelled confusion
/// matrix, drift per feature. Each chart is an <c>svg</c> element with class <c>chart</c> and a stable id.
/// </summary>
public static class HtmlReport
{
    /// <summary>Chart ids, in page order.</summary>
    public static readonly string[] ChartIds = ["chart-classes", "chart-confidence", "chart-margin", "chart-confusion", "chart-drift"];

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;
    private static readonly string[] Colors = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759"];

    /// <summary>Renders the report.</summary>
    /// <param name="plan">Plan.</param>
    /// <returns>HTML text.</returns>
    public static string Render(BalancePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var s = new StringBuilder();
        s.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
            .Append(E($"EdgeMicro labelling plan: {plan.ModelId} v{plan.ModelVersion}"))
            .Append("</title><style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}th{background:#eee}svg.chart{display:block;margin:1em 0;background:#fafafa;border:1px solid #ddd}.legend span{margin-right:1em}</style></head><body>\n");
        s.Append(C, $"<h1>Labelling plan: {E(plan.ModelId)} v{plan.ModelVersion}</h1>\n<p>{plan.Devices} devices, {plan.Reports} reports, {plan.Inferences:N0} inferences, {plan.Labels} labels. Budget {plan.Budget}, planned {plan.PlannedLabels} labels from {plan.CandidateCount} buffered candidates (target {E(plan.Target)}).</p>\n");
        LabelShiftEstimate sh = plan.Shift;
        s.Append(C, $"<p>BBSE: cond(C) = {sh.ConditionNumber:F2}; shift test &chi;&sup2; = {sh.ChiSquare:F1}, df = {sh.DegreesOfFreedom}, p = {sh.PValue:G3}: <b>{(sh.Shifted ? "class distribution shifted" : "no significant shift")}</b>.</p>\n");

        s.Append("<h2>Class distributions</h2>\n<p class=\"legend\">");
        string[] series = ["training", "device predicted (naive)", "deployment (BBSE)", "target"];
        for (int i = 0; i < series.Length; i++)
        {
            s.Append(C, $"<span style=\"color:{Colors[i]}\">&#9632; {series[i]}</span>");
        }

        s.Append("</p>\n");
        double[][] groups = plan.Classes.Select(k => new[] { k.TrainShare, k.NaiveShare, k.BbseShare, k.Target }).ToArray();
        s.Append(GroupedBars(ChartIds[0], plan.Classes.Select(k => k.Name).ToArray(), groups));

        s.Append("<h2>Confidence and margin (all devices)</h2>\n");
        s.Append(Histogram(ChartIds[1], "top-1 confidence", plan.ConfidenceHistogram, Colors[0]));
        s.Append(Histogram(ChartIds[2], "top-1 minus top-2 margin", plan.MarginHistogram, Colors[1]));

        s.Append("<h2>Labelled feedback: confusion matrix (true rows, predicted columns)</h2>\n");
        s.Append(Confusion(ChartIds[3], plan.Classes.Select(k => k.Name).ToArray(), plan.Confusion));

        s.Append("<h2>Drift per feature (PSI / calibrated threshold; red: drift at 1 %)</h2>\n");
        s.Append(Drift(ChartIds[4], plan.Features));

        s.Append("<h2>Quotas and class weights</h2>\n<table><tr><th>class</th><th>train n</th><th>BBSE %</th><th>candidates</th><th>quota</th><th>easy</th><th>medium</th><th>hard</th><th>w inv. freq.</th><th>w eff. num. 0.99</th></tr>\n");
        foreach (ClassPlan k in plan.Classes)
        {
            s.Append(C, $"<tr><th>{E(k.Name)}</th><td>{k.TrainCount}</td><td>{k.BbseShare:P1}</td><td>{k.Candidates}</td><td>{k.Quota}</td><td>{k.Easy}</td><td>{k.Medium}</td><td>{k.Hard}</td><td>{k.InverseFrequencyWeight:F3}</td><td>{k.EffectiveNumberWeights["0.99"]:F3}</td></tr>\n");
        }

        s.Append("</table>\n<h2>Data health</h2>\n<ul>");
        s.Append(C, $"<li>Imbalance ratio: training {plan.TrainImbalance:F2}, deployment {plan.DeploymentImbalance:F2}, after this round {plan.PlannedImbalance:F2}</li>");
        s.Append(C, $"<li>Drifting features: {plan.Features.Count(f => f.Drift)}; saturated: {plan.Features.Count(f => f.Saturated)}; out of training range: {plan.Features.Count(f => f.OutOfRange)}; Page-Hinkley alarms: {plan.DriftAlarms}</li>");
        s.Append("<li>Confused pairs: ").Append(E(string.Join("; ", plan.ConfusedPairs.Select(p => p.Names)))).Append("</li>");
        s.Append(C, $"<li>Label-issue candidates: {plan.LabelIssues.Count} buffered, {plan.ConfidentDisagreements} counted on devices</li></ul>\n</body></html>\n");
        return s.ToString();
    }

    private static string GroupedBars(string id, string[] labels, double[][] groups)
    {
        int w = 900, h = 260, left = 40, bottom = 30;
        double max = Math.Max(1e-9, groups.SelectMany(g => g).Max());
        double slot = (w - left) / (double)Math.Max(1, labels.Length), bar = slot * 0.8 / Math.Max(1, groups.FirstOrDefault()?.Length ?? 1);
        var s = Open(id, w, h, "class distributions");
        for (int i = 0; i < labels.Length; i++)
        {
            for (int j = 0; j < groups[i].Length; j++)
            {
                double bh = (h - bottom - 10) * groups[i][j] / max, x = left + (i * slot) + (slot * 0.1) + (j * bar);
                s.Append(C, $"<rect x=\"{x:F1}\" y=\"{h - bottom - bh:F1}\" width=\"{bar:F1}\" height=\"{bh:F1}\" fill=\"{Colors[j % Colors.Length]}\"><title>{E(labels[i])}: {groups[i][j]:P1}</title></rect>");
            }

            s.Append(C, $"<text x=\"{left + (i * slot) + (slot / 2):F1}\" y=\"{h - 10}\" font-size=\"11\" text-anchor=\"middle\">{E(labels[i])}</text>");
        }

        s.Append(C, $"<text x=\"2\" y=\"14\" font-size=\"11\">{max:P0}</text>");
        return s.Append("</svg>\n").ToString();
    }

    private static string Histogram(string id, string title, IReadOnlyList<int> bins, string color)
    {
        int w = 440, h = 200, bottom = 30;
        double max = Math.Max(1, bins.DefaultIfEmpty(0).Max()), bw = (w - 20) / (double)Math.Max(1, bins.Count);
        var s = Open(id, w, h, title);
        for (int b = 0; b < bins.Count; b++)
        {
            double bh = (h - bottom - 20) * bins[b] / max;
            s.Append(C, $"<rect x=\"{10 + (b * bw):F1}\" y=\"{h - bottom - bh:F1}\" width=\"{bw - 1:F1}\" height=\"{bh:F1}\" fill=\"{color}\"><title>[{b / (double)bins.Count:F3}, {(b + 1) / (double)bins.Count:F3}): {bins[b]}</title></rect>");
        }

        s.Append(C, $"<text x=\"10\" y=\"{h - 10}\" font-size=\"11\">0</text><text x=\"{w - 20}\" y=\"{h - 10}\" font-size=\"11\">1</text><text x=\"{w / 2}\" y=\"14\" font-size=\"12\" text-anchor=\"middle\">{E(title)}</text>");
        return s.Append("</svg>\n").ToString();
    }

    private static string Confusion(string id, string[] names, IReadOnlyList<int> matrix)
    {
        int k = names.Length, cell = Math.Max(18, Math.Min(40, 480 / Math.Max(1, k))), left = 70, top = 30;
        int w = left + (k * cell) + 10, h = top + (k * cell) + 10;
        double max = Math.Max(1, matrix.DefaultIfEmpty(0).Max());
        var s = Open(id, w, h, "confusion matrix");
        for (int t = 0; t < k; t++)
        {
            s.Append(C, $"<text x=\"{left - 4}\" y=\"{top + (t * cell) + (cell / 2) + 4}\" font-size=\"10\" text-anchor=\"end\">{E(names[t])}</text>");
            s.Append(C, $"<text x=\"{left + (t * cell) + (cell / 2)}\" y=\"{top - 6}\" font-size=\"10\" text-anchor=\"middle\">{E(names[t])}</text>");
            for (int p = 0; p < k; p++)
            {
                int v = (t * k) + p < matrix.Count ? matrix[(t * k) + p] : 0;
                double a = v / max;
                s.Append(C, $"<rect x=\"{left + (p * cell)}\" y=\"{top + (t * cell)}\" width=\"{cell - 1}\" height=\"{cell - 1}\" fill=\"rgba(78,121,167,{Math.Max(0.04, a):F3})\"><title>true {E(names[t])}, predicted {E(names[p])}: {v}</title></rect>");
            }
        }

        return s.Append("</svg>\n").ToString();
    }

    private static string Drift(string id, IReadOnlyList<FeatureHealth> features)
    {
        int w = 900, h = 220, bottom = 20;
        double[] ratio = features.Select(f => f.Threshold > 0 ? f.Psi / f.Threshold : 0).ToArray();
        double max = Math.Max(2, ratio.DefaultIfEmpty(0).Max()), bw = (w - 20) / (double)Math.Max(1, features.Count);
        var s = Open(id, w, h, "drift per feature");
        double y1 = h - bottom - ((h - bottom - 10) / max);
        s.Append(C, $"<line x1=\"10\" x2=\"{w - 10}\" y1=\"{y1:F1}\" y2=\"{y1:F1}\" stroke=\"#e15759\" stroke-dasharray=\"4\"/>");
        for (int f = 0; f < features.Count; f++)
        {
            double bh = (h - bottom - 10) * ratio[f] / max;
            string fill = features[f].Drift ? "#e15759" : "#59a14f";
            s.Append(C, $"<rect x=\"{10 + (f * bw):F1}\" y=\"{h - bottom - bh:F1}\" width=\"{Math.Max(1, bw - 1):F1}\" height=\"{bh:F1}\" fill=\"{fill}\"><title>{E(features[f].Name)}: PSI {features[f].Psi:F4}, threshold {features[f].Threshold:F4}, p {features[f].PValue:G3}</title></rect>");
        }

        return s.Append("</svg>\n").ToString();
    }

    private static StringBuilder Open(string id, int w, int h, string label) =>
        new StringBuilder().Append(C, $"<svg class=\"chart\" id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{E(label)}\">");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
