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
}
