using System.Diagnostics;
using System.Text.Json;
using EdgeMicro.Cli;
using EdgeMicro.Fleet.Balancing;
using EdgeMicro.Fleet.Stats;
using Xunit.Abstractions;

namespace EdgeMicro.Stats.Tests;

public sealed class BalanceReportTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgemicro-balance-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Theory]
    [InlineData("uniform", 40)]
    [InlineData("deployment", 10_000)]
    public void Balance_WhenRunOnStoredFleetStatistics_WritesAPlanWhoseQuotasSumToTheBudgetOrAllCandidates(string target, int budget)
    {
        string db = FillStore();
        string outDir = Path.Combine(_dir, "plan-" + target);

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = EdgeMicroApp.Run(
            ["balance", "--store", db, "--model", DigitsModel.Directory, "--train", DigitsModel.Data("digits_train.csv"), "--holdout", DigitsModel.Data("digits_test.csv"), "--budget", budget.ToString(System.Globalization.CultureInfo.InvariantCulture), "--target", target, "--out", outDir],
            stdout, stderr);
        output.WriteLine(stdout.ToString());
        Assert.True(code == 0, stderr.ToString());

        Assert.All(BalancePlanner.Files, f => Assert.True(File.Exists(Path.Combine(outDir, f)), f));
        using JsonDocument plan = JsonDocument.Parse(File.ReadAllText(Path.Combine(outDir, "plan.json")));
        int candidates = plan.RootElement.GetProperty("candidate_count").GetInt32();
        int quotas = plan.RootElement.GetProperty("classes").EnumerateArray().Sum(c => c.GetProperty("quota").GetInt32());
        Assert.Equal(Math.Min(budget, candidates), quotas);
        Assert.Equal(quotas + 1, File.ReadAllLines(Path.Combine(outDir, "samples-to-label.csv")).Length);
        Assert.All(plan.RootElement.GetProperty("classes").EnumerateArray(), c => Assert.Equal(c.GetProperty("quota").GetInt32(), c.GetProperty("easy").GetInt32() + c.GetProperty("medium").GetInt32() + c.GetProperty("hard").GetInt32()));
    }

    [Fact]
    public void HtmlReport_WhenOpenedInHeadlessChromium_RendersEveryChart()
    {
        string chromium = new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("Debian 'chromium' is not installed (tests/run-all.sh installs it: apt-get install -y chromium)");
        string db = FillStore();
        string outDir = Path.Combine(_dir, "plan");
        BalancePlanner.Run(new BalanceOptions { StorePath = db, ModelDirectory = DigitsModel.Directory, TrainPath = DigitsModel.Data("digits_train.csv"), HoldoutPath = DigitsModel.Data("digits_test.csv"), Budget = 30, OutputDirectory = outDir });
        string report = Path.Combine(outDir, "report.html");

        string dom = Run(chromium, "--dump-dom", report);
        string png = Path.Combine(_dir, "report.png");
        Run(chromium, "--screenshot=" + png, report);

        foreach (string id in HtmlReport.ChartIds)
        {
            Assert.Contains($"<svg class=\"chart\" id=\"{id}\"", dom, StringComparison.Ordinal);
        }

        Assert.Contains("<rect", dom, StringComparison.Ordinal);
        Assert.Contains("Labelling plan: digits", dom, StringComparison.Ordinal);
        Assert.True(new FileInfo(png).Length > 10_000, "screenshot too small");
    }

    private string FillStore()
    {
        string db = Path.Combine(_dir, "edgemicro-stats.db");
        var fleet = new Fleet(6, 2, 3);
        using var store = new StatsStore(db);
        foreach (byte[] report in fleet.Reports.Values.SelectMany(r => r))
        {
            store.Add(report, out _);
        }

        return db;
    }

    private string Run(string chromium, string mode, string file)
    {
        var info = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string a in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--user-data-dir=" + Path.Combine(_dir, "profile"), mode, "file://" + file })
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

        output.WriteLine(stderr.Result.Length > 1000 ? stderr.Result[..1000] : stderr.Result);
        Assert.True(process.ExitCode == 0, "chromium exit code " + process.ExitCode);
        return stdout.Result;
    }
}
