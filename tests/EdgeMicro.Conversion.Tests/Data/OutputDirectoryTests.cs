using System.Security.Cryptography;
using EdgeMicro.Data;

namespace EdgeMicro.Conversion.Tests.Data;

/// <summary>
/// Output directories: complete or absent, and nothing EdgeMicro did not write is ever deleted or overwritten.
/// Replaces AtomicDirectory's tests (AtomicDirectory_WhenDisposedWithoutCommit_LeavesNothing ->
/// Dispose_WithoutCommit_LeavesNothing; ..._WhenTheTargetIsAFile_... -> Check_WhenTheTargetIsAFile_Refuses;
/// AtomicDirectory_WhenCommittedOverAnExistingDirectory_ReplacesItsContents asserted the data loss of issue 9 and is
/// replaced by Commit_OverAPreviousOutput_ReplacesOnlyItsOwnFiles and the refusal tests below).
/// </summary>
public sealed class OutputDirectoryTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public void Dispose_WithoutCommit_LeavesNothing()
    {
        string target = _temp.Combine("sub", "out");
        using (var dir = new OutputDirectory(target, "test", ["a.txt"], force: false))
        {
            dir.WriteText("a.txt", "partial");
        }

        Assert.False(Directory.Exists(target));
        Assert.Empty(Directory.GetFileSystemEntries(_temp.Combine("sub")));
    }

    [Fact]
    public void Commit_IntoANewDirectory_WritesTheFilesAndAManifestOfThem()
    {
        string target = _temp.Combine("out");
        Write(target, ("a.txt", "A"), ("b.bin", "B"));

        Assert.Equal(["a.txt", "b.bin", OutputDirectory.ManifestName], Names(target));
        string manifest = File.ReadAllText(Path.Combine(target, OutputDirectory.ManifestName));
        Assert.Contains(Convert.ToHexStringLower(SHA256.HashData("A"u8.ToArray())), manifest, StringComparison.Ordinal);
        Assert.Equal([target], Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public void Commit_OverAPreviousOutput_ReplacesOnlyItsOwnFiles()
    {
        string target = _temp.Combine("out");
        Write(target, ("a.txt", "old a"), ("gone.txt", "old output only"));
        File.WriteAllText(Path.Combine(target, "notes.md"), "mine");

        Write(target, ("a.txt", "new a"), ("c.txt", "new c"));

        Assert.Equal(["a.txt", "c.txt", OutputDirectory.ManifestName, "notes.md"], Names(target));
        Assert.Equal("new a", File.ReadAllText(Path.Combine(target, "a.txt")));
        Assert.Equal("mine", File.ReadAllText(Path.Combine(target, "notes.md")));
        Assert.Equal([target], Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public void Commit_OverAPreviousOutputOfOnlyItsOwnFiles_SwapsTheWholeDirectory()
    {
        string target = _temp.Combine("out");
        Write(target, ("a.txt", "old"), ("gone.txt", "old"));
        Write(target, ("a.txt", "new"));

        Assert.Equal(["a.txt", OutputDirectory.ManifestName], Names(target));
        Assert.Equal([target], Directory.GetFileSystemEntries(_temp.Path));
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("missing")]
    public void Check_WhenTheDirectoryIsNewOrEmpty_Accepts(string state)
    {
        string target = _temp.Combine("out");
        if (state == "empty")
        {
            Directory.CreateDirectory(target);
        }

        OutputDirectory.Check(target, ["a.txt"], force: false);
        Write(target, ("a.txt", "A"));
        Assert.Equal(["a.txt", OutputDirectory.ManifestName], Names(target));
    }

    [Fact]
    public void Check_WhenTheDirectoryHoldsForeignFiles_RefusesAndChangesNothing()
    {
        string target = Directory.CreateDirectory(_temp.Combine("project")).FullName;
        File.WriteAllText(Path.Combine(target, "Program.cs"), "user code");
        Directory.CreateDirectory(Path.Combine(target, "Adapters"));
        string before = Snapshot(target);

        var e = Assert.Throws<InputDataException>(() => OutputDirectory.Check(target, ["a.txt"], force: false));

        Assert.Contains("EdgeMicro did not write", e.Message, StringComparison.Ordinal);
        Assert.Contains("--force", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(target));
    }

    [Fact]
    public void Force_WhenTheDirectoryHoldsForeignFiles_AddsFilesBesideThem()
    {
        string target = Directory.CreateDirectory(_temp.Combine("project")).FullName;
        File.WriteAllText(Path.Combine(target, "Program.cs"), "user code");

        Write(target, force: true, ("a.txt", "A"));

        Assert.Equal(["Program.cs", "a.txt", OutputDirectory.ManifestName], Names(target));
        Assert.Equal("user code", File.ReadAllText(Path.Combine(target, "Program.cs")));
    }

    [Fact]
    public void Force_WhenAForeignFileHasAnOutputName_StillRefuses()
    {
        string target = Directory.CreateDirectory(_temp.Combine("project")).FullName;
        File.WriteAllText(Path.Combine(target, "report.md"), "the user's report");
        string before = Snapshot(target);

        var e = Assert.Throws<InputDataException>(() => new OutputDirectory(target, "test", ["report.md"], force: true));

        Assert.Contains("report.md: exists and was not written by EdgeMicro", e.Message, StringComparison.Ordinal);
        Assert.Equal(before, Snapshot(target));
    }

    [Fact]
    public void Check_WhenAnOwnFileWasEditedSince_RefusesUnlessForced()
    {
        string target = _temp.Combine("out");
        Write(target, ("report.md", "generated"));
        File.WriteAllText(Path.Combine(target, "report.md"), "generated, then annotated by hand");

        var e = Assert.Throws<InputDataException>(() => OutputDirectory.Check(target, ["report.md"], force: false));
        Assert.Contains("changed since EdgeMicro wrote it", e.Message, StringComparison.Ordinal);

        Write(target, force: true, ("report.md", "regenerated"));
        Assert.Equal("regenerated", File.ReadAllText(Path.Combine(target, "report.md")));
    }

    [Fact]
    public void Check_WhenTheTargetIsAFile_Refuses()
    {
        string file = _temp.WriteLines("out", "not a directory");

        var e = Assert.Throws<InputDataException>(() => OutputDirectory.Check(file, ["a.txt"], force: false));

        Assert.Contains("is a file", e.Message, StringComparison.Ordinal);
        Assert.Equal([file], Directory.GetFileSystemEntries(_temp.Path));
    }

    [Fact]
    public void Check_WhenTheManifestIsNotOurs_RefusesWithItsPath()
    {
        string target = Directory.CreateDirectory(_temp.Combine("out")).FullName;
        File.WriteAllText(Path.Combine(target, OutputDirectory.ManifestName), "{ not json");

        var e = Assert.Throws<InputDataException>(() => OutputDirectory.Check(target, ["a.txt"], force: true));
        Assert.Contains(OutputDirectory.ManifestName, e.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>A hash of every path and content below a directory.</summary>
    internal static string Snapshot(string root)
    {
        var lines = Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(p => Path.GetRelativePath(root, p) + ":" + (File.Exists(p) ? Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(p))) : "dir"));
        return string.Join("\n", lines);
    }

    private static string[] Names(string dir) => [.. Directory.GetFileSystemEntries(dir).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal)];

    private static void Write(string target, params (string Name, string Text)[] files) => Write(target, false, files);

    private static void Write(string target, bool force, params (string Name, string Text)[] files)
    {
        using var dir = new OutputDirectory(target, "test", [.. files.Select(f => f.Name)], force);
        foreach ((string name, string text) in files)
        {
            dir.WriteText(name, text);
        }

        dir.Commit();
    }
}
