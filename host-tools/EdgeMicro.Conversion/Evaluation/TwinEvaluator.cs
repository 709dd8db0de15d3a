using EdgeMicro.Core.Inference;
using EdgeMicro.Data;
using EdgeMicro.Conversion.Quantization;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Conversion.Evaluation;

/// <summary>
/// Evaluates the float IR and the quantized model side by side. The int8 side is the firmware core's
/// <see cref="Classifier"/> fed with the device's fixed-point view of each sample (<see cref="RawSamples"/>), so
/// its predictions are exactly what the device computes.
/// </summary>
public static class TwinEvaluator
{
    /// <summary>Evaluates a dataset.</summary>
    /// <param name="q">The quantized model.</param>
    /// <param name="data">Labelled samples (raw CSV order).</param>
    /// <param name="normalization">Standardization of the float model's input.</param>
    /// <param name="layout">Input layout.</param>
    /// <param name="progress">Called with the number of samples done.</param>
    /// <returns>The evaluation.</returns>
    public static TwinEvaluation Evaluate(QuantizedModel q, LabeledDataset data, Normalization normalization, InputLayout layout, Action<int>? progress = null)
    {
        int classes = q.Definition.ClassCount;
        var floatMetrics = new ClassificationMetrics(classes);
        var intMetrics = new ClassificationMetrics(classes);
        var layerStats = q.Stages.Select(_ => new LayerErrorStats()).ToArray();
        var classifier = new Classifier(q.Definition);
        var runner = new FloatModelRunner(q.Float);
        short[][] capture = q.Definition.Layers.Select(l => new short[l.OutputLength]).ToArray();
        var predictions = new int[data.Count];
        int agree = 0;
        for (int n = 0; n < data.Count; n++)
        {
            float[][] floatOut = runner.RunAll(FloatInput.Prepare(data.Features[n], normalization, layout));
            int floatClass = runner.PredictClass(floatOut[^1]);
            classifier.Classify(RawSamples.ToFixed(data.Features[n], q.Definition.InputFractionBits), capture);
            int intClass = classifier.PredictedClass;
            predictions[n] = intClass;
            floatMetrics.Add(data.Labels[n], floatClass);
            intMetrics.Add(data.Labels[n], intClass);
            agree += floatClass == intClass ? 1 : 0;
            for (int s = 0; s < q.Stages.Count; s++)
            {
                AffineQuantization oq = q.OutputQuantizations[s];
                double[] deq = capture[s].Select(v => oq.Dequantize(v)).ToArray();
                layerStats[s].Add(floatOut[q.Stages[s].LastIrIndex], deq, oq.Min, oq.Max);
            }

            progress?.Invoke(n + 1);
        }

        return new TwinEvaluation(floatMetrics, intMetrics, data.Count == 0 ? 0 : (double)agree / data.Count, layerStats, predictions);
    }
}
