using EdgeMicro.Core.Inference;
using EdgeMicro.Data;
using EdgeMicro.Conversion.Evaluation;
using EdgeMicro.Conversion.Quantization;

namespace EdgeMicro.Conversion.Pipeline;

/// <summary>A quantized model that fits the RAM budget, with its classifier and the estimate made before calibration.</summary>
/// <param name="Quantized">The quantized model.</param>
/// <param name="Classifier">The core's classifier of it.</param>
/// <param name="Estimate">The heap estimated from the layer shapes before calibration.</param>
/// <param name="HeapBytes">The heap after calibration: model definition + classifier (the figure checked against the budget).</param>
public sealed record BudgetedModel(QuantizedModel Quantized, Classifier Classifier, HeapEstimate Estimate, long HeapBytes);

/// <summary>
/// Quantization as <c>convert</c> and <c>analyze</c> run it: the heap is estimated from the layer shapes and checked
/// against the budget BEFORE calibration (a model far too large is refused at once, not after calibrating), then
/// quantized and checked exactly. Every refusal is one <see cref="InputDataException"/> naming the model file.
/// </summary>
public static class BudgetedQuantizer
{
    /// <summary>Estimates, checks, quantizes and checks again.</summary>
    /// <param name="request">The quantization request.</param>
    /// <param name="modelPath">The ONNX file, for messages.</param>
    /// <param name="ramBudgetBytes">Device heap available to the model.</param>
    /// <param name="calibrating">Called when the estimate fits and calibration starts.</param>
    /// <returns>The model.</returns>
    /// <exception cref="InputDataException">The model cannot be represented or does not fit.</exception>
    public static BudgetedModel Quantize(QuantizationRequest request, string modelPath, long ramBudgetBytes, Action? calibrating = null)
    {
        ArgumentNullException.ThrowIfNull(request);
        HeapEstimate estimate = ModelStep.Run(modelPath, () => HeapEstimate.Of(request));
        if (estimate.LowBytes > ramBudgetBytes)
        {
            long packedLow = estimate.Layers.Sum(l => (long)l.Low);
            throw new InputDataException($"{modelPath}: the model needs at least {ReportWriter.Bytes(estimate.LowBytes)} of device RAM (estimated from its layer shapes before calibration: weight table {ReportWriter.Bytes(estimate.ModelBytes)} + packed weights {ReportWriter.Bytes(packedLow)} + activations and buffers {ReportWriter.Bytes(estimate.ClassifierBaseBytes)}), {OverBudget(ramBudgetBytes)}");
        }

        calibrating?.Invoke();
        QuantizedModel q = ModelStep.Run(modelPath, () => ModelQuantizer.Quantize(request));
        Classifier classifier = ModelStep.Run(modelPath, () => new Classifier(q.Definition));
        long packed = classifier.Layers.Sum(l => (long)l.HeapBytes);
        long ram = q.Definition.HeapBytes + classifier.HeapBytes;
        if (ram > ramBudgetBytes)
        {
            throw new InputDataException($"{modelPath}: the model needs {ReportWriter.Bytes(ram)} of device RAM (weight table {ReportWriter.Bytes(q.Definition.HeapBytes)} + packed weights {ReportWriter.Bytes(packed)} + activations and buffers {ReportWriter.Bytes(classifier.HeapBytes - packed)}), {OverBudget(ramBudgetBytes)}");
        }

        return new BudgetedModel(q, classifier, estimate, ram);
    }

    private static string OverBudget(long budget) =>
        $"more than the {ReportWriter.Bytes(budget)} budget of a nanoFramework ESP32 heap without PSRAM (raise --ram-budget for PSRAM boards)";
}
