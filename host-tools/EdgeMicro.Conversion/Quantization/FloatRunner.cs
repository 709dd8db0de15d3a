using EdgeMicro.Data;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Conversion.Quantization;

/// <summary>Runs the float IR on preprocessed samples (host reference for accuracy and calibration).</summary>
public static class FloatRunner
{
    /// <summary>Normalizes and arranges a raw CSV sample into model-input order.</summary>
    /// <param name="raw">Raw features.</param>
    /// <param name="normalization">Standardization.</param>
    /// <param name="layout">Input layout.</param>
    /// <returns>The float model input.</returns>
    public static float[] Prepare(double[] raw, Normalization normalization, InputLayout layout) =>
        layout.Arrange(normalization.Apply(raw)).Select(v => (float)v).ToArray();

    /// <summary>Runs every IR layer and returns each layer's output.</summary>
    /// <param name="model">The model.</param>
    /// <param name="input">Model input.</param>
    /// <returns>Output of each IR layer.</returns>
    public static float[][] RunAll(FloatModel model, float[] input)
    {
        var outputs = new float[model.Layers.Count][];
        float[] current = input;
        for (int i = 0; i < model.Layers.Count; i++)
        {
            var next = new float[model.Layers[i].OutputShape.Length];
            model.Layers[i].Evaluate(current, next);
            outputs[i] = next;
            current = next;
        }

        return outputs;
    }

    /// <summary>Predicted class of the float model from its last layer output (softmax and sigmoid are monotonic).</summary>
    /// <param name="model">The model.</param>
    /// <param name="logits">Last layer output.</param>
    /// <returns>The class index.</returns>
    public static int Predict(FloatModel model, float[] logits)
    {
        if (logits.Length == 1 && model.Output == OutputActivation.Sigmoid)
        {
            return logits[0] >= 0 ? 1 : 0;
        }

        int best = 0;
        for (int j = 1; j < logits.Length; j++)
        {
            if (logits[j] > logits[best])
            {
                best = j;
            }
        }

        return best;
    }
}
