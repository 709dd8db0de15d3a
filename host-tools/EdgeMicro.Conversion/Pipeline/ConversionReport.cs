namespace EdgeMicro.Conversion.Pipeline;

/// <summary>What quantization costs, as written to report.json (snake_case keys) and report.md.</summary>
public sealed class ConversionReport
{
    /// <summary>Model id.</summary>
    public required string ModelId { get; init; }

    /// <summary>Model version.</summary>
    public required uint ModelVersion { get; init; }

    /// <summary>Where the weights are: "data" (packed in the weight table) or "code" (IL constants of the kernel).</summary>
    public required string WeightsMode { get; init; }

    /// <summary>Activation width between layers and, with <c>--activations auto</c>, why it was chosen (e.g. "auto:
    /// int16 (int8 was 1.20 pp below float, int16 0.10 pp)").</summary>
    public required string Activations { get; init; }

    /// <summary>Source ONNX file name and SHA-256.</summary>
    public required string Source { get; init; }

    /// <summary>Which CSV the accuracy figures come from.</summary>
    public required string EvaluatedOn { get; init; }

    /// <summary>Number of evaluated samples.</summary>
    public required int Samples { get; init; }

    /// <summary>Float model top-1 accuracy (0-1).</summary>
    public required double FloatAccuracy { get; init; }

    /// <summary>int8 (host twin) top-1 accuracy (0-1).</summary>
    public required double Int8Accuracy { get; init; }

    /// <summary>Fraction of samples where float and int8 predict the same class.</summary>
    public required double Agreement { get; init; }

    /// <summary>Class names.</summary>
    public required string[] Classes { get; init; }

    /// <summary>Float recall per class (null where the class is absent).</summary>
    public required double?[] FloatRecall { get; init; }

    /// <summary>int8 recall per class.</summary>
    public required double?[] Int8Recall { get; init; }

    /// <summary>int8 confusion matrix, rows = true class, columns = predicted.</summary>
    public required long[][] ConfusionMatrix { get; init; }

    /// <summary>Per device layer details.</summary>
    public required LayerReport[] Layers { get; init; }

    /// <summary>int8 weights plus int32 biases, bytes.</summary>
    public required long WeightsBytes { get; init; }

    /// <summary>Canonical model size (weight table data), bytes.</summary>
    public required long TableBytes { get; init; }

    /// <summary>Model blob (.emm) size, bytes.</summary>
    public required long BlobBytes { get; init; }

    /// <summary>Heap of the prepared layers (SWAR-packed weights, biases, requantization terms), bytes.</summary>
    public required long PackedWeightsBytes { get; init; }

    /// <summary>Heap of the activation buffers and scratch, bytes (peak activation RAM).</summary>
    public required long ActivationBytes { get; init; }

    /// <summary>Device heap of the model: model definition (weight table arrays) + classifier (the --ram-budget figure).</summary>
    public required long RamBytes { get; init; }

    /// <summary>Heap of the model definition (the compiled weight table's arrays), from the core's HeapBytes.</summary>
    public required long ModelHeapBytes { get; init; }

    /// <summary>Heap the classifier allocates (prepared layers, activations, scratch).</summary>
    public required long ClassifierHeapBytes { get; init; }

    /// <summary>Heap of the device statistics (default settings).</summary>
    public required long StatisticsHeapBytes { get; init; }

    /// <summary>Resident heap: model + classifier + statistics.</summary>
    public required long ResidentHeapBytes { get; init; }

    /// <summary>Peak heap during an over-the-air update to a model of the same size.</summary>
    public required long UpdatePeakHeapBytes { get; init; }

    /// <summary>Heap bytes of weight storage per weight (int8 table copy + packed SWAR copy).</summary>
    public required double HeapBytesPerWeight { get; init; }

    /// <summary>Multiply-accumulates per inference.</summary>
    public required long Macs { get; init; }

    /// <summary>Executed IL instructions per inference with the specialized kernel.</summary>
    public required double IlPerInference { get; init; }

    /// <summary>Whole inference IL per MAC (specialized).</summary>
    public required double IlPerMac { get; init; }

    /// <summary>Layer-kernel IL per MAC (specialized).</summary>
    public required double KernelIlPerMac { get; init; }

    /// <summary>Executed IL of the input quantization per inference (specialized build).</summary>
    public required double InputIl { get; init; }

    /// <summary>Executed IL of the output head per inference.</summary>
    public required double HeadIl { get; init; }

    /// <summary>Share of the whole inference outside the Dense/Conv kernels (0-1, specialized); of the stage-by-stage
    /// path when <see cref="FusedNetwork"/> (a fused method cannot be split into stages).</summary>
    public required double OutsideKernelsShare { get; init; }

    /// <summary>Whether the specialized build runs the whole inference as one fused generated method (input, layers
    /// and head, activations in locals); <see cref="IlPerInference"/> is then that method's cost.</summary>
    public bool FusedNetwork { get; init; }

    /// <summary>Executed IL of the stages run one by one (input, layers, head), specialized: the figures
    /// <see cref="InputIl"/>, <see cref="HeadIl"/> and the per-layer IL add up to it.</summary>
    public double StagedIlPerInference { get; init; }

    /// <summary>Whole inference IL per MAC with the generic kernels only.</summary>
    public required double GenericIlPerMac { get; init; }

    /// <summary>Estimated ESP32 (240 MHz) latency per inference, ms, specialized kernel.</summary>
    public required double EstimatedEsp32Ms { get; init; }

    /// <summary>Cost-model range of the estimate, ms [fast, slow].</summary>
    public required double[] EstimatedEsp32MsRange { get; init; }

    /// <summary>Executed IL instructions per inference with the generic kernels only.</summary>
    public required double GenericIlPerInference { get; init; }

    /// <summary>Layer-kernel IL per MAC with the generic kernels.</summary>
    public required double GenericKernelIlPerMac { get; init; }

    /// <summary>Estimated ESP32 latency with the generic kernels, ms.</summary>
    public required double GenericEstimatedEsp32Ms { get; init; }

    /// <summary>Files written.</summary>
    public required string[] Files { get; init; }
}

/// <summary>One device layer in the report.</summary>
public sealed class LayerReport
{
    /// <summary>Index.</summary>
    public required int Index { get; init; }

    /// <summary>ONNX node name(s).</summary>
    public required string Name { get; init; }

    /// <summary>Kind (Dense, Conv, MaxPool, AveragePool) plus fused activation.</summary>
    public required string Kind { get; init; }

    /// <summary>Input shape CxHxW.</summary>
    public required string InputShape { get; init; }

    /// <summary>Output shape CxHxW.</summary>
    public required string OutputShape { get; init; }

    /// <summary>MACs.</summary>
    public required long Macs { get; init; }

    /// <summary>Number of weights.</summary>
    public required long Weights { get; init; }

    /// <summary>Output SQNR, dB (null when exact).</summary>
    public required double? SqnrDb { get; init; }

    /// <summary>Fraction of float outputs outside the int8 range.</summary>
    public required double Saturation { get; init; }

    /// <summary>Output range calibration method.</summary>
    public required string RangeMethod { get; init; }

    /// <summary>Width of the layer's output activations in bits: 8, or 16 (<c>--activations int16</c>).</summary>
    public required int ActivationBits { get; init; }

    /// <summary>SWAR lanes (3, 2; 2 for a Dense layer of a 16-bit-activation model compiled in, two rows per constant), 1 for int8 rows, or 0 for pools.</summary>
    public required int SwarLanes { get; init; }

    /// <summary>Rows whose weights were requantized to a slightly coarser grid (largest code 113-126) so that the layer
    /// packs three rows per word (<see cref="Quantization.ThreeLaneFit"/>).</summary>
    public required int RowsRequantizedForThreeLanes { get; init; }

    /// <summary>Whether the generated specialized kernel runs this layer.</summary>
    public required bool Specialized { get; init; }

    /// <summary>Executed IL of this layer per inference (specialized build).</summary>
    public required double Il { get; init; }

    /// <summary>This layer's IL per MAC (null for pools).</summary>
    public required double? IlPerMac { get; init; }
}
