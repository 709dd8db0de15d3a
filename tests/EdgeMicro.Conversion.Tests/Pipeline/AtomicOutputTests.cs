using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Tests.Support;
using EdgeMicro.Data;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary>The output directory appears complete or not at all.</summary>
public sealed class AtomicOutputTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public void Convert_WhenTheTestCsvIsBad_LeavesNoOutputAndNoStagingDirectory()
    {
        string parent = Directory.CreateDirectory(_temp.Combine("parent")).FullName;
        string outDir = Path.Combine(parent, "out");
        ConvertOptions options = DevkitModel.Get("digits_mlp").Options(outDir) with { TestPath = BadTestCsv() };

        var e = Assert.Throws<InputDataException>(() => ConvertPipeline.Run(options));

        Assert.Contains("bad_test.csv:3:2", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(outDir));
        Assert.Empty(Directory.GetFileSystemEntries(parent));
    }

    [Fact]
    public void Convert_WhenFailingIntoAnExistingDirectory_LeavesItUnchanged()
    {
        string outDir = Directory.CreateDirectory(_temp.Combine("existing")).FullName;
        File.WriteAllText(Path.Combine(outDir, "keep.txt"), "previous model");
        ConvertOptions options = DevkitModel.Get("digits_mlp").Options(outDir) with { TestPath = BadTestCsv() };

        Assert.Throws<InputDataException>(() => ConvertPipeline.Run(options));

        Assert.Equal(["keep.txt"], Directory.GetFileSystemEntries(outDir).Select(Path.GetFileName));
        Assert.Equal("previous model", File.ReadAllText(Path.Combine(outDir, "keep.txt")));
        Assert.Equal([outDir], Directory.GetFileSystemEntries(_temp.Path).Where(p => !p.EndsWith("bad_test.csv", StringComparison.Ordinal)));
    }

    public void Dispose() => _temp.Dispose();

    private string BadTestCsv()
    {
        string header = "label," + string.Join(",", Enumerable.Range(0, 64).Select(i => "f" + i));
        string good = "0," + string.Join(",", Enumerable.Repeat("1", 64));
        string bad = "0,x" + string.Concat(Enumerable.Repeat(",1", 63));
        return _temp.WriteLines("bad_test.csv", header, good, bad);
    }
}
