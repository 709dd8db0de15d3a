namespace EdgeMicro.Conversion.Evaluation;

/// <summary>Float vs int8 (host twin) results on a labelled set.</summary>
/// <param name="Float">Float model metrics.</param>
/// <param name="Int8">Quantized model metrics (firmware core code).</param>
/// <param name="Agreement">Fraction of samples where both predict the same class.</param>
/// <param name="Layers">Per device layer SQNR and saturation.</param>
/// <param name="Predictions">int8 predicted class per sample.</param>
public sealed record TwinEvaluation(
    ClassificationMetrics Float,
    ClassificationMetrics Int8,
    double Agreement,
    IReadOnlyList<LayerErrorStats> Layers,
    int[] Predictions);
