using EdgeMicro.Conversion.Evaluation;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Quantization;
using EdgeMicro.Conversion.Tests.Support;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Data;
using Xunit.Abstractions;
using B = EdgeMicro.TestKit.OnnxModelBuilder;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary>Issue 9: the heap estimated from layer shapes before calibration agrees with the figure after it.</summary>
public sealed class HeapEstimateTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void Estimate_OfEveryDevkitModel_MatchesTheHeapAfterCalibrationLayerByLayer(string key)
    {
        DevkitModel m = DevkitModel.Get(key);
        ConversionInputs inputs = ConversionInputs.Load(m.Options(Path.GetTempPath()));
        var request = new QuantizationRequest(inputs.Model, key, 1, inputs.ClassNames, inputs.Normalization, inputs.Layout, inputs.FractionBits, inputs.Calibration.Features);

        BudgetedModel b = BudgetedQuantizer.Quantize(request, m.ModelPath, long.MaxValue);

        HeapEstimate e = b.Estimate;
        var device = new Classifier(SwarPacker.PackModel(b.Quantized.Definition));
        long packed = device.Model.Layers.Sum(l => (long)HeapSize.Of(l.PackedWeights) + HeapSize.Of(l.PackedBias));
        Assert.Equal(device.Model.HeapBytes - packed, e.ModelBytes);
        long layerBytes = device.Layers.Sum(l => (long)l.HeapBytes);
        Assert.Equal(device.HeapBytes - layerBytes, e.ClassifierBaseBytes);
        Assert.Equal(device.Layers.Length, e.Layers.Count);
        for (int i = 0; i < e.Layers.Count; i++)
        {
            var p = device.Layers[i];
            LayerHeap expected = e.Layers[i];
            int predicted = p.PackedWeights == null ? expected.ThreeLanes
                : p.Lanes == 2 ? expected.TwoLanes
                : (p.RoundingWithZeroPoint != null ? expected.ThreeLanes : expected.ThreeLanesUnfolded)
                    + (p.TailRows == 0 && p.Definition.Kind == LayerKind.Dense && p.OutChannels % 3 == 1 ? expected.WithoutTailRow : 0);
            Assert.Equal(predicted, HeapEstimate.LayerBytes(device, i));
        }

        Assert.Equal(device.Model.HeapBytes + device.HeapBytes, b.HeapBytes);
        Assert.InRange(b.HeapBytes, e.LowBytes, e.HighBytes);
        output.WriteLine($"{key}: estimate {e.LowBytes}..{e.HighBytes} B, after calibration {b.HeapBytes} B");
    }

    [Fact]
    public void Convert_WithABudgetOfExactlyTheReportedDeviceHeap_SucceedsAndOneByteLessIsRefused()
    {
        // The budget is checked against the heap the device really has: the compiled-in table holding one packed copy
        // of the weights, and the classifier sharing it (the report's figure), not the int8 table plus a packed copy.
        using var dir = new TempDirectory("edgemicro-budget");
        DevkitModel m = DevkitModel.Get("digits_mlp");
        ConversionReport first = ConvertPipeline.Run(m.Options(dir.Combine("first")) with { RamBudgetBytes = long.MaxValue });

        ConversionReport exact = ConvertPipeline.Run(m.Options(dir.Combine("exact")) with { RamBudgetBytes = first.RamBytes });
        var ex = Assert.Throws<InputDataException>(() => ConvertPipeline.Run(m.Options(dir.Combine("less")) with { RamBudgetBytes = first.RamBytes - 1 }));

        Assert.Equal(first.RamBytes, exact.RamBytes);
        Assert.Contains(ReportWriter.Bytes(first.RamBytes) + " of device RAM", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Combine("less")));
    }

    [Fact]
    public void Convert_WhenTheShapesAloneExceedTheBudget_RefusesBeforeCalibrating()
    {
        using var dir = new TempDirectory("edgemicro-heap");
        const int n = 400;
        var w = new float[n * n];
        string model = dir.Combine("big.onnx");
        File.WriteAllBytes(model, new B().Input("x", 1, n).Output("y", 1, 2)
            .Initializer("w1", [n, n], w).Initializer("w2", [n, 2], new float[n * 2])
            .Node("MatMul", ["x", "w1"], "h").Node("MatMul", ["h", "w2"], "y").Build());
        string csv = dir.Combine("calib.csv");
        File.WriteAllText(csv, string.Join(",", Enumerable.Range(0, n).Select(i => "f" + i)) + "\n" + string.Join(",", Enumerable.Repeat("0.5", n)) + "\n");
        var steps = new List<string>();

        var ex = Assert.Throws<InputDataException>(() => ConvertPipeline.Run(
            new ConvertOptions { ModelPath = model, CalibrationPath = csv, OutputDirectory = dir.Combine("out") },
            (step, _) => steps.Add(step)));

        Assert.StartsWith(model + ": the model needs at least ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("estimated from its layer shapes before calibration", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Calibrating and quantizing", steps);
        Assert.False(Directory.Exists(dir.Combine("out")));
    }
}
