using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Tests.Support;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Data;
using EdgeMicro.TestKit;
using Xunit.Abstractions;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary><c>convert --activations int16</c> on devkit models: every layer before the last weighted one gets 16-bit
/// activations, accuracy stays within 0.5 point of float, the compiled-in table (compiled here) and the blob carry the
/// widths and classify exactly as the host twin, and the report says so per layer.</summary>
public sealed class WideActivationsTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("digits_mlp")]
    [InlineData("digits_cnn")]
    [InlineData("digits_conv1d")]
    public void Convert_WithInt16Activations_KeepsAccuracyAndTheTableAndBlobRunLikeTheTwin(string key)
    {
        using var dir = new TempDirectory("edgemicro-int16");
        DevkitModel m = DevkitModel.Get(key);
        ConversionReport report = ConvertPipeline.Run(m.Options(dir.Path) with { WideActivations = true });
        ModelBlob blob = ModelFile.Load(dir.Path).Blob;
        ModelDefinition table = GeneratedCode.CreateModel(GeneratedCode.LoadType(
            GeneratedCode.Compile("EdgeMicro.Tests.Wide." + m.Name, File.ReadAllText(Path.Combine(dir.Path, m.TableFile))), m.Name + "Model"));
        output.WriteLine($"{key}: float {report.FloatAccuracy:P2}, int16 activations {report.Int8Accuracy:P2}, {report.IlPerMac} IL/MAC; "
            + string.Join(", ", report.Layers.Select(l => $"{l.Name} {l.ActivationBits} bit {l.SqnrDb} dB")));

        Assert.InRange(report.Int8Accuracy, report.FloatAccuracy - 0.005, 1.0);
        int lastWeighted = Array.FindLastIndex(blob.Model.Layers, l => l.Kind is LayerKind.Dense or LayerKind.Conv);
        Assert.Equal(Enumerable.Range(0, blob.Model.Layers.Length).Select(i => i < lastWeighted), blob.Model.Layers.Select(l => l.WideOutput));
        Assert.Equal(blob.Model.Layers.Select(l => l.WideOutput ? 16 : 8), report.Layers.Select(l => l.ActivationBits));
        Assert.Equal(ModelSerializer.ToBytes(blob.Model), ModelSerializer.ToBytes(table));
        Assert.Null(SelfTest.Run(blob, new Classifier(table)));
        Assert.Null(SelfTest.Run(blob, new Classifier(blob.Model)));
    }

    [Fact]
    public void Convert_WithInt16Activations_RaisesTheHiddenLayersSqnrOverInt8()
    {
        using var dir = new TempDirectory("edgemicro-int16-sqnr");
        DevkitModel m = DevkitModel.Get("digits_conv1d");
        ConversionReport int8 = ConvertPipeline.Run(m.Options(dir.Combine("int8")));
        ConversionReport int16 = ConvertPipeline.Run(m.Options(dir.Combine("int16")) with { WideActivations = true });

        // Each 16-bit layer's output is closer to float than its int8 counterpart (weights are int8 in both).
        foreach ((LayerReport a, LayerReport b) in int8.Layers.Zip(int16.Layers).Where(p => p.Second.ActivationBits == 16))
        {
            Assert.True(b.SqnrDb > a.SqnrDb, $"{b.Name}: {b.SqnrDb} dB with 16-bit activations, {a.SqnrDb} dB with int8");
        }
    }
}
