using EdgeMicro.Data;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Conversion.Quantization;

/// <summary>What to quantize and how the device will feed it.</summary>
/// <param name="Model">The float model.</param>
/// <param name="ModelId">Model id written into the model.</param>
/// <param name="ModelVersion">Model version.</param>
/// <param name="ClassNames">Class names.</param>
/// <param name="Normalization">Standardization folded into the input quantizer.</param>
/// <param name="Layout">CSV-to-tensor layout.</param>
/// <param name="FractionBits">Fixed-point fraction bits of raw samples.</param>
/// <param name="Calibration">Raw calibration samples (CSV order).</param>
public sealed record QuantizationRequest(
    FloatModel Model,
    string ModelId,
    uint ModelVersion,
    string[] ClassNames,
    Normalization Normalization,
    InputLayout Layout,
    int FractionBits,
    IReadOnlyList<double[]> Calibration)
{
    /// <summary>Gets a value indicating whether layer outputs are 16-bit (<c>--activations int16</c>): every stage
    /// followed by a Dense or Conv stage gets int16 symmetric outputs (<see cref="WideOutputs"/>); the model input and
    /// the last layers (logits) stay int8.</summary>
    public bool WideActivations { get; init; }

    /// <summary>Per stage: whether its output is 16-bit under <see cref="WideActivations"/> (a stage followed by some
    /// Dense or Conv stage; a trailing pool and the layer before it stay int8, since the output head reads int8).</summary>
    /// <param name="stages">The model's stages.</param>
    /// <returns>One flag per stage.</returns>
    public bool[] WideOutputs(IReadOnlyList<Stage> stages)
    {
        ArgumentNullException.ThrowIfNull(stages);
        var wide = new bool[stages.Count];
        for (int s = 0; WideActivations && s < stages.Count; s++)
        {
            wide[s] = stages.Skip(s + 1).Any(t => t.Layer is DenseLayer or ConvLayer);
        }

        return wide;
    }
}
