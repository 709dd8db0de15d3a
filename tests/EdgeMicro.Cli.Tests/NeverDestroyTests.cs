using System.Diagnostics;
using System.Security.Cryptography;
using EdgeMicro.Cli.Tests.Support;

namespace EdgeMicro.Cli.Tests;

/// <summary>
/// Issue 9's data loss: `convert --out DIR` on an existing directory deleted everything in it. No command deletes or
/// overwrites what it did not create: an occupied directory is refused before any work (exit 1, nothing changed), a
/// previous output is replaced file by file, and --force adds files beside the user's without touching them.
/// </summary>
public sealed class NeverDestroyTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public void Convert_IntoADirectoryHoldingAUserFile_RefusesAndLeavesItUnchanged()
    {
        string dir = Directory.CreateDirectory(_temp.Combine("project")).FullName;
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "three weeks of field notes");
        string before = Snapshot(dir);

        CliResult r = Wine(dir);

        Assert.Equal(1, r.ExitCode);
        Assert.Single(r.StderrLines, l => l.StartsWith("error: ", StringComparison.Ordinal) && l.Contains("EdgeMicro did not write", StringComparison.Ordinal));
        Assert.DoesNotContain(r.StderrLines, l => l.Contains("Calibrating", StringComparison.Ordinal)); // refused before any work
        Assert.Equal(before, Snapshot(dir));
    }

    [Fact]
    public void Convert_WithForceIntoADirectoryHoldingAUserFile_AddsItsFilesAndKeepsTheUserFile()
    {
        string dir = Directory.CreateDirectory(_temp.Combine("project")).FullName;
        File.WriteAllText(Path.Combine(dir, "notes.txt"), "field notes");

        CliResult r = Wine(dir, "--force");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("field notes", File.ReadAllText(Path.Combine(dir, "notes.txt")));
        Assert.True(File.Exists(Path.Combine(dir, "wine.emm")));
    }

    [Fact]
    public void Convert_AgainIntoItsOwnOutputWithAUserFileAdded_ReplacesItsFilesAndKeepsTheUserFile()
    {
        string dir = _temp.Combine("out");
        Assert.Equal(0, Wine(dir).ExitCode);
        File.WriteAllText(Path.Combine(dir, "README.txt"), "mine");

        CliResult r = Wine(dir, "--model-version", "2");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal("mine", File.ReadAllText(Path.Combine(dir, "README.txt")));
        Assert.Contains("\"model_version\": 2", File.ReadAllText(Path.Combine(dir, "report.json")), StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_IntoTheCurrentDirectory_RefusesAndLeavesItUnchanged()
    {
        // A real child process: the working directory is per process, and `--out .` is what users type.
        string cwd = Directory.CreateDirectory(_temp.Combine("work")).FullName;
        File.WriteAllText(Path.Combine(cwd, "keep.cs"), "class Keep {}");
        string before = Snapshot(cwd);

        (int exit, string stderr) = RunProcess(cwd, "convert", Devkit.WineModel, "--calibration", Devkit.WineCalibration, "--name", "Wine", "--out", ".");

        Assert.Equal(1, exit);
        Assert.Contains("error: ", stderr, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(cwd));
        Assert.Equal([cwd], Directory.GetFileSystemEntries(_temp.Path));
    }

    public void Dispose() => _temp.Dispose();

    private static CliResult Wine(string outDir, params string[] extra) =>
        CliRun.Run(["convert", Devkit.WineModel, "--calibration", Devkit.WineCalibration, "--test", Devkit.WineTest, "--name", "Wine", "--out", outDir, .. extra]);

    private static string Snapshot(string root) => string.Join("\n", Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
        .Order(StringComparer.Ordinal)
        .Select(p => Path.GetRelativePath(root, p) + ":" + (File.Exists(p) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))) : "dir")));

    private static (int Exit, string Stderr) RunProcess(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = workingDirectory, RedirectStandardError = true, RedirectStandardOutput = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "edgemicro.dll"));
        foreach (string a in args)
        {
            start.ArgumentList.Add(a);
        }

        using Process p = Process.Start(start)!;
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        string stderr = p.StandardError.ReadToEnd();
        p.WaitForExit();
        _ = stdout.Result;
        return (p.ExitCode, stderr);
    }
}
