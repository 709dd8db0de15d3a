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
    IReadOnlyList<double[]> Calibration);
