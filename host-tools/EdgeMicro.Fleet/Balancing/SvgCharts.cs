using System.Globalization;
using System.Net;
using System.Text;

namespace EdgeMicro.Fleet.Balancing;

/// <summary>
/// Inline SVG charts for <see cref="HtmlReport"/>, each with axes, tick values and axis titles (classes
/// <c>axis</c>, <c>tick</c>, <c>axis-title</c>), values in <c>title</c> tooltips, and a stable id. Counts that span
/// decades are drawn on a log scale (log10(1 + n)).
/// </summary>
public static class SvgCharts
{
    /// <summary>Series colours.</summary>
    public static readonly string[] Colors = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1", "#ff9da7"];

    private const int Left = 60, Bottom = 46, Top = 24, Right = 16;
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    /// <summary>Grouped bars (one group per category, one bar per series), linear y axis.</summary>
    /// <param name="id">Element id.</param>
    /// <param name="categories">Category labels (x).</param>
    /// <param name="values">values[category][series].</param>
    /// <param name="yTitle">Y axis title.</param>
    /// <param name="xTitle">X axis title.</param>
    /// <param name="percent">Format values as percentages.</param>
    /// <returns>SVG.</returns>
    public static string GroupedBars(string id, IReadOnlyList<string> categories, IReadOnlyList<double[]> values, string yTitle, string xTitle, bool percent)
    {
        ArgumentNullException.ThrowIfNull(categories);
        ArgumentNullException.ThrowIfNull(values);
        int w = 900, h = 300;
        double max = Nice(values.SelectMany(v => v).DefaultIfEmpty(0).Max());
        var s = Open(id, w, h, yTitle + " by " + xTitle);
        Axes(s, w, h, max, false, v => percent ? v.ToString("P0", C) : v.ToString("G3", C), yTitle, xTitle);
        double slot = (w - Left - Right) / (double)Math.Max(1, categories.Count);
        int series = values.Count == 0 ? 1 : values[0].Length;
        double bar = slot * 0.8 / series;
        for (int i = 0; i < categories.Count; i++)
        {
            for (int j = 0; j < values[i].Length; j++)
            {
                double bh = Y(values[i][j], max, h, false), x = Left + (i * slot) + (slot * 0.1) + (j * bar);
                s.Append(C, $"<rect class=\"bar\" x=\"{x:F1}\" y=\"{h - Bottom - bh:F1}\" width=\"{bar:F1}\" height=\"{bh:F1}\" fill=\"{Colors[j % Colors.Length]}\"><title>{E(categories[i])}: {(percent ? values[i][j].ToString("P1", C) : values[i][j].ToString("G4", C))}</title></rect>");
            }

            s.Append(C, $"<text class=\"tick\" x=\"{Left + (i * slot) + (slot / 2):F1}\" y=\"{h - Bottom + 14}\" font-size=\"11\" text-anchor=\"middle\">{E(categories[i])}</text>");
        }

        return s.Append("</svg>\n").ToString();
    }

    /// <summary>A histogram of counts over [0, 1) bins, log count axis.</summary>
    /// <param name="id">Element id.</param>
    /// <param name="bins">Counts per bin.</param>
    /// <param name="xTitle">X axis title.</param>
    /// <param name="color">Bar colour.</param>
    /// <returns>SVG.</returns>
    public static string Histogram(string id, IReadOnlyList<int> bins, string xTitle, string color)
    {
        ArgumentNullException.ThrowIfNull(bins);
        int w = 440, h = 240;
        double max = Math.Max(1, bins.DefaultIfEmpty(0).Max());
        var s = Open(id, w, h, xTitle + " histogram");
        Axes(s, w, h, max, true, v => v.ToString("N0", C), "samples (log scale)", xTitle);
        double bw = (w - Left - Right) / (double)Math.Max(1, bins.Count);
        for (int b = 0; b < bins.Count; b++)
        {
            double bh = Y(bins[b], max, h, true);
            s.Append(C, $"<rect class=\"bar\" x=\"{Left + (b * bw):F1}\" y=\"{h - Bottom - bh:F1}\" width=\"{Math.Max(1, bw - 1):F1}\" height=\"{bh:F1}\" fill=\"{color}\"><title>[{b / (double)bins.Count:F3}, {(b + 1) / (double)bins.Count:F3}): {bins[b]}</title></rect>");
        }

        for (int t = 0; t <= 4; t++)
        {
            s.Append(C, $"<text class=\"tick\" x=\"{Left + (t * (w - Left - Right) / 4.0):F1}\" y=\"{h - Bottom + 14}\" font-size=\"10\" text-anchor=\"middle\">{t / 4.0:F2}</text>");
        }

        return s.Append("</svg>\n").ToString();
    }

    /// <summary>A heatmap with the count written in every cell (rows true, columns predicted).</summary>
    /// <param name="id">Element id.</param>
    /// <param name="names">Class names.</param>
    /// <param name="matrix">Row-major counts.</param>
    /// <returns>SVG.</returns>
    public static string Heatmap(string id, IReadOnlyList<string> names, IReadOnlyList<int> matrix)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(matrix);
        int k = names.Count, cell = Math.Max(22, Math.Min(44, 520 / Math.Max(1, k))), left = 90, top = 50;
        int w = left + (k * cell) + 20, h = top + (k * cell) + 30;
        double max = Math.Max(1, matrix.DefaultIfEmpty(0).Max());
        var s = Open(id, w, h, "confusion matrix");
        s.Append(C, $"<text class=\"axis-title\" x=\"{left + (k * cell / 2)}\" y=\"14\" font-size=\"12\" text-anchor=\"middle\">predicted class</text>");
        s.Append(C, $"<text class=\"axis-title\" x=\"14\" y=\"{top + (k * cell / 2)}\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 {top + (k * cell / 2)})\">true class (labels)</text>");
        for (int t = 0; t < k; t++)
        {
            s.Append(C, $"<text class=\"tick\" x=\"{left - 4}\" y=\"{top + (t * cell) + (cell / 2) + 4}\" font-size=\"10\" text-anchor=\"end\">{E(names[t])}</text>");
            s.Append(C, $"<text class=\"tick\" x=\"{left + (t * cell) + (cell / 2)}\" y=\"{top - 6}\" font-size=\"10\" text-anchor=\"middle\">{E(names[t])}</text>");
            for (int p = 0; p < k; p++)
            {
                int v = (t * k) + p < matrix.Count ? matrix[(t * k) + p] : 0;
                double a = v == 0 ? 0 : Math.Log10(1 + v) / Math.Log10(1 + max);
                string fill = t == p ? $"rgba(89,161,79,{Math.Max(0.05, a):F3})" : $"rgba(225,87,89,{Math.Max(0.05, a):F3})";
                s.Append(C, $"<rect class=\"cell\" x=\"{left + (p * cell)}\" y=\"{top + (t * cell)}\" width=\"{cell - 1}\" height=\"{cell - 1}\" fill=\"{fill}\"><title>true {E(names[t])}, predicted {E(names[p])}: {v}</title></rect>");
                s.Append(C, $"<text class=\"cell-count\" x=\"{left + (p * cell) + (cell / 2)}\" y=\"{top + (t * cell) + (cell / 2) + 4}\" font-size=\"10\" text-anchor=\"middle\">{v}</text>");
            }
        }

        return s.Append("</svg>\n").ToString();
    }

    /// <summary>Bars per feature of PSI / threshold with the threshold line at 1.</summary>
    /// <param name="id">Element id.</param>
    /// <param name="names">Feature names.</param>
    /// <param name="ratios">PSI / threshold per feature.</param>
    /// <param name="flagged">Whether each feature is flagged.</param>
    /// <returns>SVG.</returns>
    public static string Ratios(string id, IReadOnlyList<string> names, IReadOnlyList<double> ratios, IReadOnlyList<bool> flagged)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(ratios);
        ArgumentNullException.ThrowIfNull(flagged);
        int w = 900, h = 260;
        double max = Nice(Math.Max(2, ratios.DefaultIfEmpty(0).Max()));
        var s = Open(id, w, h, "drift per feature");
        Axes(s, w, h, max, false, v => v.ToString("G3", C), "PSI / threshold", "feature");
        double y1 = h - Bottom - Y(1, max, h, false), bw = (w - Left - Right) / (double)Math.Max(1, names.Count);
        s.Append(C, $"<line x1=\"{Left}\" x2=\"{w - Right}\" y1=\"{y1:F1}\" y2=\"{y1:F1}\" stroke=\"#e15759\" stroke-dasharray=\"4\"><title>threshold (ratio 1)</title></line>");
        for (int f = 0; f < names.Count; f++)
        {
            double bh = Y(ratios[f], max, h, false);
            s.Append(C, $"<rect class=\"bar\" x=\"{Left + (f * bw):F1}\" y=\"{h - Bottom - bh:F1}\" width=\"{Math.Max(1, bw - 1):F1}\" height=\"{bh:F1}\" fill=\"{(flagged[f] ? "#e15759" : "#59a14f")}\"><title>{E(names[f])}: PSI / threshold {ratios[f]:G3}</title></rect>");
        }

        int step = Math.Max(1, names.Count / 16);
        for (int f = 0; f < names.Count; f += step)
        {
            s.Append(C, $"<text class=\"tick\" x=\"{Left + (f * bw) + (bw / 2):F1}\" y=\"{h - Bottom + 14}\" font-size=\"9\" text-anchor=\"middle\">{E(names[f])}</text>");
        }

        return s.Append("</svg>\n").ToString();
    }

    /// <summary>Lines over windows, one per series (a marker with its value at every point).</summary>
    /// <param name="id">Element id.</param>
    /// <param name="windows">Window ordinals (x).</param>
    /// <param name="series">Series name to values per window (NaN = no value).</param>
    /// <param name="yTitle">Y axis title.</param>
    /// <returns>SVG.</returns>
    public static string Lines(string id, IReadOnlyList<int> windows, IReadOnlyDictionary<string, double[]> series, string yTitle)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentNullException.ThrowIfNull(series);
        int w = 900, h = 280;
        double max = Nice(Math.Max(1, series.Values.SelectMany(v => v).Where(v => !double.IsNaN(v)).DefaultIfEmpty(0).Max()));
        var s = Open(id, w, h, yTitle + " per window");
        Axes(s, w, h, max, false, v => v.ToString("G3", C), yTitle, "window");
        double X(int i) => Left + ((w - Left - Right) * (windows.Count <= 1 ? 0.5 : i / (double)(windows.Count - 1)));
        for (int i = 0; i < windows.Count; i++)
        {
            s.Append(C, $"<text class=\"tick\" x=\"{X(i):F1}\" y=\"{h - Bottom + 14}\" font-size=\"10\" text-anchor=\"middle\">{windows[i]}</text>");
        }

        int n = 0;
        foreach (var (name, values) in series)
        {
            string color = Colors[n++ % Colors.Length];
            var points = Enumerable.Range(0, values.Length).Where(i => !double.IsNaN(values[i])).Select(i => string.Create(C, $"{X(i):F1},{h - Bottom - Y(values[i], max, h, false):F1}"));
            s.Append(C, $"<polyline class=\"series\" fill=\"none\" stroke=\"{color}\" stroke-width=\"2\" points=\"{string.Join(' ', points)}\"><title>{E(name)}</title></polyline>");
            for (int i = 0; i < values.Length; i++)
            {
                if (!double.IsNaN(values[i]))
                {
                    s.Append(C, $"<circle cx=\"{X(i):F1}\" cy=\"{h - Bottom - Y(values[i], max, h, false):F1}\" r=\"3\" fill=\"{color}\"><title>{E(name)}, window {windows[i]}: {values[i]:G3}</title></circle>");
                }
            }
        }

        return s.Append("</svg>\n").ToString();
    }

    private static void Axes(StringBuilder s, int w, int h, double max, bool log, Func<double, string> format, string yTitle, string xTitle)
    {
        s.Append(C, $"<line class=\"axis\" x1=\"{Left}\" y1=\"{Top}\" x2=\"{Left}\" y2=\"{h - Bottom}\" stroke=\"#333\"/><line class=\"axis\" x1=\"{Left}\" y1=\"{h - Bottom}\" x2=\"{w - Right}\" y2=\"{h - Bottom}\" stroke=\"#333\"/>");
        double[] ticks = log
            ? Enumerable.Range(0, (int)Math.Floor(Math.Log10(max)) + 1).Select(e => Math.Pow(10, e)).Prepend(0).ToArray()
            : Enumerable.Range(0, 5).Select(t => max * t / 4).ToArray();
        foreach (double t in ticks)
        {
            double y = h - Bottom - Y(t, max, h, log);
            s.Append(C, $"<line x1=\"{Left - 4}\" x2=\"{w - Right}\" y1=\"{y:F1}\" y2=\"{y:F1}\" stroke=\"#ddd\"/><text class=\"tick\" x=\"{Left - 6}\" y=\"{y + 4:F1}\" font-size=\"10\" text-anchor=\"end\">{E(format(t))}</text>");
        }

        s.Append(C, $"<text class=\"axis-title\" x=\"{(Left + w - Right) / 2}\" y=\"{h - 8}\" font-size=\"12\" text-anchor=\"middle\">{E(xTitle)}</text>");
        s.Append(C, $"<text class=\"axis-title\" x=\"14\" y=\"{(Top + h - Bottom) / 2}\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 {(Top + h - Bottom) / 2})\">{E(yTitle)}</text>");
    }

    private static double Y(double v, double max, int h, bool log)
    {
        double span = h - Bottom - Top;
        return log ? span * Math.Log10(1 + Math.Max(0, v)) / Math.Log10(1 + max) : span * Math.Max(0, v) / Math.Max(1e-12, max);
    }

    private static double Nice(double max)
    {
        if (max <= 0)
        {
            return 1;
        }

        double p = Math.Pow(10, Math.Floor(Math.Log10(max)));
        return new[] { 1, 2, 2.5, 5, 10 }.Select(m => m * p).First(v => v >= max * 0.999);
    }

    private static StringBuilder Open(string id, int w, int h, string label) =>
        new StringBuilder().Append(C, $"<svg class=\"chart\" id=\"{id}\" xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{E(label)}\">");

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
