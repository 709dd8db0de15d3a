using EdgeMicro.Onnx.Graph;

namespace EdgeMicro.Onnx.Evaluation;

/// <summary>
/// Reference float evaluator of an <see cref="OnnxGraph"/>: runs the nodes in order with ONNX semantics for the
/// operators a small classifier uses. Gemm/MatMul/Conv accumulate in float32 in index order (bias first), like a plain
/// float32 runtime: on the devkit this reproduces PyTorch's Linear outputs bit for bit. Every model problem met while evaluating
/// (unsupported operator, shape mismatch, work or memory limit) is an <see cref="OnnxImportException"/>.
/// </summary>
public sealed class OnnxFloatEvaluator
{
    /// <summary>Default bound on elementary operations (multiply-accumulates and element writes) per evaluation.</summary>
    public const long DefaultWorkLimit = 4_000_000_000;

    private readonly OnnxGraph _graph;
    private readonly long _workLimit;
    private readonly Dictionary<string, int> _lastUse = new(StringComparer.Ordinal);

    /// <summary>Prepares the evaluation of <paramref name="graph"/>.</summary>
    /// <param name="graph">Imported graph with exactly one float input of known shape (batch may be dynamic).</param>
    /// <param name="workLimit">Bound on elementary operations per evaluation.</param>
    /// <exception cref="OnnxImportException">The graph input is missing, not float or has unknown dimensions.</exception>
    public OnnxFloatEvaluator(OnnxGraph graph, long workLimit = DefaultWorkLimit)
    {
        ArgumentNullException.ThrowIfNull(graph);
        _graph = graph;
        _workLimit = workLimit;
        if (graph.Inputs.Count != 1)
        {
            throw new OnnxImportException($"The graph has {graph.Inputs.Count} inputs; exactly one is supported.");
        }

        OnnxValueInfo input = graph.Inputs[0];
        if (input.ElementType != 1 || !input.HasShape)
        {
            throw new OnnxImportException($"Graph input '{input.Name}' must be a float tensor with a declared shape.");
        }

        var dims = new long[input.Dims.Count];
        for (int i = 0; i < dims.Length; i++)
        {
            long d = input.Dims[i];
            dims[i] = i == 0 && d is OnnxValueInfo.UnknownDim or 0 ? 1 : d;
            if (dims[i] < 1)
            {
                throw new OnnxImportException($"Graph input '{input.Name}' has unknown dimension {i}.");
            }
        }

        InputLength = ImportLimits.ElementCount(dims, $"graph input '{input.Name}'");
        InputShape = Array.ConvertAll(dims, d => (int)d);
        foreach (OnnxNode node in graph.Nodes)
        {
            foreach (string name in node.Inputs)
            {
                _lastUse[name] = node.Index;
            }
        }

        foreach (OnnxValueInfo output in graph.Outputs)
        {
            _lastUse[output.Name] = int.MaxValue;
        }
    }

    /// <summary>Input shape used for evaluation (a dynamic batch dimension is 1).</summary>
    public int[] InputShape { get; }

    /// <summary>Number of input elements.</summary>
    public int InputLength { get; }

    /// <summary>Evaluates the graph and returns its first output, flattened in C order.</summary>
    /// <param name="input">Input tensor in C order (<see cref="InputLength"/> elements).</param>
    /// <returns>The output values (a fresh array).</returns>
    public float[] Evaluate(float[] input) => (float[])EvaluateTensor(input).FloatData.Clone();

    /// <summary>Evaluates the graph and returns its first output with its shape (its data may be shared with a constant).</summary>
    /// <param name="input">Input tensor in C order (<see cref="InputLength"/> elements).</param>
    /// <returns>The output tensor.</returns>
    public OnnxTensor EvaluateTensor(float[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Length != InputLength)
        {
            throw new ArgumentException($"Expected {InputLength} input values, got {input.Length}.", nameof(input));
        }

        var ctx = new EvalContext(_graph, _workLimit);
        ctx.Set(_graph.Inputs[0].Name, new OnnxTensor(_graph.Inputs[0].Name, InputShape, (float[])input.Clone()));
        foreach (OnnxNode node in _graph.Nodes)
        {
            if (!node.IsDefaultDomain)
            {
                throw EvalContext.Fail(node, $"domain '{node.Domain}' is not supported.");
            }

            if (node.OpType != "Constant")
            {
                ctx.Set(node.Output(0), Run(ctx, node));
            }

            foreach (string name in node.Inputs)
            {
                if (_lastUse.TryGetValue(name, out int last) && last == node.Index)
                {
                    ctx.Release(name);
                }
            }
        }

        OnnxTensor result = ctx.Get(_graph.Outputs[0].Name)
            ?? throw new OnnxImportException($"Graph output '{_graph.Outputs[0].Name}' was not computed.");
        return result.DataType == OnnxDataType.Float
            ? result
            : throw new OnnxImportException($"Graph output '{result.Name}' is not a float tensor.");
    }

    private static OnnxTensor Run(EvalContext ctx, OnnxNode node) => node.OpType switch
    {
        "Gemm" => LinearOps.Gemm(ctx, node),
        "MatMul" => LinearOps.MatMul(ctx, node),
        "Add" => ElementwiseOps.Add(ctx, node),
        "Conv" => ConvOp.Evaluate(ctx, node),
        "BatchNormalization" => ElementwiseOps.BatchNormalization(ctx, node),
        "Relu" => ElementwiseOps.Relu(ctx, node),
        "Clip" => ElementwiseOps.Clip(ctx, node),
        "LeakyRelu" => ElementwiseOps.LeakyRelu(ctx, node),
        "Sigmoid" => ElementwiseOps.Sigmoid(ctx, node),
        "MaxPool" => PoolOps.Pool(ctx, node, max: true),
        "AveragePool" => PoolOps.Pool(ctx, node, max: false),
        "GlobalAveragePool" => PoolOps.GlobalAverage(ctx, node),
        "Pad" => ShapeOps.Pad(ctx, node),
        "Flatten" => ShapeOps.Flatten(ctx, node),
        "Reshape" => ShapeOps.Reshape(ctx, node),
        "Identity" or "Dropout" => ShapeOps.PassThrough(ctx, node),
        "Softmax" => SoftmaxOp.Evaluate(ctx, node),
        _ => throw EvalContext.Fail(node, $"{node.OpType} is not supported by the float evaluator."),
    };
}
