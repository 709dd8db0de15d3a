using EdgeMicro.Onnx.Graph;

namespace EdgeMicro.Onnx.Evaluation;

/// <summary>Softmax with the semantics of the graph's opset.</summary>
internal static class SoftmaxOp
{
    /// <summary>
    /// Opset &lt;= 12: the input is coerced to 2-D [prod(dims[..axis]), prod(dims[axis..])] (axis default 1) and each
    /// row is normalized. Opset &gt;= 13: normalized along <c>axis</c> (default -1) only.
    /// </summary>
    /// <param name="ctx">Context.</param>
    /// <param name="node">Node.</param>
    /// <returns>The result.</returns>
    public static OnnxTensor Evaluate(EvalContext ctx, OnnxNode node)
    {
        OnnxTensor x = ctx.Float(node, 0);
        int rank = x.Rank;
        int outer, length, inner;
        if (ctx.Opset < 13)
        {
            int axis = ShapeOps.NormalizeAxis(node, node.GetInt("axis", 1), rank, rank);
            outer = Broadcast.Product(x.Dims, 0, axis);
            length = Broadcast.Product(x.Dims, axis, rank);
            inner = 1;
        }
        else
        {
            int axis = ShapeOps.NormalizeAxis(node, node.GetInt("axis", -1), rank, rank - 1);
            outer = Broadcast.Product(x.Dims, 0, axis);
            length = x.Dims[axis];
            inner = Broadcast.Product(x.Dims, axis + 1, rank);
        }

        ctx.Charge(3L * x.ElementCount);
        var y = new float[x.ElementCount];
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int start = (o * length * inner) + i;
                Normalize(x.FloatData, y, start, length, inner);
            }
        }

        return new OnnxTensor(node.Output(0), x.Dims, y);
    }

    /// <summary>Softmax of <paramref name="length"/> values starting at <paramref name="start"/>, <paramref name="step"/> apart.</summary>
    /// <param name="x">Input.</param>
    /// <param name="y">Output.</param>
    /// <param name="start">First index.</param>
    /// <param name="length">Number of values.</param>
    /// <param name="step">Distance between values.</param>
    public static void Normalize(ReadOnlySpan<float> x, Span<float> y, int start, int length, int step)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < length; k++)
        {
            max = Math.Max(max, x[start + (k * step)]);
        }

        double sum = 0;
        for (int k = 0; k < length; k++)
        {
            sum += Math.Exp(x[start + (k * step)] - max);
        }

        for (int k = 0; k < length; k++)
        {
            y[start + (k * step)] = (float)(Math.Exp(x[start + (k * step)] - max) / sum);
        }
    }
}
