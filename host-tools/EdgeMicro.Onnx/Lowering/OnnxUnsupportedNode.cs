namespace EdgeMicro.Onnx.Lowering;

/// <summary>One reason a graph cannot be lowered.</summary>
/// <param name="NodeName">Node name (or "OpType#index" when unnamed; "(graph)" for graph-level problems).</param>
/// <param name="OpType">Operator type ("" for graph-level problems).</param>
/// <param name="Reason">Why, e.g. "Transpose is not supported".</param>
public sealed record OnnxUnsupportedNode(string NodeName, string OpType, string Reason)
{
    /// <summary>Node name used for problems that concern the graph as a whole.</summary>
    public const string GraphName = "(graph)";

    /// <inheritdoc />
    public override string ToString() =>
        OpType.Length > 0 ? $"node '{NodeName}' ({OpType}): {Reason}" : $"{NodeName}: {Reason}";
}
