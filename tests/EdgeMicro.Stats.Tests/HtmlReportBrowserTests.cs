using System.Diagnostics;
using System.Text.RegularExpressions;
using EdgeMicro.Fleet.Balancing;
using Xunit.Abstractions;

namespace EdgeMicro.Stats.Tests;

/// <summary>
/// report.html in a real headless Chromium (Debian `chromium`, installed by tests/run-all.sh): the rendered DOM has
/// every chart with axes, the confusion heatmap with its counts, one table row per plan entry, sample rows naming their
/// samples-to-label.csv lines, the small hold-out warning; the file loads nothing from outside and logs no error. The
/// screenshot is kept under the test output directory (path printed).
/// </summary>
public sealed partial class HtmlReportBrowserTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgemicro-report-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void HtmlReport_WhenOpenedInHeadlessChromium_ShowsAxesCountsAndOneRowPerPlanEntry()
    {
        string chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Debian 'chromium' is not installed (tests/run-all.sh installs it: apt-get install -y chromium)");
        using var fleet = new HealthFleet();
        var random = new Random(11);
        int one = HealthFleet.One();
        for (int d = 0; d < 4; d++)
        {
            fleet.Device("dev" + d, HealthFleet.Dirichlet(10, 0.5, random), 4, 400, 110 + d, d == 3 ? x => x[36] = 8 * one : null, flipEvery: 4);
        }

        string outDir = Path.Combine(_dir, "plan");
        BalancePlan plan = BalancePlanner.Run(new BalanceOptions { StorePath = fleet.StorePath, ModelDirectory = DigitsModel.Directory, TrainPath = fleet.TrainPath, HoldoutPath = fleet.HoldoutPath, Budget = 30, OutputDirectory = outDir });
        string report = Path.Combine(outDir, "report.html");
        string html = File.ReadAllText(report);

        // Offline: no script, nothing fetched from elsewhere.
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(External(), html);

        (string dom, string log) = Run(chromium, "--dump-dom", report);
        string artifacts = Path.Combine(AppContext.BaseDirectory, "artifacts");
        Directory.CreateDirectory(artifacts);
        string png = Path.Combine(artifacts, "report.png");
        File.Delete(png);
        Run(chromium, "--screenshot=" + png, report);
        output.WriteLine("screenshot: " + png);
        Assert.True(new FileInfo(png).Length > 10_000, "screenshot too small");
        Assert.DoesNotContain("Uncaught", log, StringComparison.Ordinal);
        Assert.DoesNotContain("Failed to load resource", log, StringComparison.Ordinal);

        foreach (string id in HtmlReport.ChartIds)
        {
            string chart = Element(dom, "svg", id);
            Assert.Contains("class=\"axis-title\"", chart, StringComparison.Ordinal);
            Assert.Contains("class=\"tick\"", chart, StringComparison.Ordinal);
        }

        // Log count axis on the histograms: ticks at powers of ten.
        Assert.Contains(">1,000<", Element(dom, "svg", HtmlReport.ChartIds[1]), StringComparison.Ordinal);

        // The heatmap writes every count, in matrix order.
        int k = plan.Classes.Count;
        var counts = CellCount().Matches(Element(dom, "svg", HtmlReport.ChartIds[3])).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(k * k, counts.Count);
        Assert.Equal(plan.Confusion, counts);
        Assert.True(plan.Confusion.Sum() > 0);

        Assert.Equal(k, Rows(Element(dom, "table", "table-priors")));
        Assert.Equal(k, Rows(Element(dom, "table", "table-quotas")));
        Assert.Equal(plan.Health!.Devices.Count, Rows(Element(dom, "table", "table-devices")));
        Assert.Equal(plan.Health.Windows.Count, Rows(Element(dom, "table", "table-windows")));
        Assert.Equal(plan.LabelIssues.Count, Rows(Element(dom, "table", "table-label-issues")));
        Assert.True(plan.LabelIssues.Count > 0);
        Assert.Contains("dev3", Element(dom, "table", "table-devices").Split("</tr>")[1], StringComparison.Ordinal);
        Assert.Contains("stuck", Element(dom, "table", "table-devices"), StringComparison.Ordinal);

        // Sample rows: as many as the plan's picks, each naming its line of samples-to-label.csv with that line's device and sequence.
        string samples = Element(dom, "table", "table-samples");
        string[] csv = File.ReadAllLines(Path.Combine(outDir, "samples-to-label.csv"));
        Assert.Equal(plan.Picks.Count, Rows(samples));
        Assert.Equal(plan.Picks.Count + 1, csv.Length);
        string[] header = csv[0].Split(',');
        for (int i = 0; i < plan.Picks.Count; i++)
        {
            int line = i + 2;
            string[] cells = csv[line - 1].Split(',');
            string row = Regex.Match(samples, $"<tr id=\"sample-line-{line}\">.*?</tr>", RegexOptions.Singleline).Value;
            Assert.Contains($"samples-to-label.csv:{line}<", row, StringComparison.Ordinal);
            Assert.Contains($"<td>{cells[Array.IndexOf(header, EdgeMicro.Fleet.Labels.LabelFiles.ProvenanceColumns[0])]}</td>", row, StringComparison.Ordinal);
            Assert.Contains($"<td>{cells[Array.IndexOf(header, EdgeMicro.Fleet.Labels.LabelFiles.ProvenanceColumns[3])]}</td>", row, StringComparison.Ordinal);
        }

        // The small hold-out warning (about 27 rows per class here) and the intervals.
        Assert.NotEmpty(plan.Priors!.Warnings);
        Assert.Contains("class=\"warning\"", dom, StringComparison.Ordinal);
        Assert.Matches(@"\[\d+\.\d %, \d+\.\d %\]", Element(dom, "table", "table-priors"));
    }

    [GeneratedRegex("(src|href)\\s*=\\s*\"(https?:)?//", RegexOptions.IgnoreCase)]
    private static partial Regex External();

    [GeneratedRegex("<text class=\"cell-count\"[^>]*>(\\d+)</text>")]
    private static partial Regex CellCount();

    private static string Element(string dom, string tag, string id)
    {
        Match m = Regex.Match(dom, $"<{tag}[^>]*id=\"{id}\".*?</{tag}>", RegexOptions.Singleline);
        Assert.True(m.Success, $"{tag}#{id} not rendered");
        return m.Value;
    }

    private static int Rows(string table) => Regex.Matches(table.Split("<tbody>")[1], "<tr[ >]").Count;

    private (string Stdout, string Stderr) Run(string chromium, string mode, string file)
    {
        var info = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--enable-logging=stderr", "--v=0", "--window-size=1280,4000", "--user-data-dir=" + Path.Combine(_dir, "profile"), mode, "file://" + file })
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(true);
            throw new TimeoutException("chromium did not finish");
        }

        string log = stderr.Result;
        output.WriteLine(log.Length > 1000 ? log[..1000] : log);
        Assert.True(process.ExitCode == 0, "chromium exit code " + process.ExitCode);
        return (stdout.Result, log);
    }
}
