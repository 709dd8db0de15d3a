using EdgeMicro.Onnx.Graph;

namespace EdgeMicro.Onnx.Evaluation;

/// <summary>Element-wise operators: Relu, LeakyRelu, Clip, Sigmoid, Add, BatchNormalization (inference).</summary>
internal static class ElementwiseOps
{
    /// <summary>Applies a unary function to input 0.</summary>
    /// <param name="ctx">Context.</param>
    /// <param name="node">Node.</param>
    /// <param name="f">The function.</param>
    /// <returns>The result.</returns>
    public static OnnxTensor Unary(EvalContext ctx, OnnxNode node, Func<float, float> f)
    {
        OnnxTensor x = ctx.Float(node, 0);
        ctx.Charge(x.ElementCount);
        var y = new float[x.ElementCount];
        for (int i = 0; i < y.Length; i++)
        {
            y[i] = f(x.FloatData[i]);
        }

        return new OnnxTensor(node.Output(0), x.Dims, y);
    }

    /// <summary>Relu.</summary>
    /// <param name="ctx">Context.</param>
    /// <param name="node">Node.</param>
    /// <returns>The result.</returns>
    public static OnnxTensor Relu(EvalContext ctx, OnnxNode node) => Unary(ctx, node, v => v > 0 ? v : 0);

    /// <summary>LeakyRelu (alpha default 0.01).</summary>
    /// <param name="ctx">Context.</param>
    /// <param name="node">Node.</param>
    /// <returns>The result.</returns>
    public static OnnxTensor LeakyRelu(EvalContext ctx, OnnxNode node)
    {
        float alpha = node.GetFloat("alpha", 0.01f);
        return Unary(ctx, node, v => v >= 0 ? v : alpha * v);
    }

    /// <summary>Logistic sigmoid.</summary>
    /// <param name="ctx">Context.</param>
    /// <param name="node">Node.</param>
    /// <returns>The result.</returns>
    public static OnnxTensor Sigmoid(EvalContext ctx, OnnxNode node) => Unary(ctx, node, v => (float)Logistic(v));

    /// <summary>Numerically stable logistic function.</summary>
    /// <param name="v">Argument.</param>
    /// <returns>1 / (1 + e^-v).</returns>
    public static double Logistic(double v)
    {
        if (v >= 0)
        {
            return 1.0 / (1.0 + Math.Exp(-v));
        }

        double e = Math.Exp(v);
        return e / (1.0 + e);
    }

    /// <summary>Clip with optional min/max inputs (opset 11+).</summary>
    /// <param name="ctx">Context.</param>
    /// <param name="node">Node.</param>
    /// <returns>The result.</returns>
    public static OnnxTensor Clip(EvalContext ctx, OnnxNode node)
    {
        float min = Bound(ctx, node, 1, float.NegativeInfinity);
        float max = Bound(ctx, node, 2, float.PositiveInfinity);
        return Unary(ctx, node, v => Math.Min(Math.Max(v, min), max));
    }

    /// <summary>Add with multidirectional broadcasting.</summary>
    /// <param name="ctx">Context.</param>
    /// <param name="node">Node.</param>
    /// <returns>The result.</returns>
    public static OnnxTensor Add(EvalContext ctx, OnnxNode node)
    {
        OnnxTensor a = ctx.Float(node, 0);
        OnnxTensor b = ctx.Float(node, 1);
        int[] shape = Broadcast.Shape(a.Dims, b.Dims)
            ?? throw EvalContext.Fail(node, $"shapes [{string.Join(", ", a.Dims)}] and [{string.Join(", ", b.Dims)}] do not broadcast.");
        int count = ctx.Allocate(node, Array.ConvertAll(shape, d => (long)d));
        int[] ia = Broadcast.SourceIndices(a.Dims, shape);
        int[] ib = Broadcast.SourceIndices(b.Dims, shape);
        var y = new float[count];
        for (int i = 0; i < count; i++)
        {
            y[i] = a.FloatData[ia[i]] + b.FloatData[ib[i]];
        }

        return new OnnxTensor(node.Output(0), shape, y);
    }

    /// <summary>BatchNormalization in inference mode: y = (x - mean) / sqrt(var + eps) * scale + bias, channel axis 1.</summary>
    /// <param name="ctx">Context.</param>
    /// <param name="node">Node.</param>
    /// <returns>The result.</returns>
    public static OnnxTensor BatchNormalization(EvalContext ctx, OnnxNode node)
    {
        if (node.GetInt("training_mode", 0) != 0 || node.Outputs.Skip(1).Any(o => o.Length > 0))
        {
            throw EvalContext.Fail(node, "training mode (running statistics outputs) is not supported.");
        }

        OnnxTensor x = ctx.Float(node, 0);
        if (x.Rank < 2)
        {
            throw EvalContext.Fail(node, "input must have a channel axis (rank >= 2).");
        }

        int channels = x.Dims[1];
        var p = new float[4][];
        for (int k = 0; k < 4; k++)
        {
            OnnxTensor t = ctx.Float(node, k + 1);
            if (t.ElementCount != channels || t.Rank != 1)
            {
                throw EvalContext.Fail(node, $"input {k + 1} must have shape [{channels}].");
            }

            p[k] = t.FloatData;
        }

        double eps = node.GetFloat("epsilon", 1e-5f);
        int inner = Broadcast.Product(x.Dims, 2, x.Rank);
        ctx.Charge(x.ElementCount);
        var y = new float[x.ElementCount];
        for (int i = 0; i < y.Length; i++)
        {
            int c = i / inner % channels;
            double norm = (x.FloatData[i] - (double)p[2][c]) / Math.Sqrt(p[3][c] + eps);
            y[i] = (float)((norm * p[0][c]) + p[1][c]);
        }

        return new OnnxTensor(node.Output(0), x.Dims, y);
    }

    private static float Bound(EvalContext ctx, OnnxNode node, int input, float absent)
    {
        OnnxTensor? t = ctx.OptionalInput(node, input);
        if (t == null)
        {
            return absent;
        }

        if (t.ElementCount != 1 || t.DataType != OnnxDataType.Float)
        {
            throw EvalContext.Fail(node, $"input {input} must be a float scalar.");
        }

        return t.FloatData[0];
    }
}
