namespace EdgeMicro.Onnx.Graph;

/// <summary>A node attribute: exactly the member matching <see cref="Type"/> is meaningful.</summary>
public sealed class OnnxAttribute
{
    /// <summary>Attribute name.</summary>
    public required string Name { get; init; }

    /// <summary>Which value member is used.</summary>
    public required OnnxAttributeType Type { get; init; }

    /// <summary>Value of a <see cref="OnnxAttributeType.Float"/> attribute.</summary>
    public float Float { get; init; }

    /// <summary>Value of an <see cref="OnnxAttributeType.Int"/> attribute.</summary>
    public long Int { get; init; }

    /// <summary>Value of a <see cref="OnnxAttributeType.String"/> attribute.</summary>
    public string String { get; init; } = "";

    /// <summary>Value of a <see cref="OnnxAttributeType.Tensor"/> attribute.</summary>
    public OnnxTensor? Tensor { get; init; }

    /// <summary>Value of a <see cref="OnnxAttributeType.Floats"/> attribute.</summary>
    public IReadOnlyList<float> Floats { get; init; } = [];

    /// <summary>Value of an <see cref="OnnxAttributeType.Ints"/> attribute.</summary>
    public IReadOnlyList<long> Ints { get; init; } = [];

    /// <summary>Value of a <see cref="OnnxAttributeType.Strings"/> attribute.</summary>
    public IReadOnlyList<string> Strings { get; init; } = [];

    /// <inheritdoc />
    public override string ToString() => Type switch
    {
        OnnxAttributeType.Float => $"{Name}={Float}",
        OnnxAttributeType.Int => $"{Name}={Int}",
        OnnxAttributeType.String => $"{Name}=\"{String}\"",
        OnnxAttributeType.Tensor => $"{Name}={Tensor}",
        OnnxAttributeType.Floats => $"{Name}=[{string.Join(", ", Floats)}]",
        OnnxAttributeType.Ints => $"{Name}=[{string.Join(", ", Ints)}]",
        OnnxAttributeType.Strings => $"{Name}=[{string.Join(", ", Strings)}]",
        _ => $"{Name}=(unsupported)",
    };
}
