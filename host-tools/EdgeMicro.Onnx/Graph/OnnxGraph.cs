namespace EdgeMicro.Onnx.Graph;

/// <summary>
/// An imported ONNX inference graph: nodes in topological order (validated), constants, inputs and outputs.
/// Produced by <see cref="OnnxModelLoader"/>.
/// </summary>
public sealed class OnnxGraph
{
    /// <summary>Graph name.</summary>
    public required string Name { get; init; }

    /// <summary>ModelProto.ir_version.</summary>
    public required long IrVersion { get; init; }

    /// <summary>Producer, e.g. "pytorch 1.13.0".</summary>
    public required string Producer { get; init; }

    /// <summary>Operator set version of the default ONNX domain (11-17).</summary>
    public required int OpsetVersion { get; init; }

    /// <summary>Nodes in topological order, Constant nodes included.</summary>
    public required IReadOnlyList<OnnxNode> Nodes { get; init; }

    /// <summary>Graph initializers by name.</summary>
    public required IReadOnlyDictionary<string, OnnxTensor> Initializers { get; init; }

    /// <summary>Every constant value by name: the initializers plus the outputs of Constant nodes.</summary>
    public required IReadOnlyDictionary<string, OnnxTensor> Constants { get; init; }

    /// <summary>Graph inputs that are real inputs (inputs shadowed by an initializer are excluded).</summary>
    public required IReadOnlyList<OnnxValueInfo> Inputs { get; init; }

    /// <summary>Graph outputs.</summary>
    public required IReadOnlyList<OnnxValueInfo> Outputs { get; init; }

    /// <summary>Looks up a constant (initializer or Constant node output).</summary>
    /// <param name="name">Value name.</param>
    /// <param name="tensor">The constant when found.</param>
    /// <returns>Whether <paramref name="name"/> is a constant.</returns>
    public bool TryGetConstant(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out OnnxTensor? tensor) =>
        Constants.TryGetValue(name, out tensor);

    /// <inheritdoc />
    public override string ToString() =>
        $"{Name} (opset {OpsetVersion}, {Nodes.Count} nodes): {string.Join(", ", Inputs)} -> {string.Join(", ", Outputs)}";
}
