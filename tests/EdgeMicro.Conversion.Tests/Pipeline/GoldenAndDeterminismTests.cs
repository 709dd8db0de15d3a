using EdgeMicro.Conversion.Tests.Support;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary>The generated weight table is stable (golden file) and conversions are deterministic.</summary>
[Collection(DevkitCollection.Name)]
public sealed class GoldenAndDeterminismTests(DevkitConversions conversions)
{
    [Fact]
    public void WeightTable_WhenDigitsMlpIsConverted_MatchesTheGoldenFile()
    {
        ConvertedModel c = conversions.Get("digits_mlp");

        Golden.Verify("DigitsModel.g.cs", File.ReadAllText(c.PathOf(c.Model.TableFile)));
    }

    [Fact]
    public void Convert_WhenRunAgainIntoAnExistingDirectory_ReplacesItWithByteIdenticalFiles()
    {
        ConvertedModel first = conversions.Get("digits_mlp");
        string again = conversions.NewPath("again");
        Directory.CreateDirectory(again);
        File.WriteAllText(Path.Combine(again, "stale.txt"), "from an older conversion");

        ConvertedModel second = ConvertedModel.Convert(first.Model, again);

        Assert.False(File.Exists(Path.Combine(again, "stale.txt")), "the existing output directory was not replaced");
        foreach (string file in new[] { first.Model.TableFile, first.Model.KernelFile, first.Model.BlobFile })
        {
            Assert.True(File.ReadAllBytes(first.PathOf(file)).AsSpan().SequenceEqual(File.ReadAllBytes(second.PathOf(file))), file + " differs between two conversions");
        }

        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(again)!, ".*staging*"));
    }
}
