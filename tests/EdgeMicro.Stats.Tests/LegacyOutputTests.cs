using EdgeMicro.Cli;
using EdgeMicro.TestKit;

namespace EdgeMicro.Stats.Tests;

/// <summary>
/// A store written by EdgeMicro before schema versions, read by today's `stats show` and `balance` (which migrate it
/// and read the aggregated windows and sample rows with SQL): the outputs are byte-identical to the golden files.
/// The `stats show` goldens are what the EdgeMicro of commit d206573 (reading every report into memory) printed for
/// the same store; the `balance` goldens were recorded again when issue 11's planner changes (prior estimators, data
/// health breakdown) were merged with the SQL reads, since the plan's content changed on purpose.
/// </summary>
public sealed class LegacyOutputTests : IDisposable
{
    private readonly TempDirectory _dir = new("edgemicro-legacy-output");

    public void Dispose() => _dir.Dispose();

    /// <summary>The store of the golden files: 6 devices x 2 windows (digits), one report every 7 minutes from 08:50 UTC.</summary>
    private static void WriteStore(string path) =>
        LegacyStore.Write(path, new Fleet(6, 2, 3).Reports.Values.SelectMany(r => r), new DateTime(2026, 12, 1, 8, 50, 0, DateTimeKind.Utc), TimeSpan.FromMinutes(7));

    [Theory]
    [InlineData("show.json", "stats", "show", "--json")]
    [InlineData("show.txt", "stats", "show")]
    [InlineData("show-dev03.txt", "stats", "show", "--device", "dev03")]
    [InlineData("plan.json", "balance", "--json", "--budget", "30", "--out", "PLAN")]
    [InlineData("plan-sqrt.md", "balance", "--target", "sqrt", "--budget", "12", "--out", "PLAN")]
    public void Readers_OnAStoreOfTheFirstSchema_PrintWhatTheyPrintedBefore(string golden, params string[] args)
    {
        string store = _dir.Combine("legacy.db");
        WriteStore(store);
        string[] model = args[0] == "balance" ? ["--model", DigitsModel.Directory, "--train", DigitsModel.Data("digits_train.csv"), "--holdout", DigitsModel.Data("digits_test.csv")] : [];
        var stdout = new StringWriter();
        var stderr = new StringWriter();

        int code = EdgeMicroApp.Run([.. args.Select(a => a == "PLAN" ? _dir.Combine("plan") : a), .. model, "--store", store], stdout, stderr);

        Assert.True(code == 0, stderr.ToString());
        string text = stdout.ToString().Replace(_dir.Combine("plan"), "PLAN", StringComparison.Ordinal);
        Assert.Equal(File.ReadAllText(RepoPaths.Combine("tests", "EdgeMicro.Stats.Tests", "Golden", golden)), text);
    }
}
