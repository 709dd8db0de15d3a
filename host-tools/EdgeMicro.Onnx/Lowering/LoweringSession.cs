using EdgeMicro.Onnx.Evaluation;
using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Onnx.Lowering;

/// <summary>
/// State of one lowering: walks the nodes in order along the single chain of computed values that starts at the
/// graph input, collecting layers and every problem (it never stops at the first one).
/// </summary>
internal sealed class LoweringSession
{
    /// <summary>Per supported op: how many leading inputs are required, and names of the inputs that must be constant.</summary>
    private static readonly Dictionary<string, (int Required, string[] Names)> Ops = new(StringComparer.Ordinal)
    {
        ["Gemm"] = (2, ["", "weights (B)", "bias (C)"]),
        ["MatMul"] = (2, ["", "weights (B)"]),
        ["Conv"] = (2, ["", "weights", "bias"]),
        ["BatchNormalization"] = (5, ["", "scale", "bias", "mean", "variance"]),
        ["Clip"] = (1, ["", "min", "max"]),
        ["Pad"] = (1, ["", "pads", "constant_value"]),
        ["Reshape"] = (2, ["", "shape"]),
        ["Dropout"] = (1, ["", "ratio", "training_mode"]),
        ["Relu"] = (1, [""]),
        ["LeakyRelu"] = (1, [""]),
        ["MaxPool"] = (1, [""]),
        ["AveragePool"] = (1, [""]),
        ["GlobalAveragePool"] = (1, [""]),
        ["Flatten"] = (1, [""]),
        ["Identity"] = (1, [""]),
        ["Softmax"] = (1, [""]),
        ["Sigmoid"] = (1, [""]),
        ["Add"] = (2, []),
    };

    private readonly HashSet<string> _dynamic = new(StringComparer.Ordinal);

    /// <summary>Creates a session.</summary>
    /// <param name="graph">The graph to lower.</param>
    public LoweringSession(OnnxGraph graph) => Graph = graph;

    /// <summary>The graph.</summary>
    public OnnxGraph Graph { get; }

    /// <summary>Every problem found so far.</summary>
    public List<OnnxUnsupportedNode> Problems { get; } = [];

    /// <summary>Layers so far, with the names of the nodes folded into each.</summary>
    public List<(FloatLayer Layer, List<string> Names)> Layers { get; } = [];

    /// <summary>Name of the current end of the chain.</summary>
    public string Current { get; private set; } = "";

    /// <summary>ONNX shape of <see cref="Current"/> (dim 0 is the batch, always 1), or null when unknown.</summary>
    public int[]? Shape { get; set; }

    /// <summary>Model input dims without the batch dimension.</summary>
    public int[] InputDims { get; private set; } = [];

    /// <summary>Constant zero padding waiting for the next Conv/AveragePool (null when none).</summary>
    public PendingPad? Pad { get; set; }

    /// <summary>Index of the Dense/Conv layer whose output is <see cref="Current"/> (bias/BN folding), or -1.</summary>
    public int FoldTarget { get; set; } = -1;

    /// <summary>Output activation (set by a final Softmax/Sigmoid).</summary>
    public OutputActivation Output { get; set; } = OutputActivation.None;

    /// <summary>Records a problem with a node.</summary>
    /// <param name="node">The node.</param>
    /// <param name="reason">Why it cannot be lowered.</param>
    public void Reject(OnnxNode node, string reason) => Problems.Add(new OnnxUnsupportedNode(node.DisplayName, node.OpType, reason));

    /// <summary>Records a graph-level problem.</summary>
    /// <param name="reason">What is wrong.</param>
    public void RejectGraph(string reason) => Problems.Add(new OnnxUnsupportedNode(OnnxUnsupportedNode.GraphName, "", reason));

    /// <summary>Gets a constant float input.</summary>
    /// <param name="node">Node.</param>
    /// <param name="i">Input position (already checked to be constant when present).</param>
    /// <returns>The tensor, or null when the optional input is absent.</returns>
    public OnnxTensor? FloatConstant(OnnxNode node, int i)
    {
        if (node.Input(i).Length == 0)
        {
            return null;
        }

        OnnxTensor t = Graph.Constants[node.Input(i)];
        return t.DataType == OnnxDataType.Float ? t : throw EvalContext.Fail(node, $"input {i} must be a float tensor.");
    }

    /// <summary>Appends a layer; Dense and Conv layers become the fold target.</summary>
    /// <param name="node">Node that produced it.</param>
    /// <param name="layer">The layer.</param>
    /// <param name="outputShape">ONNX shape of the layer output.</param>
    public void AddLayer(OnnxNode node, FloatLayer layer, int[] outputShape)
    {
        Layers.Add((layer, [node.DisplayName]));
        FoldTarget = layer is DenseLayer or ConvLayer ? Layers.Count - 1 : -1;
        Shape = outputShape;
    }

    /// <summary>Runs the whole graph.</summary>
    public void Run()
    {
        CheckGraphInterface();
        foreach (OnnxNode node in Graph.Nodes)
        {
            if (node.OpType == "Constant" && node.IsDefaultDomain)
            {
                continue;
            }

            string[] dynamicInputs = node.Inputs.Where(i => i.Length > 0 && _dynamic.Contains(i)).Distinct().ToArray();
            int before = Problems.Count;
            Visit(node, dynamicInputs);
            if (dynamicInputs.Length > 0)
            {
                // Data path: its outputs are computed values. Only a node fed by the chain end moves the chain on.
                _dynamic.UnionWith(node.Outputs.Where(o => o.Length > 0));
            }

            if (dynamicInputs.Contains(Current))
            {
                if (Problems.Count > before || Shape == null)
                {
                    Shape = null;
                    Pad = null;
                    FoldTarget = -1;
                }

                Current = node.Output(0);
            }
        }

        if (Pad is { IsZero: false } pad)
        {
            Reject(pad.Node, "Pad is only supported directly before Conv or AveragePool.");
        }

        if (Problems.Count == 0 && Graph.Outputs.Count == 1 && Current != Graph.Outputs[0].Name)
        {
            RejectGraph($"the graph output '{Graph.Outputs[0].Name}' is not the end of the layer chain (ends at '{Current}').");
        }

        if (Problems.Count == 0 && Layers.Count == 0)
        {
            RejectGraph("the graph has no layers (nothing to quantize).");
        }
    }

    private void Visit(OnnxNode node, string[] dynamicInputs)
    {
        if (!node.IsDefaultDomain)
        {
            Reject(node, $"{node.OpType} of domain '{node.Domain}' is not supported.");
        }
        else if (!Ops.TryGetValue(node.OpType, out (int Required, string[] Names) op))
        {
            Reject(node, $"{node.OpType} is not supported.");
        }
        else if (RejectAttributes(node) | RejectNonFiniteConstants(node))
        {
            // Listed with every other problem; the node is not lowered.
        }
        else if (Enumerable.Range(0, op.Required).FirstOrDefault(i => node.Input(i).Length == 0, -1) is var missing and >= 0)
        {
            Reject(node, $"{node.OpType} is missing its required input {missing}.");
        }
        else if (dynamicInputs.Length == 0)
        {
            Reject(node, $"{node.OpType} computes only on constants (constant sub-graphs are not supported).");
        }
        else if (dynamicInputs.Length > 1 || node.Inputs.Count(i => i == dynamicInputs[0]) > 1)
        {
            Reject(node, $"{node.OpType} combines several computed tensors (branches and residual connections are not supported).");
        }
        else if (dynamicInputs[0] != Current)
        {
            Reject(node, $"{node.OpType} consumes '{dynamicInputs[0]}', which is not the end of the layer chain (branching graphs are not supported).");
        }
        else if (CheckConstantInputs(node, op.Names) && CheckLast(node))
        {
            FlushPad(node);
            if (Shape != null)
            {
                try
                {
                    NodeLowering.Lower(this, node);
                }
                catch (OnnxImportException ex)
                {
                    Reject(node, ex.Message);
                }
            }
        }
    }

    private bool RejectAttributes(OnnxNode node)
    {
        bool any = false;
        foreach (string problem in AttributeRules.Problems(node, Graph.OpsetVersion))
        {
            Reject(node, problem);
            any = true;
        }

        return any;
    }

    /// <summary>Weights, biases, normalization statistics and bounds must be finite (Clip bounds may be infinite).</summary>
    private bool RejectNonFiniteConstants(OnnxNode node)
    {
        bool any = false;
        foreach (string input in node.Inputs.Where(i => i.Length > 0).Distinct())
        {
            if (Graph.Constants.TryGetValue(input, out OnnxTensor? t) && t.DataType == OnnxDataType.Float
                && FirstNonFinite(t.FloatData, allowInfinity: node.OpType == "Clip") is int k and >= 0)
            {
                int count = t.FloatData.Count(v => !float.IsFinite(v));
                Reject(node, $"constant '{input}' holds {count} non-finite value{(count == 1 ? "" : "s")} (first: {t.FloatData[k]} at element {k}); weights, biases and normalization statistics must be finite.");
                any = true;
            }
        }

        return any;
    }

    /// <summary>Index of the first NaN (or infinity unless allowed), or -1.</summary>
    /// <param name="values">Values.</param>
    /// <param name="allowInfinity">Whether infinities are accepted.</param>
    /// <returns>The index or -1.</returns>
    internal static int FirstNonFinite(float[] values, bool allowInfinity) =>
        Array.FindIndex(values, v => float.IsNaN(v) || (!allowInfinity && float.IsInfinity(v)));

    private bool CheckConstantInputs(OnnxNode node, string[] names)
    {
        bool ok = true;
        for (int i = 1; i < names.Length; i++)
        {
            string input = node.Input(i);
            if (input.Length > 0 && !Graph.Constants.ContainsKey(input))
            {
                Reject(node, $"{node.OpType} with non-constant {names[i]} ('{input}').");
                ok = false;
            }
        }

        if (ok && names.Length > 0 && node.Input(0) != Current)
        {
            Reject(node, $"{node.OpType} must take the computed tensor as its first input.");
            ok = false;
        }

        return ok;
    }

    private bool CheckLast(OnnxNode node)
    {
        if (node.OpType is "Softmax" or "Sigmoid"
            && (Graph.Outputs.Count != 1 || node.Output(0) != Graph.Outputs[0].Name))
        {
            Reject(node, $"{node.OpType} is only supported as the last node (its output must be the graph output).");
            return false;
        }

        return true;
    }

    private void FlushPad(OnnxNode node)
    {
        if (Pad == null || node.OpType is "Conv" or "AveragePool" or "Pad" or "Identity" or "Dropout")
        {
            return;
        }

        if (!Pad.IsZero)
        {
            Reject(Pad.Node, $"Pad is only supported directly before Conv or AveragePool (it is followed by {node.OpType} '{node.DisplayName}').");
            Shape = null;
        }

        Pad = null;
    }

    private void CheckGraphInterface()
    {
        if (Graph.Outputs.Count != 1)
        {
            RejectGraph($"the graph has {Graph.Outputs.Count} outputs; exactly one is supported.");
        }

        if (Graph.Inputs.Count != 1)
        {
            RejectGraph($"the graph has {Graph.Inputs.Count} inputs; exactly one is supported.");
            if (Graph.Inputs.Count == 0)
            {
                return;
            }
        }

        OnnxValueInfo input = Graph.Inputs[0];
        Current = input.Name;
        _dynamic.Add(input.Name);
        string? problem = input.ElementType != 1 ? "is not a float tensor"
            : !input.HasShape ? "has no declared shape"
            : input.Dims.Count is < 2 or > 4 ? $"has rank {input.Dims.Count}; ranks 2-4 (batch first) are supported"
            : input.Dims[0] is not (OnnxValueInfo.UnknownDim or 0 or 1) ? $"has batch dimension {input.Dims[0]}; only 1 or dynamic is supported"
            : input.Dims.Skip(1).Any(d => d < 1) ? "has an unknown or zero dimension besides the batch"
            : null;
        if (problem != null)
        {
            RejectGraph($"graph input '{input.Name}' {problem}.");
            return;
        }

        long[] dims = input.Dims.Skip(1).ToArray();
        try
        {
            ImportLimits.ElementCount(dims, $"graph input '{input.Name}'");
        }
        catch (OnnxImportException ex)
        {
            RejectGraph(ex.Message);
            return;
        }

        InputDims = Array.ConvertAll(dims, d => (int)d);
        Shape = [1, .. InputDims];
    }
}
