using B = EdgeMicro.TestKit.OnnxModelBuilder;
using EdgeMicro.Onnx.Evaluation;
using EdgeMicro.Onnx.Graph;

namespace EdgeMicro.Onnx.Tests;

public sealed class SyntheticEvaluatorTests
{
    [Fact]
    public void Gemm_WhenTransAAlphaBeta_FollowsOnnxFormula()
    {
        // A is stored [K=3, M=2] and transposed; B [3, 2]; C [2] broadcast over rows.
        OnnxGraph graph = new B().Input("a", 3, 2).Output("y", 2, 2)
            .Initializer("b", [3, 2], [1, 2, 3, 4, 5, 6])
            .Initializer("c", [2], [10, 20])
            .Node("Gemm", ["a", "b", "c"], "y", B.Attr("transA", 1), B.Attr("alpha", 0.5f), B.Attr("beta", 2f))
            .Load();

        // A' = [[1, 3, 5], [2, 4, 6]]; A'B = [[35, 44], [44, 56]]; 0.5 * A'B + 2 * C.
        float[] y = new OnnxFloatEvaluator(graph).Evaluate([1, 2, 3, 4, 5, 6]);

        Assert.Equal([37.5f, 62f, 42f, 68f], y);
    }

    [Fact]
    public void Clip_WhenMinAndMaxInputs_IsRelu6()
    {
        OnnxGraph graph = new B().Input("x", 1, 4).Output("y", 1, 4)
            .Initializer("lo", [], [0f]).Initializer("hi", [], [6f])
            .Node("Clip", ["x", "lo", "hi"], "y")
            .Load();

        Assert.Equal([0f, 3f, 6f, 6f], new OnnxFloatEvaluator(graph).Evaluate([-1, 3, 7, 6.5f]));
    }

    [Fact]
    public void Clip_WhenMinOmitted_OnlyCapsAbove()
    {
        OnnxGraph graph = new B().Input("x", 1, 3).Output("y", 1, 3)
            .Initializer("hi", [], [1f])
            .Node("Clip", ["x", "", "hi"], "y")
            .Load();

        Assert.Equal([-5f, 0.5f, 1f], new OnnxFloatEvaluator(graph).Evaluate([-5, 0.5f, 9]));
    }

    [Fact]
    public void LeakyRelu_WhenAlphaGiven_ScalesNegatives()
    {
        OnnxGraph graph = new B().Input("x", 1, 3).Output("y", 1, 3)
            .Node("LeakyRelu", ["x"], "y", B.Attr("alpha", 0.25f))
            .Load();

        Assert.Equal([-1f, 0f, 3f], new OnnxFloatEvaluator(graph).Evaluate([-4, 0, 3]));
    }

    [Fact]
    public void Conv1d_WhenStrideAndDilation_SamplesEveryOtherInput()
    {
        OnnxGraph graph = new B().Input("x", 1, 1, 7).Output("y", 1, 1, 3)
            .Initializer("w", [1, 1, 2], [1, 10])
            .Node("Conv", ["x", "w"], "y", B.Ints("strides", 2), B.Ints("dilations", 2))
            .Load();

        Assert.Equal([31f, 53f, 75f], new OnnxFloatEvaluator(graph).Evaluate([1, 2, 3, 4, 5, 6, 7]));
    }

    [Fact]
    public void Conv_WhenDepthwise_FiltersEachChannelAlone()
    {
        OnnxGraph graph = new B().Input("x", 1, 2, 2, 2).Output("y", 1, 2, 2, 2)
            .Initializer("w", [2, 1, 1, 1], [2, -1])
            .Initializer("b", [2], [1, 0])
            .Node("Conv", ["x", "w", "b"], "y", B.Attr("group", 2))
            .Load();

        float[] y = new OnnxFloatEvaluator(graph).Evaluate([1, 2, 3, 4, 5, 6, 7, 8]);

        Assert.Equal([3f, 5f, 7f, 9f, -5f, -6f, -7f, -8f], y);
    }

    [Fact]
    public void Conv_WhenTwoGroups_SumsOnlyWithinGroup()
    {
        OnnxGraph graph = new B().Input("x", 1, 4, 1, 1).Output("y", 1, 2, 1, 1)
            .Initializer("w", [2, 2, 1, 1], [1, 1, 1, -1])
            .Node("Conv", ["x", "w"], "y", B.Attr("group", 2))
            .Load();

        Assert.Equal([3f, -1f], new OnnxFloatEvaluator(graph).Evaluate([1, 2, 3, 4]));
    }

    [Theory]
    [InlineData("SAME_UPPER", new float[] { 3, 5, 7, 4 })]
    [InlineData("SAME_LOWER", new float[] { 1, 3, 5, 7 })]
    [InlineData("VALID", new float[] { 3, 5, 7 })]
    public void Conv_WhenAutoPad_PadsOnTheRightSide(string autoPad, float[] expected)
    {
        OnnxGraph graph = new B().Input("x", 1, 1, 1, 4).Output("y", 1, 1, 1, expected.Length)
            .Initializer("w", [1, 1, 1, 2], [1, 1])
            .Node("Conv", ["x", "w"], "y", B.Attr("auto_pad", autoPad))
            .Load();

        Assert.Equal(expected, new OnnxFloatEvaluator(graph).Evaluate([1, 2, 3, 4]));
    }

    [Theory]
    [InlineData(0, new float[] { 1f, 2.5f, 4f })]
    [InlineData(1, new float[] { 0.5f, 2.5f, 2f })]
    public void AveragePool_WhenPadded_CountsPadOnlyWithCountIncludePad(int countIncludePad, float[] expected)
    {
        OnnxGraph graph = new B().Input("x", 1, 1, 4).Output("y", 1, 1, 3)
            .Node("AveragePool", ["x"], "y", B.Ints("kernel_shape", 2), B.Ints("strides", 2), B.Ints("pads", 1, 1),
                B.Attr("count_include_pad", (long)countIncludePad))
            .Load();

        Assert.Equal(expected, new OnnxFloatEvaluator(graph).Evaluate([1, 2, 3, 4]));
    }

    [Fact]
    public void Sigmoid_WhenEvaluated_IsLogistic()
    {
        OnnxGraph graph = new B().Input("x", 1, 3).Output("y", 1, 3).Node("Sigmoid", ["x"], "y").Load();

        float[] y = new OnnxFloatEvaluator(graph).Evaluate([0, 2, -30]);

        Assert.Equal(0.5f, y[0]);
        Assert.Equal(1 / (1 + Math.Exp(-2)), y[1], 6);
        Assert.Equal(Math.Exp(-30), y[2], 15);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(13)]
    public void Softmax_WhenRank3_FollowsOpsetSemantics(int opset)
    {
        OnnxGraph graph = new B(opset).Input("x", 1, 2, 3).Output("y", 1, 2, 3).Node("Softmax", ["x"], "y").Load();

        float[] y = new OnnxFloatEvaluator(graph).Evaluate([1, 2, 3, 4, 5, 6]);

        // Opset 11: axis=1 coerces to [1, 6] (one distribution); opset 13: axis=-1 (two distributions of 3).
        if (opset == 11)
        {
            Assert.Equal(1.0, y.Sum(), 5);
        }
        else
        {
            Assert.Equal(1.0, y[..3].Sum(), 5);
            Assert.Equal(1.0, y[3..].Sum(), 5);
            Assert.Equal(y[0], y[3], 6);
        }
    }

    [Fact]
    public void PadReshapeFlatten_WhenChained_FollowOnnxSemantics()
    {
        OnnxGraph graph = new B().Input("x", 1, 1, 2).Output("y", 1, 4)
            .Int64Initializer("pads", 0, 0, 1, 0, 0, 1)
            .Int64Initializer("shape", 0, -1)
            .Node("Pad", ["x", "pads"], "p")
            .Node("Reshape", ["p", "shape"], "r")
            .Node("Flatten", ["r"], "y")
            .Load();

        Assert.Equal([0f, 7f, 8f, 0f], new OnnxFloatEvaluator(graph).Evaluate([7, 8]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData(0L)]
    [InlineData(-1L)]
    public void Evaluator_WhenDynamicBatch_UsesBatchOne(long? batch)
    {
        OnnxGraph graph = new B().Input("x", batch, 2).Output("y", batch, 2).Node("Relu", ["x"], "y").Load();

        var evaluator = new OnnxFloatEvaluator(graph);

        Assert.Equal([1, 2], evaluator.InputShape);
        Assert.Equal([0f, 2f], evaluator.Evaluate([-1, 2]));
    }

    [Fact]
    public void Evaluator_WhenWorkLimitExceeded_ThrowsImportException()
    {
        OnnxGraph graph = new B().Input("x", 1, 64).Output("y", 1, 64)
            .Initializer("w", [64, 64], new float[64 * 64])
            .Node("MatMul", ["x", "w"], "y")
            .Load();

        var ex = Assert.Throws<OnnxImportException>(() => new OnnxFloatEvaluator(graph, workLimit: 1000).Evaluate(new float[64]));

        Assert.Contains("work limit", ex.Message, StringComparison.Ordinal);
    }
}
