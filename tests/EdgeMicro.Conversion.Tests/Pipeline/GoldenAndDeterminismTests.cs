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
    public void Convert_WhenRunAgainIntoItsOwnOutput_ReplacesItWithByteIdenticalFiles()
    {
        // Replaces Convert_WhenRunAgainIntoAnExistingDirectory_ReplacesItWithByteIdenticalFiles, which had convert delete
        // a file it did not write (issue 9). Now the stale file is one an older conversion wrote (listed in its manifest).
        ConvertedModel first = conversions.Get("digits_mlp");
        string again = conversions.NewPath("again");
        ConvertedModel.Convert(first.Model, again);
        string stale = Path.Combine(again, "stale.txt");
        File.WriteAllText(stale, "from an older conversion");
        string manifest = Path.Combine(again, EdgeMicro.Data.OutputDirectory.ManifestName);
        var json = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(manifest))!;
        json["files"]!["stale.txt"] = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(stale)));
        File.WriteAllText(manifest, json.ToJsonString());

        ConvertedModel second = ConvertedModel.Convert(first.Model, again);

        Assert.False(File.Exists(stale), "a file of the previous output that the new one does not have was kept");
        foreach (string file in new[] { first.Model.TableFile, first.Model.KernelFile, first.Model.BlobFile })
        {
            Assert.True(File.ReadAllBytes(first.PathOf(file)).AsSpan().SequenceEqual(File.ReadAllBytes(second.PathOf(file))), file + " differs between two conversions");
        }

        Assert.Empty(Directory.GetDirectories(Path.GetDirectoryName(again)!, ".*staging*"));
    }
}
