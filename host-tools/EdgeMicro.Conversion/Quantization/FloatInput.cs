using EdgeMicro.Data;

namespace EdgeMicro.Conversion.Quantization;

/// <summary>The float model's view of a raw CSV sample (what <see cref="EdgeMicro.Onnx.Ir.FloatModelRunner"/> is fed).</summary>
public static class FloatInput
{
    /// <summary>Normalizes and arranges a raw CSV sample into model-input order.</summary>
    /// <param name="raw">Raw features.</param>
    /// <param name="normalization">Standardization.</param>
    /// <param name="layout">Input layout.</param>
    /// <returns>The float model input.</returns>
    public static float[] Prepare(double[] raw, Normalization normalization, InputLayout layout) =>
        layout.Arrange(normalization.Apply(raw)).Select(v => (float)v).ToArray();
}
