using EdgeMicro.Core.Model;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Conversion.Quantization;

/// <summary>The result of quantization: the device model plus what the host needs to explain it.</summary>
/// <param name="Definition">The integer model the firmware core runs.</param>
/// <param name="Float">The float model it came from.</param>
/// <param name="Stages">Stages (one per device layer).</param>
/// <param name="OutputQuantizations">Output quantization per stage.</param>
/// <param name="RangeMethods">How each stage's output range was chosen.</param>
/// <param name="InputGroups">Number of distinct input scales (features or channels).</param>
public sealed record QuantizedModel(
    ModelDefinition Definition,
    FloatModel Float,
    IReadOnlyList<Stage> Stages,
    IReadOnlyList<AffineQuantization> OutputQuantizations,
    IReadOnlyList<RangeMethod> RangeMethods,
    int InputGroups);
