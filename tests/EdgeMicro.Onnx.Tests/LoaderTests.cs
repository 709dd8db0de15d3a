using EdgeMicro.Onnx.Evaluation;
using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Lowering;
using EdgeMicro.Onnx.Protos;
using Google.Protobuf;
using B = EdgeMicro.TestKit.OnnxModelBuilder;

namespace EdgeMicro.Onnx.Tests;

public sealed class LoaderTests
{
    [Fact]
    public void Load_WhenFileMissing_ThrowsImportException()
    {
        var ex = Assert.Throws<OnnxImportException>(() => OnnxModelLoader.Load(Path.Combine(RepoPaths.RepoRoot, "models", "nope.onnx")));
        Assert.Contains("does not exist", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenBytesAreText_ThrowsImportException()
    {
        var ex = Assert.Throws<OnnxImportException>(() => OnnxModelLoader.Load("this is not a model"u8));
        Assert.False(string.IsNullOrWhiteSpace(ex.Message));
    }

    [Fact]
    public void Load_WhenEmpty_ThrowsImportException()
    {
        var ex = Assert.Throws<OnnxImportException>(() => OnnxModelLoader.Load(ReadOnlySpan<byte>.Empty));
        Assert.Contains("empty", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenTruncated_WrapsProtobufError()
    {
        byte[] bytes = File.ReadAllBytes(DevkitModels.Path("digits_mlp_dev", "model.onnx"));

        var ex = Assert.Throws<OnnxImportException>(() => OnnxModelLoader.Load(bytes.AsSpan(0, bytes.Length / 2)));

        Assert.IsType<InvalidProtocolBufferException>(ex.InnerException);
    }

    [Fact]
    public void Load_WhenNoGraph_ThrowsImportException()
    {
        var model = new ModelProto { IrVersion = 7 };
        model.OpsetImport.Add(new OperatorSetIdProto { Version = 13 });

        var ex = Assert.Throws<OnnxImportException>(() => OnnxModelLoader.Load(model.ToByteArray()));

        Assert.Contains("no graph", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(10)]
    [InlineData(18)]
    public void Load_WhenOpsetOutsideRange_ThrowsImportException(int opset)
    {
        byte[] bytes = Identity(new B(opset)).Build();

        var ex = Assert.Throws<OnnxImportException>(() => OnnxModelLoader.Load(bytes));

        Assert.Contains($"Unsupported opset {opset}", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(11)]
    [InlineData(17)]
    public void Load_WhenOpsetInRange_ReadsOpset(int opset) =>
        Assert.Equal(opset, Identity(new B(opset)).Load().OpsetVersion);

    [Fact]
    public void Load_WhenRawAndTypedData_DecodesSameValues()
    {
        float[] values = [1.5f, -2.25f, 3e-8f, float.MaxValue];
        OnnxGraph graph = Identity(new B())
            .Initializer("typed", [2, 2], values)
            .Initializer("raw", [2, 2], values, raw: true)
            .Load();

        Assert.Equal(values, graph.Initializers["typed"].FloatData);
        Assert.Equal(values, graph.Initializers["raw"].FloatData);
        Assert.Equal([2, 2], graph.Initializers["raw"].Dims);
    }

    [Fact]
    public void Load_WhenTensorDeclaresMoreElementsThanData_ThrowsImportException()
    {
        B builder = Identity(new B()).Initializer("w", [3, 3], [1f, 2f]);

        var ex = Assert.Throws<OnnxImportException>(builder.Load);

        Assert.Contains("declares 9 elements but holds 2", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenDimsAbsurd_RejectsBeforeAllocating()
    {
        B builder = Identity(new B());
        TensorProto t = B.FloatTensor("w", [1L << 40, 1L << 40], []);
        builder.Model.Graph.Initializer.Add(t);

        var ex = Assert.Throws<OnnxImportException>(builder.Load);

        Assert.Contains("limit", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenNodeUsesUndefinedValue_ThrowsImportException()
    {
        B builder = new B().Input("x", 1, 2).Output("y", 1, 2).Node("Add", ["x", "ghost"], "y");

        var ex = Assert.Throws<OnnxImportException>(builder.Load);

        Assert.Contains("'ghost'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenInputShadowedByInitializer_ExcludesIt()
    {
        B builder = new B().Input("x", 1, 2).Input("w", 2, 2).Output("y", 1, 2)
            .Initializer("w", [2, 2], [1, 0, 0, 1])
            .Node("MatMul", ["x", "w"], "y");

        OnnxGraph graph = builder.Load();

        Assert.Equal("x", Assert.Single(graph.Inputs).Name);
        Assert.Equal([3f, 4f], new OnnxFloatEvaluator(graph).Evaluate([3f, 4f]));
        Assert.Equal("Dense", DevkitModels.Kinds(OnnxLowering.Lower(graph)));
    }

    [Fact]
    public void Load_WhenConstantNodes_ExposesThemAsConstants()
    {
        B builder = Identity(new B())
            .Node("Constant", [], "c1", B.Ints("value_ints", 0, 0, 1, 1))
            .Node("Constant", [], "c2", B.Attr("value_float", 2.5f));

        OnnxGraph graph = builder.Load();

        Assert.Equal([0L, 0, 1, 1], graph.Constants["c1"].Int64Data);
        Assert.Equal(2.5f, graph.Constants["c2"].FloatData.Single());
        Assert.Empty(graph.Constants["c2"].Dims);
    }

    [Fact]
    public void Load_WhenFileIsDirectory_ThrowsImportException() =>
        Assert.Throws<OnnxImportException>(() => OnnxModelLoader.Load(RepoPaths.ModelDir("digits_mlp_dev")));

    private static B Identity(B builder) =>
        builder.Input("x", 1, 2).Output("y", 1, 2).Node("Identity", ["x"], "y");
}
