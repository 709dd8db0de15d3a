using EdgeMicro.Onnx.Protos;
using AttrType = EdgeMicro.Onnx.Protos.AttributeProto.Types.AttributeType;

namespace EdgeMicro.Onnx.Graph;

/// <summary>Converts NodeProto and AttributeProto messages; interprets Constant nodes.</summary>
internal static class NodeReader
{
    /// <summary>Converts a node.</summary>
    /// <param name="np">The message.</param>
    /// <param name="index">Position in the graph.</param>
    /// <param name="decoder">Tensor decoder (shares the graph-wide element budget).</param>
    /// <returns>The node.</returns>
    public static OnnxNode Read(NodeProto np, int index, TensorDecoder decoder)
    {
        string display = np.Name.Length > 0 ? np.Name : $"{np.OpType}#{index}";
        if (np.OpType.Length == 0)
        {
            throw new OnnxImportException($"Node #{index} ('{display}') has no op_type.");
        }

        if (np.Output.Count == 0 || np.Output[0].Length == 0)
        {
            throw new OnnxImportException($"{np.OpType} node '{display}' has no output.");
        }

        var attributes = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
        foreach (AttributeProto ap in np.Attribute)
        {
            string what = $"attribute '{ap.Name}' of {np.OpType} node '{display}'";
            if (ap.Name.Length == 0)
            {
                throw new OnnxImportException($"An attribute of {np.OpType} node '{display}' has no name.");
            }

            if (!attributes.TryAdd(ap.Name, ReadAttribute(ap, decoder, what)))
            {
                throw new OnnxImportException($"{np.OpType} node '{display}' has attribute '{ap.Name}' twice.");
            }
        }

        return new OnnxNode
        {
            Index = index,
            Name = np.Name,
            OpType = np.OpType,
            Domain = np.Domain,
            Inputs = np.Input.ToArray(),
            Outputs = np.Output.ToArray(),
            Attributes = attributes,
        };
    }

    /// <summary>The value of a Constant node (value, value_float(s) or value_int(s)).</summary>
    /// <param name="node">A Constant node.</param>
    /// <returns>The tensor, named after the node output.</returns>
    public static OnnxTensor ConstantValue(OnnxNode node)
    {
        string name = node.Output(0);
        if (node.Attributes.Count != 1)
        {
            throw new OnnxImportException(
                $"Constant node '{node.DisplayName}' must have exactly one value attribute (has {node.Attributes.Count}).");
        }

        OnnxAttribute a = node.Attributes.Values.First();
        return (a.Name, a.Type) switch
        {
            ("value", OnnxAttributeType.Tensor) => a.Tensor!.WithShape(name, a.Tensor.Dims),
            ("value_float", OnnxAttributeType.Float) => new OnnxTensor(name, [], [a.Float]),
            ("value_floats", OnnxAttributeType.Floats) => new OnnxTensor(name, [a.Floats.Count], a.Floats.ToArray()),
            ("value_int", OnnxAttributeType.Int) => new OnnxTensor(name, [], [a.Int]),
            ("value_ints", OnnxAttributeType.Ints) => new OnnxTensor(name, [a.Ints.Count], a.Ints.ToArray()),
            _ => throw new OnnxImportException(
                $"Constant node '{node.DisplayName}': attribute '{a.Name}' ({a.Type}) is not supported (use value, value_float(s) or value_int(s))."),
        };
    }

    private static OnnxAttribute ReadAttribute(AttributeProto ap, TensorDecoder decoder, string what)
    {
        if (ap.RefAttrName.Length > 0)
        {
            throw new OnnxImportException($"{what} references a function attribute, which is not supported.");
        }

        AttrType type = ap.HasType && ap.Type != AttrType.Undefined ? ap.Type : InferType(ap);
        return type switch
        {
            AttrType.Float => new OnnxAttribute { Name = ap.Name, Type = OnnxAttributeType.Float, Float = ap.F },
            AttrType.Int => new OnnxAttribute { Name = ap.Name, Type = OnnxAttributeType.Int, Int = ap.I },
            AttrType.String => new OnnxAttribute { Name = ap.Name, Type = OnnxAttributeType.String, String = ap.S.ToStringUtf8() },
            AttrType.Tensor => new OnnxAttribute
            {
                Name = ap.Name,
                Type = OnnxAttributeType.Tensor,
                Tensor = decoder.Decode(ap.T ?? throw new OnnxImportException($"{what} is a TENSOR without a tensor."), "", what),
            },
            AttrType.Floats => new OnnxAttribute { Name = ap.Name, Type = OnnxAttributeType.Floats, Floats = ap.Floats.ToArray() },
            AttrType.Ints => new OnnxAttribute { Name = ap.Name, Type = OnnxAttributeType.Ints, Ints = ap.Ints.ToArray() },
            AttrType.Strings => new OnnxAttribute
            {
                Name = ap.Name,
                Type = OnnxAttributeType.Strings,
                Strings = ap.Strings.Select(s => s.ToStringUtf8()).ToArray(),
            },
            _ => new OnnxAttribute { Name = ap.Name, Type = OnnxAttributeType.Unsupported },
        };
    }

    private static AttrType InferType(AttributeProto ap)
    {
        if (ap.Floats.Count > 0)
        {
            return AttrType.Floats;
        }

        if (ap.Ints.Count > 0)
        {
            return AttrType.Ints;
        }

        if (ap.Strings.Count > 0)
        {
            return AttrType.Strings;
        }

        if (ap.T != null)
        {
            return AttrType.Tensor;
        }

        return ap.HasS ? AttrType.String : ap.HasI ? AttrType.Int : ap.HasF ? AttrType.Float : AttrType.Undefined;
    }
}
