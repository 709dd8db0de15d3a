using EdgeMicro.Conversion.Export;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Quantization;
using EdgeMicro.Conversion.Tests.Support;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using B = EdgeMicro.TestKit.OnnxModelBuilder;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary>Dense layers whose last row is packed along its inputs (<see cref="SwarTailRow"/>) are specialized in data
/// mode (per layer and in the fused whole-inference method) and compiled in code mode, bit-exact with the generic
/// kernel on calibration-like and saturating rows, for input counts of every remainder modulo 3.</summary>
public sealed class TailRowKernelTests
{
    [Theory]
    [InlineData(12, 4, WeightsMode.Data)]
    [InlineData(13, 7, WeightsMode.Data)]
    [InlineData(14, 10, WeightsMode.Data)]
    [InlineData(5, 1, WeightsMode.Data)]
    [InlineData(12, 4, WeightsMode.Code)]
    [InlineData(13, 7, WeightsMode.Code)]
    [InlineData(14, 10, WeightsMode.Code)]
    public void Mlp_WithATailRowInItsHiddenLayer_IsSpecializedAndBitExactWithTheGenericKernel(int inputs, int hidden, WeightsMode mode)
    {
        (QuantizedModel q, Classifier classifier, int[][] samples) = Convert(inputs, hidden);
        (GeneratedFirmwareCode generated, ModelDefinition table, Classifier run) = SyntheticConversion.Generate(mode, q, classifier, "Tail");

        Assert.Equal(1, classifier.Layers[0].TailRows);
        Assert.True(generated.Kernel.Instantiate().Accepts(0, run.Layers[0]), "the Dense layer with a tail row is not specialized");
        Assert.True(run.FusedNetwork, "the MLP is not fused into one method");
        SpecializedKernelCheck.AssertBitExact(q.Definition, generated.Kernel, samples, table);
    }

    private static (QuantizedModel Q, Classifier Classifier, int[][] Samples) Convert(int inputs, int hidden)
    {
        var rng = new Random((inputs * 17) + hidden);
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        var graph = new B().Input("x", 1, inputs).Output("y", 1, 3)
            .Initializer("w1", [inputs, hidden], R(inputs * hidden)).Initializer("b1", [hidden], R(hidden))
            .Initializer("w2", [hidden, 3], R(hidden * 3))
            .Node("MatMul", ["x", "w1"], "m").Node("Add", ["m", "b1"], "h")
            .Node("Relu", ["h"], "r")
            .Node("MatMul", ["r", "w2"], "y")
            .Load();
        return SyntheticConversion.Quantize(graph, "tail", inputs, 60, rng);
    }
}
