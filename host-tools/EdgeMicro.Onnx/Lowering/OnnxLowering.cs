using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Onnx.Lowering;

/// <summary>
/// Lowers an imported <see cref="OnnxGraph"/> to the layer IR (<see cref="FloatModel"/>): Gemm/MatMul(+Add) become
/// Dense, Conv becomes Conv (1-D as height 1), BatchNormalization and bias Adds are folded, Relu/Clip/LeakyRelu
/// become activations, pools become Pool layers, constant zero Pads merge into the next Conv/AveragePool,
/// Flatten/Reshape/Identity/Dropout vanish, and a final Softmax/Sigmoid becomes <see cref="FloatModel.Output"/>.
/// </summary>
public static class OnnxLowering
{
    /// <summary>Lowers the graph, or rejects it listing every unsupported node.</summary>
    /// <param name="graph">Imported graph.</param>
    /// <returns>The float layer model.</returns>
    /// <exception cref="OnnxUnsupportedModelException">Some node or the graph structure is not supported.</exception>
    public static FloatModel Lower(OnnxGraph graph)
    {
        ArgumentNullException.ThrowIfNull(graph);
        var session = new LoweringSession(graph);
        session.Run();
        foreach ((FloatLayer layer, List<string> names) in session.Layers)
        {
            CheckFolded(session, layer, names);
        }

        if (session.Problems.Count > 0)
        {
            throw new OnnxUnsupportedModelException(session.Problems);
        }

        return new FloatModel
        {
            InputDims = session.InputDims,
            Layers = session.Layers.Select(l => LayerNaming.WithName(l.Layer, string.Join("+", l.Names))).ToArray(),
            Output = session.Output,
            OutputName = graph.Outputs[0].Name,
        };
    }

    /// <summary>Folding (Gemm alpha/beta, BatchNormalization, bias Adds) can overflow float: the folded layer must stay finite.</summary>
    private static void CheckFolded(LoweringSession session, FloatLayer layer, List<string> names)
    {
        (float[]? weights, float[]? bias) = layer switch
        {
            DenseLayer d => (d.Weights, d.Bias),
            ConvLayer c => (c.Weights, c.Bias),
            _ => (null, null),
        };
        foreach ((string what, float[]? values) in new[] { ("weights", weights), ("bias", bias) })
        {
            if (values != null && LoweringSession.FirstNonFinite(values, allowInfinity: false) is int k and >= 0)
            {
                session.Problems.Add(new OnnxUnsupportedNode($"layer '{string.Join("+", names)}'", "", $"folding gives a non-finite {what} value ({values[k]} at element {k}); the constants are too large to multiply together in float32."));
            }
        }
    }
}
