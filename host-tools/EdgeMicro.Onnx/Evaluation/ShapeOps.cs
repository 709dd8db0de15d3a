using EdgeMicro.Onnx.Graph;

namespace EdgeMicro.Onnx.Evaluation;

/// <summary>Flatten, Reshape, Pad, Identity and Dropout.</summary>
internal static class ShapeOps
{
    /// <summary>Flatten to 2-D at <c>axis</c> (default 1).</summary>
    /// <param name="ctx">Context.</param>
    /// <param name="node">Node.</param>
    /// <returns>The result (shares the data).</returns>
    public static OnnxTensor Flatten(EvalContext ctx, OnnxNode node)
    {
        OnnxTensor x = ctx.Float(node, 0);
        int axis = NormalizeAxis(node, node.GetInt("axis", 1), x.Rank, x.Rank);
        return x.WithShape(node.Output(0), [Broadcast.Product(x.Dims, 0, axis), Broadcast.Product(x.Dims, axis, x.Rank)]);
    }

    /// <summary>Reshape by an int64 shape input (0 copies the input dim unless allowzero, -1 is inferred).</summary>
    /// <param name="ctx">Context.</param>
    /// <param name="node">Node.</param>
    /// <returns>The result (shares the data).</returns>
    public static OnnxTensor Reshape(EvalContext ctx, OnnxNode node)
    {
        OnnxTensor x = ctx.Float(node, 0);
        OnnxTensor shape = ctx.Int64(node, 1);
        return x.WithShape(node.Output(0), ReshapeDims(node, x.Dims, shape));
    }

    /// <summary>Resolves the target dims of a Reshape (shared with the lowering).</summary>
    /// <param name="node">The Reshape node.</param>
    /// <param name="input">Input dims.</param>
    /// <param name="shape">The shape tensor (int64, 1-D).</param>
    /// <returns>The output dims.</returns>
    public static int[] ReshapeDims(OnnxNode node, int[] input, OnnxTensor shape)
    {
        if (shape.Rank != 1 || shape.ElementCount > ImportLimits.MaxRank)
        {
            throw EvalContext.Fail(node, $"shape must be 1-D with at most {ImportLimits.MaxRank} values.");
        }

        bool allowZero = node.GetInt("allowzero", 0) != 0;
        long[] s = shape.Int64Data;
        var dims = new long[s.Length];
        int inferred = -1;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == -1)
            {
                if (inferred >= 0)
                {
                    throw EvalContext.Fail(node, "shape has more than one -1.");
                }

                inferred = i;
                dims[i] = 1;
            }
            else if (s[i] == 0 && !allowZero)
            {
                dims[i] = i < input.Length ? input[i] : throw EvalContext.Fail(node, $"shape[{i}] = 0 has no input dim to copy.");
            }
            else if (s[i] < 0 || s[i] > ImportLimits.MaxElements)
            {
                throw EvalContext.Fail(node, $"shape[{i}] = {s[i]} is invalid.");
            }
            else
            {
                dims[i] = s[i];
            }
        }

        int total = Broadcast.Product(input, 0, input.Length);
        int known = ImportLimits.ElementCount(dims, $"shape of Reshape node '{node.DisplayName}'");
        if (inferred >= 0)
        {
            if (known == 0 || total % known != 0)
            {
                throw EvalContext.Fail(node, $"cannot infer -1: {total} elements do not divide into [{string.Join(", ", s)}].");
            }

            dims[inferred] = total / known;
        }
        else if (known != total)
        {
            throw EvalContext.Fail(node, $"cannot reshape {total} elements to [{string.Join(", ", dims)}].");
        }

        return Array.ConvertAll(dims, d => (int)d);
    }

    /// <summary>Pad in constant mode (pads from input 1, or the pads attribute before opset 11).</summary>
    /// <param name="ctx">Context.</param>
    /// <param name="node">Node.</param>
    /// <returns>The result.</returns>
    public static OnnxTensor Pad(EvalContext ctx, OnnxNode node)
    {
        string mode = node.GetString("mode", "constant");
        if (mode != "constant")
        {
            throw EvalContext.Fail(node, $"mode '{mode}' is not supported (only constant).");
        }

        OnnxTensor x = ctx.Float(node, 0);
        long[] pads = ctx.OptionalInput(node, 1) is not null
            ? ctx.Int64(node, 1).Int64Data
            : node.GetInts("pads")?.ToArray() ?? throw EvalContext.Fail(node, "pads are missing.");
        OnnxTensor? valueTensor = ctx.OptionalInput(node, 2);
        if (valueTensor != null && (valueTensor.ElementCount != 1 || valueTensor.DataType != OnnxDataType.Float))
        {
            throw EvalContext.Fail(node, "constant_value must be a float scalar.");
        }

        float value = valueTensor?.FloatData[0] ?? 0f;
        int rank = x.Rank;
        if (pads.Length != 2 * rank)
        {
            throw EvalContext.Fail(node, $"pads has {pads.Length} values, expected {2 * rank}.");
        }

        var outDims = new long[rank];
        for (int i = 0; i < rank; i++)
        {
            if (!InRange(pads[i]) || !InRange(pads[i + rank]))
            {
                throw EvalContext.Fail(node, $"pads [{string.Join(", ", pads)}] are out of range.");
            }

            outDims[i] = x.Dims[i] + pads[i] + pads[i + rank];
        }

        int count = ctx.Allocate(node, outDims);
        int[] dims = Array.ConvertAll(outDims, d => (int)d);
        var y = new float[count];
        int[] outStrides = Broadcast.Strides(dims), inStrides = Broadcast.Strides(x.Dims);
        for (int o = 0; o < count; o++)
        {
            int rest = o, src = 0;
            bool inside = true;
            for (int i = 0; i < rank && inside; i++)
            {
                long ii = (rest / outStrides[i]) - pads[i];
                rest %= outStrides[i];
                inside = ii >= 0 && ii < x.Dims[i];
                src += inside ? (int)ii * inStrides[i] : 0;
            }

            y[o] = inside ? x.FloatData[src] : value;
        }

        return new OnnxTensor(node.Output(0), dims, y);
    }

    /// <summary>Identity, and Dropout in inference mode (optional mask output of ones).</summary>
    /// <param name="ctx">Context.</param>
    /// <param name="node">Node.</param>
    /// <returns>The result (shares the data).</returns>
    public static OnnxTensor PassThrough(EvalContext ctx, OnnxNode node)
    {
        OnnxTensor x = ctx.Float(node, 0);
        if (node.OpType == "Dropout")
        {
            OnnxTensor? training = ctx.OptionalInput(node, 2);
            if (training != null && training.ElementCount > 0 && training.GetFloat(0) != 0)
            {
                throw EvalContext.Fail(node, "training_mode=true is not supported.");
            }

            if (node.Output(1).Length > 0)
            {
                ctx.Charge(x.ElementCount);
                var mask = new float[x.ElementCount];
                Array.Fill(mask, 1f);
                ctx.Set(node.Output(1), new OnnxTensor(node.Output(1), x.Dims, mask));
            }
        }

        return x.WithShape(node.Output(0), x.Dims);
    }

    /// <summary>Normalizes an axis attribute into [0, <paramref name="limit"/>].</summary>
    /// <param name="node">Node, for messages.</param>
    /// <param name="axis">Axis (negative counts from the end).</param>
    /// <param name="rank">Tensor rank.</param>
    /// <param name="limit">Largest accepted normalized axis.</param>
    /// <returns>The axis.</returns>
    public static int NormalizeAxis(OnnxNode node, long axis, int rank, int limit)
    {
        long a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a > limit)
        {
            throw EvalContext.Fail(node, $"axis {axis} is out of range for rank {rank}.");
        }

        return (int)a;
    }

    private static bool InRange(long pad) => pad >= -ImportLimits.MaxElements && pad <= ImportLimits.MaxElements;
}
