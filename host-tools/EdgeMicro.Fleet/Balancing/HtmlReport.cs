using System.Globalization;
using System.Net;
using System.Text;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>
/// The self-contained HTML report of a plan for the labelling lead: inline CSS and inline SVG only (no script, no
/// external resource), so it opens offline as one file. Charts (<see cref="SvgCharts"/>, with axes and values):
/// class distributions, confidence and margin histograms on a log count scale, the labelled confusion matrix with
/// counts, drift per feature, and the trend over windows per device. Tables (<see cref="HtmlTables"/>): prior
/// estimates with intervals and the small hold-out warning, quotas, per-device health, per-window trend, label-issue
/// candidates with evidence and the samples to label linked to their samples-to-label.csv lines.
/// </summary>
public static class HtmlReport
{
    /// <summary>Chart ids, in page order.</summary>
    public static readonly string[] ChartIds = ["chart-classes", "chart-confidence", "chart-margin", "chart-confusion", "chart-drift", "chart-trend"];

    private const string Style = "body{font-family:sans-serif;margin:2em;max-width:1200px;color:#222}table{border-collapse:collapse;margin:0.5em 0 1.5em}"
        + "td,th{border:1px solid #ccc;padding:2px 6px;text-align:right;vertical-align:top}thead th{background:#eee}td.text{text-align:left;max-width:520px}"
        + "tr.bad th,tr.bad td{background:#fde8e8}.warning{background:#fff4ce;border-left:4px solid #e0a800;padding:4px 8px}"
        + "svg.chart{display:block;margin:1em 0;background:#fafafa;border:1px solid #ddd}.legend span{margin-right:1em}nav a{margin-right:1em}";

    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Renders the report.</summary>
    /// <param name="plan">Plan.</param>
    /// <returns>HTML text.</returns>
    public static string Render(BalancePlan plan)
    {
        ArgumentNullException.ThrowIfNull(plan);
        var s = new StringBuilder();
        string[] names = plan.Classes.Select(k => k.Name).ToArray();
        s.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>").Append(E($"EdgeMicro labelling plan: {plan.ModelId} v{plan.ModelVersion}"))
            .Append("</title><style>").Append(Style).Append("</style></head><body>\n");
        s.Append(C, $"<h1>Labelling plan: {E(plan.ModelId)} v{plan.ModelVersion}</h1>\n<p>{plan.Devices} devices, {plan.Reports} reports, {plan.Inferences:N0} inferences, {plan.Labels} labels. Budget {plan.Budget}, planned {plan.PlannedLabels} labels from {plan.CandidateCount} buffered candidates (target {E(plan.Target)}).</p>\n");
        s.Append("<nav><a href=\"#priors\">priors</a><a href=\"#quotas\">quotas</a><a href=\"#health\">data health</a><a href=\"#devices\">devices</a><a href=\"#trend\">trend</a><a href=\"#label-issues\">label issues</a><a href=\"#samples\">samples to label</a></nav>\n");

        s.Append("<h2 id=\"priors\">Deployment class prior</h2>\n").Append(HtmlTables.Priors(plan));
        LabelShiftEstimate sh = plan.Shift;
        s.Append(C, $"<p>Shift test (BBSE): &chi;&sup2; = {sh.ChiSquare:F1}, df = {sh.DegreesOfFreedom}, p = {sh.PValue:G3}: <b>{(sh.Shifted ? "class distribution shifted" : "no significant shift")}</b>; cond(C) = {sh.ConditionNumber:F2}.</p>\n");
        s.Append("<h3>Class distributions</h3>\n<p class=\"legend\">");
        string[] series = ["training", "device predicted (naive)", "deployment (chosen)", "target"];
        for (int i = 0; i < series.Length; i++)
        {
            s.Append(C, $"<span style=\"color:{SvgCharts.Colors[i]}\">&#9632; {series[i]}</span>");
        }

        s.Append("</p>\n").Append(SvgCharts.GroupedBars(ChartIds[0], names, plan.Classes.Select(k => new[] { k.TrainShare, k.NaiveShare, k.ChosenShare, k.Target }).ToArray(), "share", "class", true));

        s.Append("<h2 id=\"quotas\">Quotas and class weights</h2>\n").Append(HtmlTables.Quotas(plan));
        s.Append(C, $"<p>Imbalance ratio (max/min): training {plan.TrainImbalance:F2}, deployment {plan.DeploymentImbalance:F2}, after this round {plan.PlannedImbalance:F2}.</p>\n");

        s.Append("<h2>Confidence and margin (all devices)</h2>\n");
        s.Append(SvgCharts.Histogram(ChartIds[1], plan.ConfidenceHistogram, "top-1 confidence", SvgCharts.Colors[0]));
        s.Append(SvgCharts.Histogram(ChartIds[2], plan.MarginHistogram, "top-1 minus top-2 margin", SvgCharts.Colors[1]));
        s.Append(C, $"<h2>Labelled feedback: confusion matrix ({plan.Confusion.Sum()} labels from devices)</h2>\n").Append(SvgCharts.Heatmap(ChartIds[3], names, plan.Confusion));

        s.Append("<h2 id=\"health\">Data health</h2>\n");
        s.Append(C, $"<p>Drifting features: {plan.Features.Count(f => f.Drift)} of {plan.Features.Count}; saturated: {plan.Features.Count(f => f.Saturated)}; stuck: {plan.Features.Count(f => f.Stuck)}; out of training range: {plan.Features.Count(f => f.OutOfRange)}; Page-Hinkley alarms: {plan.DriftAlarms}. Confused pairs: {E(string.Join("; ", plan.ConfusedPairs.Select(p => p.Names)))}.</p>\n");
        if (plan.Health is { } health)
        {
            s.Append(C, $"<p>Expectation: {E(health.Method)}. Repeated readings: {health.RepeatRate:P2} of reading pairs identical ({health.RepeatPairs} reservoir pairs).</p>\n");
        }

        s.Append(SvgCharts.Ratios(ChartIds[4], plan.Features.Select(f => f.Name).ToArray(), plan.Features.Select(FleetHealth.Ratio).ToArray(), plan.Features.Select(f => f.Drift || f.Saturated || f.Stuck).ToArray()));
        if (plan.Health is { } h)
        {
            s.Append("<h2 id=\"devices\">Per device</h2>\n").Append(HtmlTables.Devices(h));
            s.Append("<h2 id=\"trend\">Trend over windows</h2>\n<p>Each device's largest PSI / threshold in each window on its own (above 1: the window alone flags it).</p>\n");
            int[] windows = h.Windows.Select(w => w.Window).ToArray();
            var lines = h.Devices.Select(d => d.DeviceId).OrderBy(d => d, StringComparer.Ordinal)
                .ToDictionary(d => d, d => h.Windows.Select(w => w.DeviceRatios.TryGetValue(d, out double v) ? v : double.NaN).ToArray());
            s.Append("<p class=\"legend\">");
            int n = 0;
            foreach (string d in lines.Keys)
            {
                s.Append(C, $"<span style=\"color:{SvgCharts.Colors[n++ % SvgCharts.Colors.Length]}\">&#9632; {E(d)}</span>");
            }

            s.Append("</p>\n").Append(SvgCharts.Lines(ChartIds[5], windows, lines, "max PSI / threshold")).Append(HtmlTables.Windows(h));
        }

        s.Append(C, $"<h2 id=\"label-issues\">Label-issue candidates ({plan.LabelIssues.Count} buffered; {plan.ConfidentDisagreements} confident disagreements counted on devices)</h2>\n").Append(HtmlTables.LabelIssues(plan));
        s.Append(C, $"<h2 id=\"samples\">Samples to label ({plan.Picks.Count} rows of {BalancePlanner.Files[2]})</h2>\n").Append(HtmlTables.Samples(plan, BalancePlanner.Files[2]));
        return s.Append("</body></html>\n").ToString();
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
