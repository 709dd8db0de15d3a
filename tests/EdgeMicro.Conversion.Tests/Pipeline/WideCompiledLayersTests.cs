using EdgeMicro.Conversion.Evaluation;
using EdgeMicro.Conversion.Export;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Quantization;
using EdgeMicro.Conversion.Tests.Support;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Data;
using EdgeMicro.TestKit;
using Xunit.Abstractions;
using B = EdgeMicro.TestKit.OnnxModelBuilder;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary><c>--activations int16 --weights code</c>: the Dense and Conv layers of a 16-bit-activation model with their int8
/// weights compiled in, two rows per 64-bit constant (<see cref="WideKernelGenerator"/>), bit-exact with the generic
/// int16 kernels; the table holds no weights and a blob of the same model (over-the-air) runs on the same kernel.</summary>
public sealed class WideCompiledLayersTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(1, 1, 2)]
    [InlineData(2, 7, 3)]
    [InlineData(3, 13, 8)]
    [InlineData(4, 24, 1)]
    [InlineData(5, 40, 17)]
    [InlineData(6, 5, 30)]
    public void RandomMlp_WithCompiledWeights_IsBitExactWithTheGenericInt16Kernels(int seed, int inputs, int hidden)
    {
        var rng = new Random(seed);
        float[] R(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)(((rng.NextDouble() * 2) - 1) * scale)).ToArray();
        var graph = new B().Input("x", 1, inputs).Output("y", 1, 3)
            .Initializer("w1", [inputs, hidden], R(inputs * hidden, 1)).Initializer("b1", [hidden], R(hidden, 1))
            .Initializer("w2", [hidden, hidden], R(hidden * hidden, 1)).Initializer("b2", [hidden], R(hidden, 1))
            .Initializer("w3", [hidden, 3], R(hidden * 3, 1))
            .Node("MatMul", ["x", "w1"], "m").Node("Add", ["m", "b1"], "h").Node("Relu", ["h"], "r")
            .Node("MatMul", ["r", "w2"], "m2").Node("Add", ["m2", "b2"], "h2")
            .Node("MatMul", ["h2", "w3"], "y")
            .Load();
        (QuantizedModel q, Classifier classifier, int[][] samples) = SyntheticConversion.Quantize(graph, "widecode", inputs, 60, rng, wideActivations: true);
        (GeneratedFirmwareCode generated, ModelDefinition table, Classifier device) = SyntheticConversion.Generate(WeightsMode.Code, q, classifier, "WideCode");

        Assert.True(q.Definition.HasWideActivations);
        var kernel = (ISpecializedWideKernel)generated.Kernel.Instantiate();
        Assert.All(Enumerable.Range(0, table.Layers.Length), i => Assert.True(kernel.AcceptsWide(i, device.Layers[i]) && table.Layers[i].WeightsCompiled, $"layer {i} is not compiled"));
        SpecializedKernelCheck.AssertBitExact(q.Definition, generated.Kernel, samples, table);
        Assert.True(generated.Limits.IsWithinLimits, string.Join(" ", generated.Limits.Violations));
    }

    [Theory]
    [InlineData(1, 3, 1, 1, 1)]
    [InlineData(2, 4, 2, 1, 1)]
    [InlineData(3, 5, 1, 2, 2)]
    [InlineData(2, 2, 2, 2, 0)]
    [InlineData(4, 1, 1, 1, 0)]
    public void RandomCnn_WithCompiledWeightsAndPool_IsBitExactWithTheGenericInt16Kernels(int inC, int outC, int stride, int dilation, int pad)
    {
        var rng = new Random((inC * 31) + (outC * 7) + stride + (dilation * 3) + pad);
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        const int H = 7, W = 6, K = 3;
        int span = ((K - 1) * dilation) + 1;
        int outH = ((H + (2 * pad) - span) / stride) + 1, outW = ((W + (2 * pad) - span) / stride) + 1;
        int flat = 3 * (outH + 1) * (outW + 1);
        var graph = new B().Input("x", 1, inC, H, W).Output("y", 1, 3)
            .Initializer("w", [outC, inC, K, K], R(outC * inC * K * K)).Initializer("cb", [outC], R(outC))
            .Initializer("w2", [3, outC, K, K], R(3 * outC * K * K)).Initializer("cb2", [3], R(3))
            .Initializer("fw", [flat, 3], R(flat * 3))
            .Node("Conv", ["x", "w", "cb"], "c", B.Ints("pads", pad, pad, pad, pad), B.Ints("strides", stride, stride),
                B.Ints("dilations", dilation, dilation), B.Ints("kernel_shape", K, K))
            .Node("Relu", ["c"], "r0")
            .Node("AveragePool", ["r0"], "r", B.Ints("kernel_shape", 2, 2), B.Ints("pads", 1, 1, 1, 1), B.Ints("strides", 1, 1))
            .Node("Conv", ["r", "w2", "cb2"], "c2", B.Ints("pads", 1, 1, 1, 1), B.Ints("kernel_shape", K, K))
            .Node("Relu", ["c2"], "r2")
            .Node("Flatten", ["r2"], "f", B.Attr("axis", 1L))
            .Node("MatMul", ["f", "fw"], "y")
            .Load();
        (QuantizedModel q, Classifier classifier, int[][] samples) = SyntheticConversion.Quantize(graph, "widecnn", inC * H * W, 40, rng, wideActivations: true);
        (GeneratedFirmwareCode generated, ModelDefinition table, Classifier device) = SyntheticConversion.Generate(WeightsMode.Code, q, classifier, "WideCnn");

        var kernel = (ISpecializedWideKernel)generated.Kernel.Instantiate();
        Assert.All(Enumerable.Range(0, table.Layers.Length), i => Assert.True(
            kernel.AcceptsWide(i, device.Layers[i]) && (table.Layers[i].WeightsCompiled || table.Layers[i].Kind == LayerKind.AveragePool), $"layer {i} is not compiled"));
        SpecializedKernelCheck.AssertBitExact(q.Definition, generated.Kernel, samples, table);
    }

    /// <summary>Every devkit model runs at under half the IL of int16 data mode, every Dense and Conv layer compiled;
    /// MLPs keep no weight on the heap.</summary>
    /// <param name="key">Devkit model.</param>
    [Theory]
    [InlineData("digits_mlp")]
    [InlineData("wine_mlp_raw")]
    [InlineData("satellite_mlp")]
    [InlineData("digits_cnn")]
    [InlineData("digits_conv1d")]
    public void Convert_WithInt16ActivationsAndCompiledWeights_RunsTheTableAndBlobLikeTheTwinAtAFractionOfTheIl(string key)
    {
        using var dir = new TempDirectory("edgemicro-int16-code");
        DevkitModel m = DevkitModel.Get(key);
        ConversionReport data = ConvertPipeline.Run(m.Options(dir.Combine("data")) with { WideActivations = true });
        ConversionReport code = ConvertPipeline.Run(m.Options(dir.Combine("code")) with { WideActivations = true, Weights = WeightsMode.Code });
        string outDir = dir.Combine("code");
        byte[] image = KernelCompiler.Compile("EdgeMicro.Tests.WideCode." + m.Name, File.ReadAllText(Path.Combine(outDir, m.TableFile)), File.ReadAllText(Path.Combine(outDir, m.KernelFile)));
        ModelDefinition table = GeneratedCode.CreateModel(GeneratedCode.LoadType(image, m.Name + "Model"));
        var kernel = (ISpecializedKernel)Activator.CreateInstance(GeneratedCode.LoadType(image, m.Name + "Kernel"))!;
        ModelBlob blob = ModelFile.Load(outDir).Blob;
        output.WriteLine($"{key}: int16 data {data.IlPerMac} IL/MAC, {data.HeapBytesPerWeight} B/weight; code {code.IlPerMac} IL/MAC, {code.HeapBytesPerWeight} B/weight; accuracy {code.Int8Accuracy:P2}");

        Assert.Equal(data.Int8Accuracy, code.Int8Accuracy);
        Assert.True(code.IlPerMac < data.IlPerMac / 2, $"{code.IlPerMac} IL/MAC with the weights in code against {data.IlPerMac} as data");
        Assert.Equal(0, code.HeapBytesPerWeight);
        int[] weighted = [.. Enumerable.Range(0, table.Layers.Length).Where(i => table.Layers[i].Kind is LayerKind.Dense or LayerKind.Conv)];
        Assert.All(weighted, i => Assert.True(table.Layers[i].WeightsCompiled && code.Layers[i].Specialized, $"layer {i} is not compiled"));
        Assert.Null(SelfTest.Run(blob, new Classifier(table, kernel)));
        Assert.Null(SelfTest.Run(blob, new Classifier(blob.Model, kernel)));
        Assert.Null(SelfTest.Run(blob, new Classifier(blob.Model)));
        Assert.Throws<ModelFormatException>(() => new Classifier(table));
    }
}
