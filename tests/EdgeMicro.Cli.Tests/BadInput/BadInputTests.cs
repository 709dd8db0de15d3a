using System.Security.Cryptography;
using EdgeMicro.Cli.Tests.Support;

namespace EdgeMicro.Cli.Tests.BadInput;

/// <summary>
/// Every bad-input category of issue 9, for every command it applies to (<see cref="BadInputCases"/>): the documented
/// exit code, exactly one <c>error:</c> line saying what is wrong and where, no stack trace, nothing on stdout, and no
/// file of the user changed or added (the case's work directory is hashed before and after).
/// </summary>
public sealed class BadInputTests(BadInputFixture fixture) : IClassFixture<BadInputFixture>
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (string line in BadInputCases.Lines)
        {
            data.Add(line);
        }

        return data;
    }

    [Fact]
    public void Table_CoversAtLeast150CasesOverEveryCommand()
    {
        string[] commands = [.. BadInputCases.Lines.Select(l => l.Split('|')[2].Trim().Split(' ')[0]).Distinct()];
        Assert.True(BadInputCases.Lines.Length >= 150, $"{BadInputCases.Lines.Length} cases");
        Assert.Equal([string.Empty, "analyze", "balance", "bench", "convert", "device", "devices", "flash", "hil", "labels", "model", "nosuch", "stats"], commands.Order(StringComparer.Ordinal));
        Assert.Equal(BadInputCases.Lines.Length, BadInputCases.Lines.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Command_WhenGivenBadInput_FailsWithOneClearErrorAndChangesNothing(string line)
    {
        string[] parts = line.Split('|', 3);
        int expectedExit = int.Parse(parts[0].Trim(), System.Globalization.CultureInfo.InvariantCulture);
        string expected = parts[1].Trim();
        using TempDirectory work = fixture.NewWork();
        string[] args = [.. parts[2].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(a => Expand(a, work))];
        string before = Snapshot(work.Path);

        CliResult r = CliRun.Run(args);

        string[] errors = [.. r.StderrLines.Where(l => l.StartsWith("error: ", StringComparison.Ordinal))];
        Assert.True(r.ExitCode == expectedExit, $"exit {r.ExitCode}, expected {expectedExit}\n{r}");
        Assert.True(errors.Length == 1, $"expected one error line\n{r}");
        Assert.True(Expand(errors[0], work).Contains(Expand(expected, work), StringComparison.Ordinal), $"the error line does not say '{expected}'\n{r}");
        Assert.DoesNotContain(r.StderrLines, l => l.TrimStart().StartsWith("at ", StringComparison.Ordinal) || l.Contains("internal error", StringComparison.Ordinal));
        Assert.True(r.Stdout.Length == 0, $"partial output on stdout\n{r}");
        Assert.True(before == Snapshot(work.Path), $"the command changed the user's files\n{r}");
    }

    private string Expand(string token, TempDirectory work) => token
        .Replace("~/", work.Path + "/", StringComparison.Ordinal)
        .Replace("$wonnx", Devkit.WineModel, StringComparison.Ordinal)
        .Replace("$wcal", Devkit.WineCalibration, StringComparison.Ordinal)
        .Replace("$wtest", Devkit.WineTest, StringComparison.Ordinal)
        .Replace("$donnx", Devkit.DigitsModel, StringComparison.Ordinal)
        .Replace("$dcal", Devkit.DigitsCalibration, StringComparison.Ordinal)
        .Replace("$emm", Path.Combine(fixture.Wine, "wine.emm"), StringComparison.Ordinal)
        .Replace("$wine", fixture.Wine, StringComparison.Ordinal)
        .Replace("$manifest", RepoPaths.Combine("models", "examples.json"), StringComparison.Ordinal);

    private static string Snapshot(string root) => string.Join("\n", Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(p => Path.GetRelativePath(root, p) + ":" + (File.Exists(p) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))) : "dir")));
}
