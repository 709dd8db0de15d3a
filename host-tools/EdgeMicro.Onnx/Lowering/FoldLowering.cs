using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Onnx.Lowering;

/// <summary>Folds a constant Add (bias) or an inference BatchNormalization into the preceding Dense/Conv layer.</summary>
internal static class FoldLowering
{
    /// <summary>Add of a per-channel constant directly after Gemm/MatMul/Conv: added to the layer bias.</summary>
    /// <param name="s">Session.</param>
    /// <param name="node">Node.</param>
    public static void AddBias(LoweringSession s, OnnxNode node)
    {
        int constIndex = node.Input(0) == s.Current ? 1 : 0;
        string name = node.Input(constIndex);
        if (name.Length == 0 || !s.Graph.TryGetConstant(name, out OnnxTensor? c))
        {
            throw new OnnxImportException("Add is only supported with a constant operand (a bias).");
        }

        if (c.DataType != OnnxDataType.Float)
        {
            throw new OnnxImportException("Add operand must be a float tensor.");
        }

        FloatLayer layer = Target(s, "Add of a constant");
        double[] values = LoweringShapes.PerChannel(c, s.Shape!)
            ?? throw new OnnxImportException(
                $"Add operand [{LoweringShapes.Text(c.Dims)}] is not a per-channel bias for [{LoweringShapes.Text(s.Shape!)}].");
        float[] bias = layer is DenseLayer d ? d.Bias : ((ConvLayer)layer).Bias;
        for (int ch = 0; ch < bias.Length; ch++)
        {
            bias[ch] = (float)(bias[ch] + values[ch]);
        }

        s.Layers[s.FoldTarget].Names.Add(node.DisplayName);
    }

    /// <summary>Inference BatchNormalization directly after Conv/Gemm/MatMul: scales weights and shifts the bias.</summary>
    /// <param name="s">Session.</param>
    /// <param name="node">Node.</param>
    public static void BatchNormalization(LoweringSession s, OnnxNode node)
    {
        if (node.GetInt("training_mode", 0) != 0 || node.Outputs.Skip(1).Any(o => o.Length > 0))
        {
            throw new OnnxImportException("BatchNormalization in training mode is not supported.");
        }

        FloatLayer layer = Target(s, "BatchNormalization");
        int channels = s.Shape![1];
        var p = new float[4][];
        for (int k = 0; k < 4; k++)
        {
            OnnxTensor t = s.FloatConstant(node, k + 1)
                ?? throw new OnnxImportException($"BatchNormalization input {k + 1} is missing.");
            if (t.Rank != 1 || t.ElementCount != channels)
            {
                throw new OnnxImportException(
                    $"BatchNormalization input {k + 1} [{LoweringShapes.Text(t.Dims)}] is not [{channels}].");
            }

            p[k] = t.FloatData;
        }

        double eps = node.GetFloat("epsilon", 1e-5f);
        (float[] weights, float[] bias) = layer is DenseLayer d ? (d.Weights, d.Bias) : (((ConvLayer)layer).Weights, ((ConvLayer)layer).Bias);
        int perChannel = weights.Length / channels;
        for (int ch = 0; ch < channels; ch++)
        {
            double scale = p[0][ch] / Math.Sqrt(p[3][ch] + eps);
            if (!double.IsFinite(scale))
            {
                throw new OnnxImportException($"BatchNormalization channel {ch} has a non-finite scale (variance {p[3][ch]}).");
            }

            for (int i = 0; i < perChannel; i++)
            {
                int w = (ch * perChannel) + i;
                weights[w] = (float)(weights[w] * scale);
            }

            bias[ch] = (float)(((bias[ch] - (double)p[2][ch]) * scale) + p[1][ch]);
        }

        s.Layers[s.FoldTarget].Names.Add(node.DisplayName);
    }

    private static FloatLayer Target(LoweringSession s, string what)
    {
        if (s.FoldTarget < 0)
        {
            throw new OnnxImportException($"{what} is only supported directly after Conv or Gemm/MatMul (to be folded into it).");
        }

        return s.Layers[s.FoldTarget].Layer;
    }
}
