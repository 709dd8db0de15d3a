using EdgeMicro.Conversion.Export;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Quantization;
using EdgeMicro.Conversion.Tests.Support;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using B = EdgeMicro.TestKit.OnnxModelBuilder;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary>Dense layers with a fused LeakyRelu get a specialized method in data mode (the negative multiplier and shift
/// chosen per lane), bit-exact with the generic kernel on every layer's output, on calibration-like rows and on
/// saturating ones, in SWAR3 and SWAR2 packing.</summary>
public sealed class LeakyReluKernelTests
{
    [Theory]
    [InlineData(12, 7, 0.1)]
    [InlineData(40, 9, 0.01)]
    [InlineData(WideInputs, 5, 0.2)]
    public void Dense_WithLeakyRelu_IsSpecializedAndBitExactWithTheGenericKernel(int inputs, int hidden, double alpha)
    {
        (QuantizedModel q, Classifier classifier, int[][] samples) = Convert(inputs, hidden, alpha);
        (GeneratedFirmwareCode generated, ModelDefinition table, Classifier run) = SyntheticConversion.Generate(WeightsMode.Data, q, classifier, "Leaky");

        Assert.NotNull(q.Definition.Layers[0].NegativeMultiplier);
        Assert.True(generated.Kernel.Instantiate().Accepts(0, run.Layers[0]), $"the LeakyRelu Dense layer ({run.Layers[0].Lanes} lanes) is not specialized");
        SpecializedKernelCheck.AssertBitExact(q.Definition, generated.Kernel, samples, table);
    }

    [Theory]
    [InlineData(12, 7, 0.1)]
    [InlineData(WideInputs, 5, 0.2)]
    public void Dense_WithLeakyReluOverInt8Rows_IsSpecializedAndBitExactWithTheGenericKernel(int inputs, int hidden, double alpha)
    {
        (QuantizedModel q, Classifier classifier, int[][] samples) = Convert(inputs, hidden, alpha);
        (GeneratedFirmwareCode generated, ModelDefinition table, Classifier run) = SyntheticConversion.Generate(WeightsMode.Int8, q, classifier, "Leaky8");

        Assert.Equal(1, run.Layers[0].Lanes);
        Assert.True(generated.Kernel.Instantiate().Accepts(0, run.Layers[0]), "the LeakyRelu Dense layer over int8 rows is not specialized");
        SpecializedKernelCheck.AssertBitExact(q.Definition, generated.Kernel, samples, table);
    }

    /// <summary>Inputs of the case whose accumulators leave 21-bit lanes (the layer packs two rows per word).</summary>
    private const int WideInputs = 180;

    [Fact]
    public void Convert_OfTheWideCase_PacksTwoLanes()
    {
        (_, Classifier classifier, _) = Convert(WideInputs, 5, 0.2);

        Assert.Equal(2, classifier.Layers[0].Lanes);
    }

    private static (QuantizedModel Q, Classifier Classifier, int[][] Samples) Convert(int inputs, int hidden, double alpha)
    {
        const double weightScale = 1;
        var rng = new Random((inputs * 31) + hidden);
        float[] R(int n, double scale) => Enumerable.Range(0, n).Select(_ => (float)(((rng.NextDouble() * 2) - 1) * scale)).ToArray();
        var graph = new B().Input("x", 1, inputs).Output("y", 1, 3)
            .Initializer("w1", [inputs, hidden], R(inputs * hidden, weightScale)).Initializer("b1", [hidden], R(hidden, weightScale))
            .Initializer("w2", [hidden, 3], R(hidden * 3, 1))
            .Node("MatMul", ["x", "w1"], "m").Node("Add", ["m", "b1"], "h")
            .Node("LeakyRelu", ["h"], "l", B.Attr("alpha", (float)alpha))
            .Node("MatMul", ["l", "w2"], "y")
            .Load();
        return SyntheticConversion.Quantize(graph, "leaky", inputs, 60, rng);
    }
}
