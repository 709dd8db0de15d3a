namespace EdgeMicro.Onnx.Graph;

/// <summary>Name, element type and (possibly partial) shape of a graph input or output.</summary>
public sealed class OnnxValueInfo
{
    /// <summary>A dimension that is symbolic (dim_param) or absent.</summary>
    public const long UnknownDim = -1;

    /// <summary>Value name.</summary>
    public required string Name { get; init; }

    /// <summary>ONNX element type code (1 = FLOAT; 0 when the type is absent or not a tensor).</summary>
    public required int ElementType { get; init; }

    /// <summary>Whether a shape is declared at all.</summary>
    public required bool HasShape { get; init; }

    /// <summary>Declared dimensions; <see cref="UnknownDim"/> for a symbolic or missing dimension.</summary>
    public required IReadOnlyList<long> Dims { get; init; }

    /// <inheritdoc />
    public override string ToString() =>
        HasShape ? $"{Name}[{string.Join(", ", Dims.Select(d => d == UnknownDim ? "?" : d.ToString()))}]" : Name;
}
