using EdgeMicro.Onnx.Evaluation;
using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Onnx.Lowering;

/// <summary>Activations, the final Softmax/Sigmoid, and the data-preserving Flatten/Reshape/Identity/Dropout.</summary>
internal static class ShapeLowering
{
    /// <summary>Relu, Clip (constant min/max) or LeakyRelu as an <see cref="ActivationLayer"/>.</summary>
    /// <param name="s">Session.</param>
    /// <param name="node">Node.</param>
    public static void Activation(LoweringSession s, OnnxNode node)
    {
        FeatureShape shape = LoweringShapes.Feature(s.Shape!);
        ActivationLayer layer = node.OpType switch
        {
            "Relu" => new ActivationLayer { Name = node.DisplayName, InputShape = shape, OutputShape = shape, Kind = ActivationKind.Relu },
            "LeakyRelu" => new ActivationLayer
            {
                Name = node.DisplayName,
                InputShape = shape,
                OutputShape = shape,
                Kind = ActivationKind.LeakyRelu,
                Alpha = node.GetFloat("alpha", 0.01f),
            },
            _ => new ActivationLayer
            {
                Name = node.DisplayName,
                InputShape = shape,
                OutputShape = shape,
                Kind = ActivationKind.Clip,
                Min = ClipBound(s, node, 1, float.NegativeInfinity),
                Max = ClipBound(s, node, 2, float.PositiveInfinity),
            },
        };
        s.AddLayer(node, layer, s.Shape!);
    }

    /// <summary>Final Softmax (over the whole class vector) or Sigmoid: recorded as the model output activation.</summary>
    /// <param name="s">Session.</param>
    /// <param name="node">Node (already checked to be the last one).</param>
    public static void OutputActivation(LoweringSession s, OnnxNode node)
    {
        int[] shape = s.Shape!;
        if (node.OpType == "Sigmoid")
        {
            s.Output = Ir.OutputActivation.Sigmoid;
            return;
        }

        int r = shape.Length;
        bool wholeVector;
        if (s.Graph.OpsetVersion < 13)
        {
            int axis = ShapeOps.NormalizeAxis(node, node.GetInt("axis", 1), r, r);
            wholeVector = Broadcast.Product(shape, 0, axis) == 1; // a single row of the coerced 2-D tensor
        }
        else
        {
            int axis = ShapeOps.NormalizeAxis(node, node.GetInt("axis", -1), r, r - 1);
            wholeVector = Broadcast.Product(shape, 0, r) == shape[axis]; // every other axis has size 1
        }

        if (!wholeVector)
        {
            throw new OnnxImportException(
                $"Softmax (opset {s.Graph.OpsetVersion}, axis {node.GetInt("axis", s.Graph.OpsetVersion < 13 ? 1 : -1)}) over [{LoweringShapes.Text(shape)}] does not normalize the whole class vector.");
        }

        s.Output = Ir.OutputActivation.Softmax;
    }

    /// <summary>Flatten, Reshape, Identity, Dropout: no data movement in C order, only a new shape.</summary>
    /// <param name="s">Session.</param>
    /// <param name="node">Node.</param>
    public static void Reshaping(LoweringSession s, OnnxNode node)
    {
        int[] shape = s.Shape!;
        int[] result;
        switch (node.OpType)
        {
            case "Flatten":
                int axis = ShapeOps.NormalizeAxis(node, node.GetInt("axis", 1), shape.Length, shape.Length);
                result = [Broadcast.Product(shape, 0, axis), Broadcast.Product(shape, axis, shape.Length)];
                break;
            case "Reshape":
                OnnxTensor target = s.Graph.Constants[node.Input(1)];
                if (target.DataType != OnnxDataType.Int64)
                {
                    throw new OnnxImportException("Reshape shape must be an int64 tensor.");
                }

                result = ShapeOps.ReshapeDims(node, shape, target);
                break;
            case "Dropout":
                if (node.Input(2).Length > 0 && s.Graph.Constants[node.Input(2)] is { ElementCount: > 0 } t && t.GetFloat(0) != 0)
                {
                    throw new OnnxImportException("Dropout with training_mode=true is not supported.");
                }

                result = shape;
                break;
            default:
                result = shape;
                break;
        }

        if (result.Length is < 2 or > 4 || result[0] != 1)
        {
            throw new OnnxImportException(
                $"{node.OpType} to [{LoweringShapes.Text(result)}] is not supported (the result must be [1, ...] of rank 2-4).");
        }

        if (!result.SequenceEqual(shape))
        {
            s.FoldTarget = -1;
        }

        s.Shape = result;
    }

    private static float ClipBound(LoweringSession s, OnnxNode node, int input, float absent)
    {
        OnnxTensor? t = s.FloatConstant(node, input);
        if (t == null)
        {
            return absent;
        }

        return t.ElementCount == 1 ? t.FloatData[0] : throw new OnnxImportException($"Clip input {input} must be a scalar.");
    }
}
