using EdgeMicro.Onnx.Graph;

namespace EdgeMicro.Onnx.Lowering;

/// <summary>
/// The graph was imported but cannot be lowered to the layer IR. Lists EVERY unsupported node (name, op type, why),
/// not only the first one.
/// </summary>
public sealed class OnnxUnsupportedModelException : OnnxImportException
{
    /// <summary>Creates the exception from the list of problems.</summary>
    /// <param name="nodes">Every unsupported node or graph-level problem (at least one).</param>
    public OnnxUnsupportedModelException(IReadOnlyList<OnnxUnsupportedNode> nodes)
        : base(BuildMessage(nodes))
    {
        Nodes = nodes;
    }

    /// <summary>Every unsupported node or graph-level problem, in graph order.</summary>
    public IReadOnlyList<OnnxUnsupportedNode> Nodes { get; }

    private static string BuildMessage(IReadOnlyList<OnnxUnsupportedNode> nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        return $"The model cannot be lowered to EdgeMicro layers ({nodes.Count} problem{(nodes.Count == 1 ? "" : "s")}):"
            + string.Concat(nodes.Select(n => $"{Environment.NewLine}  - {n}"));
    }
}
