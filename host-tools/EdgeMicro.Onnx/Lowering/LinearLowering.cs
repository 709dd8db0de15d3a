using EdgeMicro.Onnx.Evaluation;
using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Onnx.Lowering;

/// <summary>Gemm and MatMul to <see cref="DenseLayer"/> (weights row-major [out, in], alpha/beta folded).</summary>
internal static class LinearLowering
{
    /// <summary>Gemm: y = alpha * x B' + beta * C with x = [1, K] and constant B, C.</summary>
    /// <param name="s">Session.</param>
    /// <param name="node">Node.</param>
    public static void Gemm(LoweringSession s, OnnxNode node)
    {
        if (node.GetInt("transA", 0) != 0)
        {
            throw new OnnxImportException("Gemm with transA=1 on the computed input is not supported.");
        }

        int k = InputLength(s, node);
        OnnxTensor b = s.FloatConstant(node, 1)!;
        bool transB = node.GetInt("transB", 0) != 0;
        if (b.Rank != 2 || (transB ? b.Dims[1] : b.Dims[0]) != k)
        {
            throw new OnnxImportException(
                $"Gemm weights [{LoweringShapes.Text(b.Dims)}] (transB={(transB ? 1 : 0)}) do not take {k} inputs.");
        }

        int n = transB ? b.Dims[0] : b.Dims[1];
        double alpha = node.GetFloat("alpha", 1f);
        double beta = node.GetFloat("beta", 1f);
        var weights = new float[n * k];
        for (int o = 0; o < n; o++)
        {
            for (int i = 0; i < k; i++)
            {
                weights[(o * k) + i] = (float)(alpha * b.FloatData[transB ? (o * k) + i : (i * n) + o]);
            }
        }

        var bias = new float[n];
        if (s.FloatConstant(node, 2) is { } c)
        {
            if (c.Rank > 2 || Broadcast.Shape(c.Dims, [1, n]) is not [1, var bn] || bn != n)
            {
                throw new OnnxImportException($"Gemm bias C [{LoweringShapes.Text(c.Dims)}] does not broadcast to [1, {n}].");
            }

            for (int o = 0; o < n; o++)
            {
                bias[o] = (float)(beta * c.FloatData[c.ElementCount == 1 ? 0 : o]);
            }
        }

        AddDense(s, node, k, n, weights, bias);
    }

    /// <summary>MatMul x [1, K] by constant B [K, N] (bias from a following Add).</summary>
    /// <param name="s">Session.</param>
    /// <param name="node">Node.</param>
    public static void MatMul(LoweringSession s, OnnxNode node)
    {
        int k = InputLength(s, node);
        OnnxTensor b = s.FloatConstant(node, 1)!;
        if (b.Rank != 2 || b.Dims[0] != k)
        {
            throw new OnnxImportException($"MatMul weights [{LoweringShapes.Text(b.Dims)}] are not [{k}, N].");
        }

        int n = b.Dims[1];
        var weights = new float[n * k];
        for (int o = 0; o < n; o++)
        {
            for (int i = 0; i < k; i++)
            {
                weights[(o * k) + i] = b.FloatData[(i * n) + o];
            }
        }

        AddDense(s, node, k, n, weights, new float[n]);
    }

    private static int InputLength(LoweringSession s, OnnxNode node)
    {
        int[] shape = s.Shape!;
        if (shape.Length != 2)
        {
            throw new OnnxImportException(
                $"{node.OpType} input must be 2-D [1, K] (got [{LoweringShapes.Text(shape)}]; add a Flatten).");
        }

        return shape[1];
    }

    private static void AddDense(LoweringSession s, OnnxNode node, int k, int n, float[] weights, float[] bias)
    {
        if (n == 0 || k == 0)
        {
            throw new OnnxImportException($"{node.OpType} has an empty weight matrix.");
        }

        var layer = new DenseLayer
        {
            Name = node.DisplayName,
            InputShape = new FeatureShape(k, 1, 1),
            OutputShape = new FeatureShape(n, 1, 1),
            Weights = weights,
            Bias = bias,
        };
        s.AddLayer(node, layer, [1, n]);
    }
}
