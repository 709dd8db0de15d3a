using EdgeMicro.Onnx.Protos;

namespace EdgeMicro.Onnx.Graph;

/// <summary>Converts a parsed ModelProto into an <see cref="OnnxGraph"/>, validating structure and bounds.</summary>
internal static class GraphReader
{
    /// <summary>Converts and validates the model.</summary>
    /// <param name="model">Parsed model.</param>
    /// <returns>The graph.</returns>
    public static OnnxGraph Read(ModelProto model)
    {
        int opset = ReadOpset(model);
        GraphProto g = model.Graph
            ?? throw new OnnxImportException("The ONNX model has no graph (not an ONNX model file?).");
        if (g.Node.Count > ImportLimits.MaxNodes)
        {
            throw new OnnxImportException($"The graph has {g.Node.Count} nodes; at most {ImportLimits.MaxNodes} are supported.");
        }

        if (g.SparseInitializer.Count > 0)
        {
            throw new OnnxImportException("Sparse initializers are not supported.");
        }

        var decoder = new TensorDecoder();
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        foreach (TensorProto t in g.Initializer)
        {
            if (t.Name.Length == 0)
            {
                throw new OnnxImportException("An initializer has no name.");
            }

            if (initializers.ContainsKey(t.Name))
            {
                throw new OnnxImportException($"Initializer '{t.Name}' is defined twice.");
            }

            initializers.Add(t.Name, decoder.Decode(t, t.Name, $"initializer '{t.Name}'"));
        }

        var defined = new HashSet<string>(initializers.Keys, StringComparer.Ordinal);
        var inputs = new List<OnnxValueInfo>();
        foreach (ValueInfoProto vi in g.Input)
        {
            OnnxValueInfo info = ReadValueInfo(vi, "graph input");
            if (initializers.ContainsKey(info.Name))
            {
                continue; // shadowed by an initializer: a constant, not a real input
            }

            if (!defined.Add(info.Name))
            {
                throw new OnnxImportException($"Graph input '{info.Name}' is declared twice.");
            }

            inputs.Add(info);
        }

        var constants = new Dictionary<string, OnnxTensor>(initializers, StringComparer.Ordinal);
        var nodes = new List<OnnxNode>(g.Node.Count);
        foreach (NodeProto np in g.Node)
        {
            OnnxNode node = NodeReader.Read(np, nodes.Count, decoder);
            CheckNodeValues(node, defined);
            if (node.OpType == "Constant" && node.IsDefaultDomain)
            {
                constants[node.Output(0)] = NodeReader.ConstantValue(node);
            }

            nodes.Add(node);
        }

        var outputs = new List<OnnxValueInfo>();
        foreach (ValueInfoProto vi in g.Output)
        {
            OnnxValueInfo info = ReadValueInfo(vi, "graph output");
            if (!defined.Contains(info.Name))
            {
                throw new OnnxImportException($"Graph output '{info.Name}' is not produced by any node, input or initializer.");
            }

            outputs.Add(info);
        }

        if (outputs.Count == 0)
        {
            throw new OnnxImportException("The graph declares no outputs.");
        }

        return new OnnxGraph
        {
            Name = g.Name,
            IrVersion = model.IrVersion,
            Producer = $"{model.ProducerName} {model.ProducerVersion}".Trim(),
            OpsetVersion = opset,
            Nodes = nodes,
            Initializers = initializers,
            Constants = constants,
            Inputs = inputs,
            Outputs = outputs,
        };
    }

    private static int ReadOpset(ModelProto model)
    {
        long? version = null;
        foreach (OperatorSetIdProto op in model.OpsetImport)
        {
            if (op.Domain.Length == 0 || op.Domain == "ai.onnx")
            {
                if (version != null && version != op.Version)
                {
                    throw new OnnxImportException("The model imports the default ONNX domain twice with different versions.");
                }

                version = op.Version;
            }
        }

        if (version == null)
        {
            throw new OnnxImportException(
                model.Graph == null && model.OpsetImport.Count == 0
                    ? "The data is not an ONNX model (no graph and no opset_import)."
                    : "The model does not import the default ONNX operator set (no opset_import for domain \"\").");
        }

        if (version < OnnxModelLoader.MinOpset || version > OnnxModelLoader.MaxOpset)
        {
            throw new OnnxImportException(
                $"Unsupported opset {version}: only opsets {OnnxModelLoader.MinOpset}-{OnnxModelLoader.MaxOpset} of the default ONNX domain are supported.");
        }

        return (int)version.Value;
    }

    private static void CheckNodeValues(OnnxNode node, HashSet<string> defined)
    {
        foreach (string input in node.Inputs)
        {
            if (input.Length > 0 && !defined.Contains(input))
            {
                throw new OnnxImportException(
                    $"{node.OpType} node '{node.DisplayName}' uses '{input}', which is not defined before it (unknown value or nodes not in topological order).");
            }
        }

        foreach (string output in node.Outputs)
        {
            if (output.Length > 0 && !defined.Add(output))
            {
                throw new OnnxImportException($"{node.OpType} node '{node.DisplayName}' redefines value '{output}'.");
            }
        }
    }

    private static OnnxValueInfo ReadValueInfo(ValueInfoProto vi, string what)
    {
        if (vi.Name.Length == 0)
        {
            throw new OnnxImportException($"A {what} has no name.");
        }

        TypeProto.Types.Tensor? tensorType = vi.Type?.TensorType;
        TensorShapeProto? shape = tensorType?.Shape;
        if (shape != null && shape.Dim.Count > ImportLimits.MaxRank)
        {
            throw new OnnxImportException($"{what} '{vi.Name}' has rank {shape.Dim.Count}; at most {ImportLimits.MaxRank} is supported.");
        }

        var dims = new long[shape?.Dim.Count ?? 0];
        for (int i = 0; i < dims.Length; i++)
        {
            TensorShapeProto.Types.Dimension d = shape!.Dim[i];
            dims[i] = d.HasDimValue && d.DimValue >= 0 ? d.DimValue : OnnxValueInfo.UnknownDim;
        }

        return new OnnxValueInfo
        {
            Name = vi.Name,
            ElementType = tensorType?.ElemType ?? 0,
            HasShape = shape != null,
            Dims = dims,
        };
    }
}
