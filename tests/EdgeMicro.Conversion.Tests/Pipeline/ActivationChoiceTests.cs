using System.Globalization;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Tests.Support;
using EdgeMicro.TestKit;
using Xunit.Abstractions;
using B = EdgeMicro.TestKit.OnnxModelBuilder;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary><c>convert --activations auto</c>: int8 where it costs at most 0.5 point against float, 16-bit activations
/// where int8 loses more. The losing model has one hidden tensor whose two units differ 1000-fold in range: one
/// per-tensor int8 scale (about 3.9 per step) erases the small unit, which alone decides the class; int16 steps (0.03)
/// keep it.</summary>
public sealed class ActivationChoiceTests(ITestOutputHelper output) : IDisposable
{
    private readonly TempDirectory _dir = new("edgemicro-auto");

    [Fact]
    public void Convert_WithAutoActivations_ChoosesInt16WhereInt8LosesMoreThanHalfAPoint()
    {
        ConvertOptions options = SmallUnitModel();
        ConversionReport int8 = ConvertPipeline.Run(options with { OutputDirectory = _dir.Combine("int8") });
        ConversionReport auto = ConvertPipeline.Run(options with { AutoActivations = true, OutputDirectory = _dir.Combine("auto") });
        output.WriteLine($"float {int8.FloatAccuracy:P2}; int8 {int8.Int8Accuracy:P2}; {auto.Activations}: {auto.Int8Accuracy:P2}");

        Assert.True(int8.Int8Accuracy < int8.FloatAccuracy - 0.2, $"int8 {int8.Int8Accuracy:P2} against float {int8.FloatAccuracy:P2}: the model does not show the loss");
        Assert.StartsWith("auto: int16 (int8 was ", auto.Activations, StringComparison.Ordinal);
        Assert.InRange(auto.Int8Accuracy, auto.FloatAccuracy - 0.02, 1.0);
        Assert.Equal([16, 8], auto.Layers.Select(l => l.ActivationBits));
    }

    [Fact]
    public void Convert_WithAutoActivations_KeepsInt8WhereItIsWithinHalfAPointOfFloat()
    {
        ConversionReport auto = ConvertPipeline.Run(DevkitModel.Get("digits_mlp").Options(_dir.Combine("digits")) with { AutoActivations = true });

        Assert.StartsWith("auto: int8 (", auto.Activations, StringComparison.Ordinal);
        Assert.All(auto.Layers, l => Assert.Equal(8, l.ActivationBits));
    }

    [Fact]
    public void Convert_WithAutoActivationsAndCompiledWeights_ChoosesInt16WithTheDenseWeightsInCode()
    {
        ConversionReport auto = ConvertPipeline.Run(SmallUnitModel() with { AutoActivations = true, Weights = WeightsMode.Code, OutputDirectory = _dir.Combine("code") });

        Assert.StartsWith("auto: int16 (int8 was ", auto.Activations, StringComparison.Ordinal);
        Assert.Equal([16, 8], auto.Layers.Select(l => l.ActivationBits));
        Assert.All(auto.Layers, l => Assert.True(l.Specialized && l.SwarLanes == 2, $"layer {l.Index}: specialized {l.Specialized}, lanes {l.SwarLanes}"));
        Assert.Equal(0, auto.HeapBytesPerWeight);
    }

    public void Dispose() => _dir.Dispose();

    private ConvertOptions SmallUnitModel()
    {
        // h0 = 1000 x1 (large, irrelevant), h1 = x0 (small, decides); logits (0.5 - h1, h1 - 0.5): class 1 iff x0 > 0.5.
        byte[] onnx = new B().Input("x", 1, 2).Output("y", 1, 2)
            .Initializer("w1", [2, 2], [0f, 1f, 1000f, 0f]).Initializer("b1", [2], [0f, 0f])
            .Initializer("w2", [2, 2], [0f, 0f, -1f, 1f]).Initializer("b2", [2], [0.5f, -0.5f])
            .Node("MatMul", ["x", "w1"], "m").Node("Add", ["m", "b1"], "h").Node("Relu", ["h"], "r")
            .Node("MatMul", ["r", "w2"], "z").Node("Add", ["z", "b2"], "y")
            .Build();
        string model = _dir.Combine("small-unit.onnx");
        File.WriteAllBytes(model, onnx);
        var rng = new Random(5);
        string[] Rows(int n) => [.. Enumerable.Range(0, n).Select(_ =>
        {
            double x0 = rng.NextDouble(), x1 = rng.NextDouble();
            return string.Create(CultureInfo.InvariantCulture, $"{x0:F4},{x1:F4},{(x0 > 0.5 ? 1 : 0)}");
        })];
        return new ConvertOptions
        {
            ModelPath = model,
            CalibrationPath = _dir.WriteLines("calib.csv", ["x0,x1,label", .. Rows(200)]),
            TestPath = _dir.WriteLines("test.csv", ["x0,x1,label", .. Rows(400)]),
            Name = "SmallUnit",
            OutputDirectory = _dir.Combine("out"),
        };
    }
}
