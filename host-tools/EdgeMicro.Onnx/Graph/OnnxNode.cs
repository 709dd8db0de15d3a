namespace EdgeMicro.Onnx.Graph;

/// <summary>A node of an <see cref="OnnxGraph"/>.</summary>
public sealed class OnnxNode
{
    /// <summary>Position in the graph's node list.</summary>
    public required int Index { get; init; }

    /// <summary>Node name ("" when the file has none; see <see cref="DisplayName"/>).</summary>
    public required string Name { get; init; }

    /// <summary>Operator type, e.g. "Conv".</summary>
    public required string OpType { get; init; }

    /// <summary>Operator domain ("" or "ai.onnx" for the default ONNX domain).</summary>
    public required string Domain { get; init; }

    /// <summary>Input value names; "" marks an omitted optional input.</summary>
    public required IReadOnlyList<string> Inputs { get; init; }

    /// <summary>Output value names; "" marks an omitted optional output.</summary>
    public required IReadOnlyList<string> Outputs { get; init; }

    /// <summary>Attributes by name.</summary>
    public required IReadOnlyDictionary<string, OnnxAttribute> Attributes { get; init; }

    /// <summary>Name for messages: the node name, or "OpType#index" when unnamed.</summary>
    public string DisplayName => Name.Length > 0 ? Name : $"{OpType}#{Index}";

    /// <summary>Whether the node belongs to the default ONNX operator domain.</summary>
    public bool IsDefaultDomain => Domain.Length == 0 || Domain == "ai.onnx";

    /// <summary>Input <paramref name="i"/>, or "" when absent.</summary>
    /// <param name="i">Input position.</param>
    /// <returns>The value name or "".</returns>
    public string Input(int i) => i < Inputs.Count ? Inputs[i] : "";

    /// <summary>Output <paramref name="i"/>, or "" when absent.</summary>
    /// <param name="i">Output position.</param>
    /// <returns>The value name or "".</returns>
    public string Output(int i) => i < Outputs.Count ? Outputs[i] : "";

    /// <summary>Reads an integer attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="defaultValue">Value when absent.</param>
    /// <returns>The value.</returns>
    public long GetInt(string name, long defaultValue) =>
        Get(name, OnnxAttributeType.Int) is { } a ? a.Int : defaultValue;

    /// <summary>Reads a float attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="defaultValue">Value when absent.</param>
    /// <returns>The value.</returns>
    public float GetFloat(string name, float defaultValue) =>
        Get(name, OnnxAttributeType.Float) is { } a ? a.Float : defaultValue;

    /// <summary>Reads a string attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="defaultValue">Value when absent.</param>
    /// <returns>The value.</returns>
    public string GetString(string name, string defaultValue) =>
        Get(name, OnnxAttributeType.String) is { } a ? a.String : defaultValue;

    /// <summary>Reads an integer-list attribute.</summary>
    /// <param name="name">Attribute name.</param>
    /// <returns>The values, or null when absent.</returns>
    public IReadOnlyList<long>? GetInts(string name) => Get(name, OnnxAttributeType.Ints)?.Ints;

    /// <summary>Reads an integer attribute that must fit a non-negative/bounded int.</summary>
    /// <param name="name">Attribute name.</param>
    /// <param name="defaultValue">Value when absent.</param>
    /// <param name="min">Smallest accepted value.</param>
    /// <param name="max">Largest accepted value.</param>
    /// <returns>The value.</returns>
    public int GetBoundedInt(string name, int defaultValue, int min, int max)
    {
        long v = GetInt(name, defaultValue);
        if (v < min || v > max)
        {
            throw new OnnxImportException($"{OpType} node '{DisplayName}': attribute {name}={v} is out of range [{min}, {max}].");
        }

        return (int)v;
    }

    /// <inheritdoc />
    public override string ToString() =>
        $"{OpType} '{DisplayName}' ({string.Join(", ", Inputs)}) -> ({string.Join(", ", Outputs)})";

    private OnnxAttribute? Get(string name, OnnxAttributeType type)
    {
        if (!Attributes.TryGetValue(name, out OnnxAttribute? a))
        {
            return null;
        }

        if (a.Type != type)
        {
            throw new OnnxImportException(
                $"{OpType} node '{DisplayName}': attribute {name} is {a.Type}, expected {type}.");
        }

        return a;
    }
}
