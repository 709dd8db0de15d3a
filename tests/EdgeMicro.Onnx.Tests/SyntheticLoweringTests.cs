using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Ir;
using B = EdgeMicro.TestKit.OnnxModelBuilder;
using EdgeMicro.Onnx.Lowering;

namespace EdgeMicro.Onnx.Tests;

public sealed class SyntheticLoweringTests
{
    [Fact]
    public void Lower_WhenGemmAlphaBetaTransB_FoldsThemIntoDense()
    {
        OnnxGraph graph = new B().Input("x", 1, 3).Output("y", 1, 2)
            .Initializer("w", [2, 3], [1, 2, 3, 4, 5, 6])
            .Initializer("c", [1, 2], [1, -1])
            .Node("Gemm", ["x", "w", "c"], "y", B.Attr("transB", 1), B.Attr("alpha", 0.5f), B.Attr("beta", 3f))
            .Load();

        FloatModel model = LoweringCheck.LowerAndCompare(graph);

        var dense = Assert.IsType<DenseLayer>(Assert.Single(model.Layers));
        Assert.Equal([0.5f, 1, 1.5f, 2, 2.5f, 3], dense.Weights);
        Assert.Equal([3f, -3f], dense.Bias);
    }

    [Fact]
    public void Lower_WhenMatMulThenAddWithBiasFirst_FoldsBias()
    {
        OnnxGraph graph = new B(11).Input("x", 1, 2).Output("y", 1, 3)
            .Initializer("w", [2, 3], [1, 2, 3, 4, 5, 6])
            .Initializer("b", [3], [0.5f, 0, -0.5f])
            .Node("MatMul", ["x", "w"], "m")
            .Node("Add", ["b", "m"], "y")
            .Load();

        FloatModel model = LoweringCheck.LowerAndCompare(graph);

        var dense = Assert.IsType<DenseLayer>(Assert.Single(model.Layers));
        Assert.Equal([1f, 4, 2, 5, 3, 6], dense.Weights);
        Assert.Equal("y_node", dense.Name.Split('+')[1]);
    }

    [Fact]
    public void Lower_WhenClipAndLeakyRelu_BecomeActivations()
    {
        OnnxGraph graph = new B().Input("x", 1, 4).Output("y", 1, 4)
            .Initializer("lo", [], [0f]).Initializer("hi", [], [6f])
            .Node("Clip", ["x", "lo", "hi"], "c")
            .Node("LeakyRelu", ["c"], "y", B.Attr("alpha", 0.2f))
            .Load();

        FloatModel model = LoweringCheck.LowerAndCompare(graph);

        var clip = Assert.IsType<ActivationLayer>(model.Layers[0]);
        Assert.Equal((ActivationKind.Clip, 0f, 6f), (clip.Kind, clip.Min, clip.Max));
        var leaky = Assert.IsType<ActivationLayer>(model.Layers[1]);
        Assert.Equal((ActivationKind.LeakyRelu, 0.2f), (leaky.Kind, leaky.Alpha));
    }

    [Fact]
    public void Lower_WhenDepthwiseStridedDilatedConv_MatchesEvaluator()
    {
        var random = new Random(3);
        float[] w = Enumerable.Range(0, 4 * 9).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        OnnxGraph graph = new B().Input("x", 1, 4, 9, 8).Output("y", 1, 4, 4, 3)
            .Initializer("w", [4, 1, 3, 3], w)
            .Initializer("b", [4], [0.1f, 0.2f, 0.3f, 0.4f])
            .Node("Conv", ["x", "w", "b"], "y", B.Attr("group", 4), B.Ints("strides", 2, 3), B.Ints("dilations", 2, 1),
                B.Ints("pads", 1, 0, 2, 1))
            .Load();

        FloatModel model = LoweringCheck.LowerAndCompare(graph);

        var conv = Assert.IsType<ConvLayer>(Assert.Single(model.Layers));
        Assert.Equal((4, 2, 3, 2, 1), (conv.Group, conv.StrideH, conv.StrideW, conv.DilationH, conv.DilationW));
        Assert.Equal((1, 0, 2, 1), (conv.PadTop, conv.PadLeft, conv.PadBottom, conv.PadRight));
        Assert.Equal(new FeatureShape(4, 4, 3), conv.OutputShape);
    }

    [Fact]
    public void Lower_WhenGroupedSameUpperConv_MatchesEvaluator()
    {
        var random = new Random(4);
        float[] w = Enumerable.Range(0, 6 * 2 * 2).Select(_ => (float)random.NextDouble() - 0.5f).ToArray();
        OnnxGraph graph = new B().Input("x", 1, 4, 7).Output("y", 1, 6, 4)
            .Initializer("w", [6, 2, 2], w)
            .Node("Conv", ["x", "w"], "y", B.Attr("group", 2), B.Ints("strides", 2), B.Attr("auto_pad", "SAME_UPPER"))
            .Load();

        var conv = Assert.IsType<ConvLayer>(Assert.Single(LoweringCheck.LowerAndCompare(graph).Layers));
        Assert.Equal((1, 1, 2, 4), (conv.InputShape.Height, conv.KernelH, conv.KernelW, conv.OutputShape.Width));
    }

    [Fact]
    public void Lower_WhenNonZeroPadBeforeAveragePool_CountsMergedZeros()
    {
        OnnxGraph graph = new B().Input("x", 1, 2, 4, 4).Output("y", 1, 2, 3, 3)
            .Int64Initializer("pads", 0, 0, 1, 1, 0, 0, 1, 1)
            .Node("Pad", ["x", "pads"], "p")
            .Node("AveragePool", ["p"], "y", B.Ints("kernel_shape", 2, 2), B.Ints("strides", 2, 2))
            .Load();

        FloatModel model = LoweringCheck.LowerAndCompare(graph);

        var pool = Assert.IsType<PoolLayer>(Assert.Single(model.Layers));
        Assert.True(pool.CountIncludePad);
        Assert.Equal((1, 1, 1, 1), (pool.PadTop, pool.PadLeft, pool.PadBottom, pool.PadRight));
        Assert.Equal(new FeatureShape(2, 4, 4), pool.InputShape);
        Assert.StartsWith("p_node+", pool.Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Lower_WhenPadBeforeConv_MergesIntoConvPadding()
    {
        OnnxGraph graph = new B().Input("x", 1, 1, 5).Output("y", 1, 1, 6)
            .Initializer("w", [1, 1, 3], [1, 2, 3])
            .Int64Initializer("pads", 0, 0, 2, 0, 0, 1)
            .Node("Pad", ["x", "pads"], "p")
            .Node("Conv", ["p", "w"], "y", B.Ints("pads", 0, 1))
            .Load();

        var conv = Assert.IsType<ConvLayer>(Assert.Single(LoweringCheck.LowerAndCompare(graph).Layers));
        Assert.Equal((2, 2), (conv.PadLeft, conv.PadRight));
    }

    [Fact]
    public void Lower_WhenBatchNormAfterGemmAndReshapeWithZeroAndMinusOne_FoldsAndDrops()
    {
        OnnxGraph graph = new B().Input("x", 1, 2, 2).Output("y", 1, 3)
            .Int64Initializer("shape", 0, -1)
            .Initializer("w", [4, 3], Enumerable.Range(0, 12).Select(i => (i % 5) - 2f).ToArray())
            .Initializer("scale", [3], [1, 2, 0.5f]).Initializer("beta", [3], [0, 1, -1])
            .Initializer("mean", [3], [0.5f, -1, 2]).Initializer("var", [3], [1, 4, 0.25f])
            .Node("Reshape", ["x", "shape"], "r")
            .Node("MatMul", ["r", "w"], "m")
            .Node("BatchNormalization", ["m", "scale", "beta", "mean", "var"], "y", B.Attr("epsilon", 1e-3f))
            .Load();

        FloatModel model = LoweringCheck.LowerAndCompare(graph);

        Assert.Equal("Dense", DevkitModels.Kinds(model));
        Assert.Equal([2, 2], model.InputDims);
    }

    [Fact]
    public void Lower_WhenSigmoidLast_RecordsOutputActivation()
    {
        OnnxGraph graph = new B().Input("x", 1, 3).Output("p", 1, 1)
            .Initializer("w", [1, 3], [1, -1, 2]).Initializer("b", [1], [0.5f])
            .Node("Gemm", ["x", "w", "b"], "z", B.Attr("transB", 1))
            .Node("Sigmoid", ["z"], "p")
            .Load();

        FloatModel model = LoweringCheck.LowerAndCompare(graph);

        Assert.Equal(OutputActivation.Sigmoid, model.Output);
        Assert.Equal("p", model.OutputName);
        Assert.Equal(1, model.OutputLength);
    }

    [Fact]
    public void Lower_WhenSoftmaxOpset11OnRank3_NormalizesWholeVector()
    {
        OnnxGraph graph = new B(11).Input("x", 1, 2, 3).Output("y", 1, 2, 3)
            .Node("Relu", ["x"], "r")
            .Node("Softmax", ["r"], "y")
            .Load();

        Assert.Equal(OutputActivation.Softmax, LoweringCheck.LowerAndCompare(graph).Output);
    }

    [Fact]
    public void Lower_WhenSoftmaxOpset13OnRank3_RejectsPerRowSoftmax()
    {
        OnnxGraph graph = new B(13).Input("x", 1, 2, 3).Output("y", 1, 2, 3)
            .Node("Relu", ["x"], "r")
            .Node("Softmax", ["r"], "y")
            .Load();

        var ex = Assert.Throws<OnnxUnsupportedModelException>(() => OnnxLowering.Lower(graph));

        Assert.Contains("whole class vector", Assert.Single(ex.Nodes).Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0L)]
    [InlineData(1L)]
    public void Lower_WhenDynamicBatch_DropsBatchFromInputDims(long? batch)
    {
        OnnxGraph graph = new B().Input("x", batch, 3, 2, 2).Output("y", batch, 3, 1, 1)
            .Node("Dropout", ["x"], "d")
            .Node("GlobalAveragePool", ["d"], "y")
            .Load();

        FloatModel model = LoweringCheck.LowerAndCompare(graph);

        Assert.Equal([3, 2, 2], model.InputDims);
        Assert.Equal("AvgPool", DevkitModels.Kinds(model));
    }
}
