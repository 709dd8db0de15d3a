using EdgeMicro.Onnx.Graph;

namespace EdgeMicro.Onnx.Evaluation;

/// <summary>Gemm and MatMul.</summary>
internal static class LinearOps
{
    /// <summary>Gemm: Y = alpha * A' * B' + beta * C (C unidirectionally broadcast to [M, N]).</summary>
    /// <param name="ctx">Context.</param>
    /// <param name="node">Node.</param>
    /// <returns>The result.</returns>
    public static OnnxTensor Gemm(EvalContext ctx, OnnxNode node)
    {
        OnnxTensor a = ctx.Float(node, 0);
        OnnxTensor b = ctx.Float(node, 1);
        OnnxTensor? c = ctx.OptionalInput(node, 2);
        if (a.Rank != 2 || b.Rank != 2)
        {
            throw EvalContext.Fail(node, $"A and B must be 2-D (got [{string.Join(", ", a.Dims)}] and [{string.Join(", ", b.Dims)}]).");
        }

        bool transA = node.GetInt("transA", 0) != 0;
        bool transB = node.GetInt("transB", 0) != 0;
        float alpha = node.GetFloat("alpha", 1f);
        float beta = node.GetFloat("beta", 1f);
        int m = transA ? a.Dims[1] : a.Dims[0];
        int k = transA ? a.Dims[0] : a.Dims[1];
        int kb = transB ? b.Dims[1] : b.Dims[0];
        int n = transB ? b.Dims[0] : b.Dims[1];
        if (k != kb)
        {
            throw EvalContext.Fail(node, $"inner dimensions differ ({k} vs {kb}).");
        }

        int[] outShape = [m, n];
        int[]? cIndex = null;
        if (c != null)
        {
            if (c.DataType != OnnxDataType.Float || c.Rank > 2 || Broadcast.Shape(c.Dims, outShape) is not { } s
                || s[0] != m || s[1] != n)
            {
                throw EvalContext.Fail(node, $"C of shape [{string.Join(", ", c.Dims)}] does not broadcast to [{m}, {n}].");
            }

            cIndex = Broadcast.SourceIndices(c.Dims, outShape);
        }

        int count = ctx.Allocate(node, [m, n]);
        ctx.Charge((long)m * n * k);
        var y = new float[count];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                float acc = 0;
                for (int p = 0; p < k; p++)
                {
                    float av = transA ? a.FloatData[(p * m) + i] : a.FloatData[(i * k) + p];
                    float bv = transB ? b.FloatData[(j * k) + p] : b.FloatData[(p * n) + j];
                    acc += av * bv;
                }

                acc *= alpha;
                if (cIndex != null)
                {
                    acc += beta * c!.FloatData[cIndex[(i * n) + j]];
                }

                y[(i * n) + j] = acc;
            }
        }

        return new OnnxTensor(node.Output(0), outShape, y);
    }

    /// <summary>MatMul with NumPy semantics (1-D promotion, broadcast batch dimensions).</summary>
    /// <param name="ctx">Context.</param>
    /// <param name="node">Node.</param>
    /// <returns>The result.</returns>
    public static OnnxTensor MatMul(EvalContext ctx, OnnxNode node)
    {
        OnnxTensor a = ctx.Float(node, 0);
        OnnxTensor b = ctx.Float(node, 1);
        if (a.Rank == 0 || b.Rank == 0)
        {
            throw EvalContext.Fail(node, "MatMul operands must have rank >= 1.");
        }

        int[] ad = a.Rank == 1 ? [1, a.Dims[0]] : a.Dims;
        int[] bd = b.Rank == 1 ? [b.Dims[0], 1] : b.Dims;
        int m = ad[^2], k = ad[^1], kb = bd[^2], n = bd[^1];
        if (k != kb)
        {
            throw EvalContext.Fail(node, $"inner dimensions differ ({k} vs {kb}).");
        }

        int[] aBatch = ad[..^2], bBatch = bd[..^2];
        int[] batch = Broadcast.Shape(aBatch, bBatch)
            ?? throw EvalContext.Fail(node, "batch dimensions do not broadcast.");
        var full = new List<long>(batch.Select(d => (long)d));
        if (a.Rank > 1)
        {
            full.Add(m);
        }

        if (b.Rank > 1)
        {
            full.Add(n);
        }

        int count = ctx.Allocate(node, full);
        int batchCount = Broadcast.Product(batch, 0, batch.Length);
        ctx.Charge((long)batchCount * m * n * k);
        int[] ai = Broadcast.SourceIndices(aBatch, batch);
        int[] bi = Broadcast.SourceIndices(bBatch, batch);
        var y = new float[count];
        for (int t = 0; t < batchCount; t++)
        {
            int aOff = ai[t] * m * k, bOff = bi[t] * k * n, yOff = t * m * n;
            for (int i = 0; i < m; i++)
            {
                for (int j = 0; j < n; j++)
                {
                    float acc = 0;
                    for (int p = 0; p < k; p++)
                    {
                        acc += a.FloatData[aOff + (i * k) + p] * b.FloatData[bOff + (p * n) + j];
                    }

                    y[yOff + (i * n) + j] = acc;
                }
            }
        }

        return new OnnxTensor(node.Output(0), full.Select(d => (int)d).ToArray(), y);
    }
}
