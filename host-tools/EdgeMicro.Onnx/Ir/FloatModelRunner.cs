using EdgeMicro.Onnx.Evaluation;

namespace EdgeMicro.Onnx.Ir;

/// <summary>
/// Runs a <see cref="FloatModel"/> layer by layer in float, exposing every intermediate layer output
/// (per-layer activations for calibration) and the final result with or without the output activation.
/// </summary>
public sealed class FloatModelRunner
{
    /// <summary>Checks that the layers chain (each input length equals the previous output length).</summary>
    /// <param name="model">The model to run.</param>
    /// <exception cref="ArgumentException">The model has no layers or its layers do not chain.</exception>
    public FloatModelRunner(FloatModel model)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.Layers.Count == 0)
        {
            throw new ArgumentException("The model has no layers.", nameof(model));
        }

        int length = model.InputLength;
        foreach (FloatLayer layer in model.Layers)
        {
            if (layer.InputShape.Length != length)
            {
                throw new ArgumentException(
                    $"Layer '{layer.Name}' expects {layer.InputShape.Length} inputs but receives {length}.", nameof(model));
            }

            length = layer.OutputShape.Length;
        }

        Model = model;
    }

    /// <summary>The model.</summary>
    public FloatModel Model { get; }

    /// <summary>Runs every layer and returns each layer's output (index i = output of Layers[i]).</summary>
    /// <param name="input">Model input in C order (<see cref="FloatModel.InputLength"/> values).</param>
    /// <returns>One array per layer; the last is the pre-output-activation result.</returns>
    public float[][] RunAll(float[] input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Length != Model.InputLength)
        {
            throw new ArgumentException($"Expected {Model.InputLength} input values, got {input.Length}.", nameof(input));
        }

        var outputs = new float[Model.Layers.Count][];
        float[] current = input;
        for (int i = 0; i < outputs.Length; i++)
        {
            FloatLayer layer = Model.Layers[i];
            var next = new float[layer.OutputShape.Length];
            layer.Evaluate(current, next);
            outputs[i] = next;
            current = next;
        }

        return outputs;
    }

    /// <summary>Runs the model and returns the last layer's output (before <see cref="FloatModel.Output"/>).</summary>
    /// <param name="input">Model input in C order.</param>
    /// <returns>The last layer's output.</returns>
    public float[] Run(float[] input) => RunAll(input)[^1];

    /// <summary>Runs the model and applies <see cref="FloatModel.Output"/> (what the ONNX graph outputs).</summary>
    /// <param name="input">Model input in C order.</param>
    /// <returns>The graph output.</returns>
    public float[] Predict(float[] input) => ApplyOutput(Model.Output, Run(input));

    /// <summary>Predicted class from the last layer's output (softmax and sigmoid are monotonic, so they are skipped):
    /// argmax (lowest index on ties); a single sigmoid output is class 1 when the logit is at least 0.</summary>
    /// <param name="logits">Last layer output.</param>
    /// <returns>The class index.</returns>
    public int PredictClass(float[] logits)
    {
        ArgumentNullException.ThrowIfNull(logits);
        if (logits.Length == 1 && Model.Output == OutputActivation.Sigmoid)
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

    /// <summary>Applies an output activation to a copy of <paramref name="values"/>.</summary>
    /// <param name="activation">Softmax over all values, element-wise Sigmoid, or none.</param>
    /// <param name="values">Last layer output.</param>
    /// <returns>The activated values.</returns>
    public static float[] ApplyOutput(OutputActivation activation, float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var result = (float[])values.Clone();
        switch (activation)
        {
            case OutputActivation.Softmax when values.Length > 0:
                SoftmaxOp.Normalize(values, result, 0, values.Length, 1);
                break;
            case OutputActivation.Sigmoid:
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (float)ElementwiseOps.Logistic(values[i]);
                }

                break;
        }

        return result;
    }
}
