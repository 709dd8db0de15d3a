using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Data;
using EdgeMicro.Conversion.Evaluation;
using EdgeMicro.Conversion.Quantization;

namespace EdgeMicro.Conversion.Pipeline;

/// <summary>A quantized model that fits the RAM budget, with its classifier and the estimate made before calibration.</summary>
/// <param name="Quantized">The quantized model.</param>
/// <param name="Classifier">The core's classifier of it.</param>
/// <param name="Estimate">The heap estimated from the layer shapes before calibration.</param>
/// <param name="HeapBytes">The device heap after calibration: the compiled-in table (weights packed once) + the classifier
/// reading it (the figure checked against the budget; the report's model heap in data mode).</param>
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
    /// <param name="int8Dense">The table keeps Dense layers' int8 rows unpacked (<c>--weights int8</c>).</param>
    /// <returns>The model.</returns>
    /// <exception cref="InputDataException">The model cannot be represented or does not fit.</exception>
    public static BudgetedModel Quantize(QuantizationRequest request, string modelPath, long ramBudgetBytes, Action? calibrating = null, bool int8Dense = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        HeapEstimate estimate = ModelStep.Run(modelPath, () => HeapEstimate.Of(request, int8Dense));
        if (estimate.LowBytes > ramBudgetBytes)
        {
            long packedLow = estimate.Layers.Sum(l => (long)l.Low);
            throw new InputDataException($"{modelPath}: the model needs at least {ReportWriter.Bytes(estimate.LowBytes)} of device RAM (estimated from its layer shapes before calibration: weight table {ReportWriter.Bytes(estimate.ModelBytes)} + packed weights and prepared layers {ReportWriter.Bytes(packedLow)} + activations and buffers {ReportWriter.Bytes(estimate.ClassifierBaseBytes)}), {OverBudget(ramBudgetBytes)}");
        }

        calibrating?.Invoke();
        QuantizedModel q = ModelStep.Run(modelPath, () => ModelQuantizer.Quantize(request));
        Classifier classifier = ModelStep.Run(modelPath, () => new Classifier(q.Definition));

        // What the device holds: the compiled-in table with the weights packed once at convert time, and a classifier
        // that reads the table's arrays (one copy of the weights; DeviceMemory's resident model figure).
        ModelDefinition table = SwarPacker.PackModel(q.Definition, null, int8Dense);
        var onDevice = new Classifier(table);
        long packed = table.Layers.Sum(l => (long)HeapSize.Of(l.PackedWeights) + HeapSize.Of(l.PackedBias) + HeapSize.Of(l.Weights));
        long ram = table.HeapBytes + onDevice.HeapBytes;
        if (ram > ramBudgetBytes)
        {
            throw new InputDataException($"{modelPath}: the model needs {ReportWriter.Bytes(ram)} of device RAM (weight table {ReportWriter.Bytes(table.HeapBytes - packed)} + {(int8Dense ? "int8 and packed weights" : "packed weights")} {ReportWriter.Bytes(packed)} + classifier, activations and buffers {ReportWriter.Bytes(onDevice.HeapBytes)}), {OverBudget(ramBudgetBytes)}");
        }

        return new BudgetedModel(q, classifier, estimate, ram);
    }

    private static string OverBudget(long budget) =>
        $"more than the {ReportWriter.Bytes(budget)} budget of a nanoFramework ESP32 heap without PSRAM (raise --ram-budget for PSRAM boards)";
}
