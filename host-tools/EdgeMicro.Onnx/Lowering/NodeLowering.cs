using EdgeMicro.Onnx.Graph;

namespace EdgeMicro.Onnx.Lowering;

/// <summary>Dispatches a chain node (already checked: supported op, single computed input, constant weights).</summary>
internal static class NodeLowering
{
    /// <summary>Lowers one node into the session (new layer, fold, shape change or output activation).</summary>
    /// <param name="s">Session (its <see cref="LoweringSession.Shape"/> is known).</param>
    /// <param name="node">The node.</param>
    public static void Lower(LoweringSession s, OnnxNode node)
    {
        switch (node.OpType)
        {
            case "Gemm":
                LinearLowering.Gemm(s, node);
                break;
            case "MatMul":
                LinearLowering.MatMul(s, node);
                break;
            case "Add":
                FoldLowering.AddBias(s, node);
                break;
            case "BatchNormalization":
                FoldLowering.BatchNormalization(s, node);
                break;
            case "Conv":
                WindowLowering.Conv(s, node);
                break;
            case "MaxPool" or "AveragePool":
                WindowLowering.Pool(s, node);
                break;
            case "GlobalAveragePool":
                WindowLowering.GlobalAveragePool(s, node);
                break;
            case "Pad":
                WindowLowering.Pad(s, node);
                break;
            case "Relu" or "Clip" or "LeakyRelu":
                ShapeLowering.Activation(s, node);
                break;
            case "Softmax" or "Sigmoid":
                ShapeLowering.OutputActivation(s, node);
                break;
            default:
                ShapeLowering.Reshaping(s, node);
                break;
        }
    }
}
