using B = EdgeMicro.TestKit.OnnxModelBuilder;
using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Lowering;

namespace EdgeMicro.Onnx.Tests;

public sealed class UnsupportedModelTests
{
    [Fact]
    public void Lower_WhenTwoUnsupportedNodes_ListsBoth()
    {
        OnnxGraph graph = new B().Input("x", 1, 4).Output("y", 1, 4)
            .Initializer("w", [4, 4], new float[16])
            .Node("Gemm", ["x", "w"], "g")
            .Node("Tanh", ["g"], "t")
            .Node("Softmax", ["t"], "s")
            .Node("Relu", ["s"], "y")
            .Load();

        var ex = Assert.Throws<OnnxUnsupportedModelException>(() => OnnxLowering.Lower(graph));

        Assert.Equal(2, ex.Nodes.Count);
        Assert.Equal(("t_node", "Tanh", "Tanh is not supported."), (ex.Nodes[0].NodeName, ex.Nodes[0].OpType, ex.Nodes[0].Reason));
        Assert.Equal(("s_node", "Softmax"), (ex.Nodes[1].NodeName, ex.Nodes[1].OpType));
        Assert.Contains("only supported as the last node", ex.Nodes[1].Reason, StringComparison.Ordinal);
        Assert.Contains("t_node", ex.Message, StringComparison.Ordinal);
        Assert.Contains("s_node", ex.Message, StringComparison.Ordinal);
        Assert.IsAssignableFrom<OnnxImportException>(ex);
    }

    [Fact]
    public void Lower_WhenConvWeightsComputed_ReportsNonConstantWeights()
    {
        OnnxGraph graph = new B().Input("x", 1, 1, 4).Input("w", 1, 1, 2).Output("y", 1, 1, 3)
            .Node("Conv", ["x", "w"], "y")
            .Load();

        var ex = Assert.Throws<OnnxUnsupportedModelException>(() => OnnxLowering.Lower(graph));

        Assert.Contains(ex.Nodes, n => n.OpType == "Conv" && n.Reason.Contains("non-constant weights", StringComparison.Ordinal));
        Assert.Contains(ex.Nodes, n => n.NodeName == OnnxUnsupportedNode.GraphName && n.Reason.Contains("2 inputs", StringComparison.Ordinal));
    }

    [Fact]
    public void Lower_WhenResidualAdd_ReportsBranch()
    {
        OnnxGraph graph = new B().Input("x", 1, 4).Output("y", 1, 4)
            .Node("Relu", ["x"], "r")
            .Node("Add", ["x", "r"], "y")
            .Load();

        var ex = Assert.Throws<OnnxUnsupportedModelException>(() => OnnxLowering.Lower(graph));

        Assert.Contains("several computed tensors", Assert.Single(ex.Nodes).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Lower_WhenNonZeroPadBeforeMaxPool_RejectsPad()
    {
        OnnxGraph graph = new B().Input("x", 1, 1, 4).Output("y", 1, 1, 3)
            .Int64Initializer("pads", 0, 0, 1, 0, 0, 1)
            .Node("Pad", ["x", "pads"], "p")
            .Node("MaxPool", ["p"], "y", B.Ints("kernel_shape", 2), B.Ints("strides", 2))
            .Load();

        var ex = Assert.Throws<OnnxUnsupportedModelException>(() => OnnxLowering.Lower(graph));

        Assert.Equal("Pad", Assert.Single(ex.Nodes).OpType);
    }

    [Fact]
    public void Lower_WhenUnsupportedNodesFollowEachOther_ListsEveryOne()
    {
        OnnxGraph graph = new B().Input("x", 1, 2, 3).Output("y", 1, 3, 2)
            .Int64Initializer("shape", 1, 3, 2)
            .Node("Transpose", ["x"], "t", B.Ints("perm", 0, 2, 1))
            .Node("Relu", ["t"], "r")
            .Node("Mul", ["r", "r"], "m")
            .Node("Reshape", ["m", "shape"], "y")
            .Load();

        var ex = Assert.Throws<OnnxUnsupportedModelException>(() => OnnxLowering.Lower(graph));

        Assert.Equal(["Transpose", "Mul"], ex.Nodes.Select(n => n.OpType));
    }

    [Fact]
    public void Lower_WhenBatchNormAfterRelu_ReportsNotFoldable()
    {
        OnnxGraph graph = new B().Input("x", 1, 2).Output("y", 1, 2)
            .Initializer("s", [2], [1, 1]).Initializer("b", [2], [0, 0]).Initializer("m", [2], [0, 0]).Initializer("v", [2], [1, 1])
            .Node("Relu", ["x"], "r")
            .Node("BatchNormalization", ["r", "s", "b", "m", "v"], "y")
            .Load();

        var ex = Assert.Throws<OnnxUnsupportedModelException>(() => OnnxLowering.Lower(graph));

        Assert.Contains("folded", Assert.Single(ex.Nodes).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Lower_WhenShapeComputedBySubgraph_ReportsOnlyTheRealProblems()
    {
        OnnxGraph graph = new B().Input("x", 1, 2, 2).Output("y", 1, 4)
            .Initializer("w", [1, 4], [0, 0, 0, 0])
            .Node("Relu", ["x"], "r")
            .Node("Shape", ["w"], "s")
            .Node("Reshape", ["r", "s"], "y")
            .Load();

        var ex = Assert.Throws<OnnxUnsupportedModelException>(() => OnnxLowering.Lower(graph));

        Assert.Equal(2, ex.Nodes.Count);
        Assert.Equal(("Shape", "Shape is not supported."), (ex.Nodes[0].OpType, ex.Nodes[0].Reason));
        Assert.Equal(("Reshape", "Reshape with non-constant shape ('s')."), (ex.Nodes[1].OpType, ex.Nodes[1].Reason));
    }

    [Fact]
    public void Lower_WhenSideBranch_ReportsTheBranchOnly()
    {
        OnnxGraph graph = new B().Input("x", 1, 4).Output("y", 1, 4)
            .Node("Relu", ["x"], "a")
            .Node("Sigmoid", ["x"], "side")
            .Node("Relu", ["a"], "y")
            .Load();

        var ex = Assert.Throws<OnnxUnsupportedModelException>(() => OnnxLowering.Lower(graph));

        Assert.Equal("side_node", Assert.Single(ex.Nodes).NodeName);
    }
}
