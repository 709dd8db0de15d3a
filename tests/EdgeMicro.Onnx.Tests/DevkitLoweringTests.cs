using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Ir;
using EdgeMicro.Onnx.Lowering;
using Xunit.Abstractions;

namespace EdgeMicro.Onnx.Tests;

public sealed class DevkitLoweringTests(ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(Files))]
    public void Lower_WhenDevkitModel_ProducesExpectedLayersAndReferenceOutputs(string model, string file)
    {
        var expected = DevkitModels.All.Single(m => m.Model == model && m.File == file);
        FloatModel lowered = OnnxLowering.Lower(OnnxModelLoader.Load(DevkitModels.Path(model, file)));
        ReferenceData data = ReferenceData.Load(RepoPaths.ModelDir(model));
        var runner = new FloatModelRunner(lowered);

        double maxError = 0;
        for (int row = 0; row < data.Inputs.Length; row++)
        {
            maxError = Math.Max(maxError, DevkitModels.MaxAbsDiff(runner.Predict(data.Inputs[row]), data.Outputs[row]));
        }

        output.WriteLine($"{model}/{file}: input [{string.Join(", ", lowered.InputDims)}] -> {lowered.OutputName} ({lowered.Output})");
        foreach (FloatLayer layer in lowered.Layers)
        {
            output.WriteLine($"  {DevkitModels.Kind(layer),-8} {layer.InputShape} -> {layer.OutputShape}  {layer.Name}");
        }

        output.WriteLine($"  max |error| over {data.Inputs.Length} rows = {maxError:E3}");
        Assert.Equal(expected.Layers, DevkitModels.Kinds(lowered));
        Assert.Equal(expected.Output, lowered.Output);
        Assert.True(maxError <= 1e-4, $"{model}/{file}: max abs error {maxError:E3} > 1e-4");
    }

    [Fact]
    public void Lower_WhenDigitsCnn_MergesZeroPadIntoAveragePoolAndDropsFlatten()
    {
        FloatModel lowered = OnnxLowering.Lower(OnnxModelLoader.Load(DevkitModels.Path("digits_cnn_dev", "model.onnx")));

        Assert.Equal([1, 8, 8], lowered.InputDims);
        var pool = Assert.IsType<PoolLayer>(lowered.Layers[2]);
        Assert.Equal((0, 0, 0, 0), (pool.PadTop, pool.PadLeft, pool.PadBottom, pool.PadRight));
        Assert.Equal((2, 2, 2, 2), (pool.KernelH, pool.KernelW, pool.StrideH, pool.StrideW));
        Assert.Equal(new FeatureShape(6, 4, 4), pool.OutputShape);
        var gap = Assert.IsType<PoolLayer>(lowered.Layers[5]);
        Assert.Equal((4, 4), (gap.KernelH, gap.KernelW));
        Assert.Equal(new FeatureShape(12, 1, 1), gap.OutputShape);
        Assert.Equal(12, Assert.IsType<DenseLayer>(lowered.Layers[6]).In);
    }

    [Fact]
    public void Lower_WhenBatchNormNode_FoldsIntoConvAndMatchesFoldedExport()
    {
        FloatModel folded = OnnxLowering.Lower(OnnxModelLoader.Load(DevkitModels.Path("digits_cnn_dev", "model.onnx")));
        FloatModel withBn = OnnxLowering.Lower(OnnxModelLoader.Load(DevkitModels.Path("digits_cnn_dev", "model_bn_node.onnx")));

        var a = Assert.IsType<ConvLayer>(folded.Layers[0]);
        var b = Assert.IsType<ConvLayer>(withBn.Layers[0]);
        Assert.Contains("BatchNormalization", b.Name, StringComparison.Ordinal);
        Assert.True(DevkitModels.MaxAbsDiff(a.Weights, b.Weights) < 1e-5);
        Assert.True(DevkitModels.MaxAbsDiff(a.Bias, b.Bias) < 1e-5);
    }

    [Fact]
    public void Lower_WhenConv1d_UsesHeightOne()
    {
        FloatModel lowered = OnnxLowering.Lower(OnnxModelLoader.Load(DevkitModels.Path("digits_conv1d_dev", "model.onnx")));

        Assert.Equal([8, 8], lowered.InputDims);
        var conv = Assert.IsType<ConvLayer>(lowered.Layers[0]);
        Assert.Equal((1, 1, 0, 0), (conv.InputShape.Height, conv.KernelH, conv.PadTop, conv.PadBottom));
        Assert.Equal((1, 1), (conv.PadLeft, conv.PadRight));
        Assert.Equal(new FeatureShape(8, 1, 8), conv.InputShape);
    }

    [Fact]
    public void Lower_WhenMatMulAndGemmExportsOfSameWeights_ProduceSameDenseLayers()
    {
        FloatModel gemm = OnnxLowering.Lower(OnnxModelLoader.Load(DevkitModels.Path("digits_mlp_dev", "model.onnx")));
        FloatModel matmul = OnnxLowering.Lower(OnnxModelLoader.Load(DevkitModels.Path("digits_matmul_dev", "model.onnx")));

        foreach (int i in new[] { 0, 2 })
        {
            var a = Assert.IsType<DenseLayer>(gemm.Layers[i]);
            var b = Assert.IsType<DenseLayer>(matmul.Layers[i]);
            Assert.Equal(a.Weights, b.Weights);
            Assert.Equal(a.Bias, b.Bias);
        }
    }

    [Fact]
    public void RunAll_WhenDevkitModel_ReturnsEveryLayerOutput()
    {
        FloatModel lowered = OnnxLowering.Lower(OnnxModelLoader.Load(DevkitModels.Path("digits_cnn_dev", "model.onnx")));
        ReferenceData data = ReferenceData.Load(RepoPaths.ModelDir("digits_cnn_dev"));
        var runner = new FloatModelRunner(lowered);

        float[][] all = runner.RunAll(data.Inputs[0]);

        Assert.Equal(lowered.Layers.Count, all.Length);
        Assert.All(all.Zip(lowered.Layers), p => Assert.Equal(p.Second.OutputShape.Length, p.First.Length));
        Assert.All(all[1], v => Assert.True(v >= 0));
        Assert.Equal(runner.Run(data.Inputs[0]), all[^1]);
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void PredictClass_WhenDevkitModel_IsTheArgmaxOfTheReferenceOutputs(string model, string file)
    {
        FloatModel lowered = OnnxLowering.Lower(OnnxModelLoader.Load(DevkitModels.Path(model, file)));
        ReferenceData data = ReferenceData.Load(RepoPaths.ModelDir(model));
        var runner = new FloatModelRunner(lowered);

        for (int row = 0; row < data.Inputs.Length; row++)
        {
            float[] reference = data.Outputs[row];
            int expected = reference.Length == 1 ? (reference[0] >= 0.5f ? 1 : 0) : Array.IndexOf(reference, reference.Max());
            Assert.Equal(expected, runner.PredictClass(runner.RunAll(data.Inputs[row])[^1]));
        }
    }

    public static TheoryData<string, string> Files => DevkitModels.Files;
}
