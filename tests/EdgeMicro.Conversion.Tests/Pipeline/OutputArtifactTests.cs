using System.Text.Json;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Conversion.Evaluation;
using EdgeMicro.Conversion.Tests.Support;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary>What a conversion writes: files, report.json, blob, weight table, self-tests.</summary>
[Collection(DevkitCollection.Name)]
public sealed class OutputArtifactTests(DevkitConversions conversions)
{
    private static readonly string[] FractionKeys = ["float_accuracy", "int8_accuracy", "agreement"];

    private static readonly string[] PositiveKeys = ["weights_bytes", "activation_bytes", "macs", "estimated_esp32_ms"];

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void Convert_WhenDevkitModel_WritesExactlyTheReportedFiles(string key)
    {
        ConvertedModel c = conversions.Get(key);
        string[] expected = [c.Model.TableFile, c.Model.KernelFile, c.Model.BlobFile, "report.json", "report.md", EdgeMicro.Data.OutputDirectory.ManifestName];

        string[] written = Directory.GetFileSystemEntries(c.OutputDirectory).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

        Assert.Equal(expected.Order(StringComparer.Ordinal), written);
        Assert.Equal(expected, c.Report.Files);
        Assert.All(expected, f => Assert.True(new FileInfo(c.PathOf(f)).Length > 0, f + " is empty"));
    }

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void ReportJson_WhenParsed_HasTheKeysWithFractionsAndPositiveSizes(string key)
    {
        ConvertedModel c = conversions.Get(key);

        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(c.PathOf("report.json")));
        JsonElement root = doc.RootElement;

        foreach (string k in FractionKeys)
        {
            Assert.True(root.TryGetProperty(k, out JsonElement v), $"report.json has no '{k}'");
            Assert.InRange(v.GetDouble(), 0.0, 1.0);
        }

        foreach (string k in PositiveKeys)
        {
            Assert.True(root.TryGetProperty(k, out JsonElement v), $"report.json has no '{k}'");
            Assert.True(v.GetDouble() > 0, $"{k} = {v} should be positive");
        }

        Assert.Equal(c.Report.Int8Accuracy, root.GetProperty("int8_accuracy").GetDouble());
        Assert.Equal(c.Report.Macs, root.GetProperty("macs").GetInt64());
        Assert.Equal(c.Blob.Model.Layers.Sum(l => (long)l.Macs), c.Report.Macs);
    }

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void Blob_WhenLoaded_EqualsTheModelTheWeightTableBuilds(string key)
    {
        ConvertedModel c = conversions.Get(key);

        byte[] fromBlob = ModelSerializer.ToBytes(c.Blob.Model);
        byte[] fromTable = ModelSerializer.ToBytes(c.TableModel);

        Assert.Equal(fromBlob, fromTable);
        Assert.Equal(c.Model.Name.ToLowerInvariant(), c.Blob.Model.ModelId);
        Assert.Equal(c.Report.TableBytes, fromBlob.Length);
        Assert.Equal(c.Report.BlobBytes, new FileInfo(c.PathOf(c.Model.BlobFile)).Length);
    }

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void Blob_WhenSelfTestsRun_AllPassWithGenericAndSpecializedKernels(string key)
    {
        ConvertedModel c = conversions.Get(key);
        ModelBlob blob = c.Blob;

        Assert.Equal(Math.Min(16, c.Test.Count), blob.SelfTestCount);
        Assert.Null(SelfTest.Run(blob, new Classifier(blob.Model)));
        Assert.Null(SelfTest.Run(blob, new Classifier(blob.Model, c.NewKernel())));
        Assert.Null(SelfTest.Run(blob, new Classifier(c.TableModel)));
    }

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void Classifier_WhenBlobAndTableModelsRunTheTestSet_GiveIdenticalResults(string key)
    {
        ConvertedModel c = conversions.Get(key);
        var fromBlob = new Classifier(c.Blob.Model);
        var fromTable = new Classifier(c.TableModel);
        int outputs = c.Blob.Model.Layers[^1].OutputLength;

        for (int n = 0; n < c.TestSamples.Length; n++)
        {
            fromBlob.Classify(c.TestSamples[n]);
            fromTable.Classify(c.TestSamples[n]);

            Assert.True(Results(fromBlob, outputs).SequenceEqual(Results(fromTable, outputs)), $"{key}: blob and table models differ on test row {n}");
        }
    }

    private static int[] Results(Classifier c, int outputs) =>
        [.. c.Outputs.Take(outputs).Select(v => (int)v), c.PredictedClass, c.RunnerUpClass, c.ConfidenceQ15, c.MarginQ15];

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void WeightTable_WhenBuilt_HoldsTheOnlyHeapCopyOfTheWeightsAndTheMemoryFigureCountsIt(string key)
    {
        // Issue 13 item 4a: the table stores the packed SWAR form, so the classifier packs no second copy at load.
        ConvertedModel c = conversions.Get(key);
        ModelDefinition table = c.TableModel;
        var classifier = new Classifier(table);
        DeviceMemory memory = DeviceMemory.Of(c.Blob.Model, File.ReadAllBytes(c.PathOf(c.Model.BlobFile)));

        Assert.All(table.Layers, l => Assert.Null(l.Weights));
        for (int i = 0; i < table.Layers.Length; i++)
        {
            Assert.Same(table.Layers[i].PackedWeights, classifier.Layers[i].PackedWeights);
        }

        Assert.Equal(table.HeapBytes, memory.ModelBytes);
        Assert.Equal(classifier.HeapBytes, memory.ClassifierBytes);
        Assert.Equal(table.Layers.Sum(l => (long)HeapSize.Of(l.PackedWeights)), memory.WeightStorageBytes);
        Assert.True(memory.BytesPerWeight < 4.1, FormattableString.Invariant($"{key}: {memory.BytesPerWeight:F2} B of heap per weight"));
    }

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void WeightTable_OfEveryThreeLaneDenseLayerWithOneRowOver_PacksThatRowAlongItsInputs(string key)
    {
        // A 3k+1-th row alone in a row group wasted two lanes of every word (digits: 24 of its 96 fc2 words).
        ModelDefinition table = conversions.Get(key).TableModel;

        foreach (LayerDefinition l in table.Layers.Where(l => l.Kind == LayerKind.Dense && l.PackedLanes == 3 && l.OutChannels % 3 == 1))
        {
            Assert.Equal(1, l.PackedTailRows);
            Assert.Equal(((l.OutChannels / 3) * l.InputLength) + ((l.InputLength + 2) / 3), l.PackedWeights!.Length);
        }
    }

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void WeightTable_OfEveryDevkitModel_PacksEveryLayerThreeRowsPerWord(string key)
    {
        // digits_conv1d's conv2 missed the 21-bit lanes by 3 % on one row and ran in two 32-bit lanes (ThreeLaneFit).
        ModelDefinition table = conversions.Get(key).TableModel;

        Assert.All(table.Layers.Where(l => l.PackedWeights != null), l => Assert.Equal(3, l.PackedLanes));
    }

    [Fact]
    public void Report_OfTheDigitsConv1d_NamesTheRowsRequantizedForThreeLanes()
    {
        ConvertedModel c = conversions.Get("digits_conv1d");

        Assert.Equal(["/conv2/Conv"], c.Report.Layers.Where(l => l.RowsRequantizedForThreeLanes > 0).Select(l => l.Name));
        Assert.Contains("rows requantized to fit", File.ReadAllText(c.PathOf("report.md")), StringComparison.Ordinal);
    }

    [Fact]
    public void WeightTable_OfTheDigitsMlp_NeedsAtMost2Point7BytesOfHeapPerWeight()
    {
        // Issue 13's data-mode target (2.76 before the tail row: fc2's 10th row took a row group of 24 words).
        ConvertedModel c = conversions.Get("digits_mlp");
        DeviceMemory memory = DeviceMemory.Of(c.Blob.Model, File.ReadAllBytes(c.PathOf(c.Model.BlobFile)));

        Assert.True(memory.BytesPerWeight <= 2.7, FormattableString.Invariant($"{memory.BytesPerWeight:F3} B of heap per weight"));
    }
}
