namespace EdgeMicro.Conversion.Pipeline;

/// <summary>What <c>edgemicro analyze</c> reports (JSON: snake_case).</summary>
public sealed class ModelAnalysis
{
    /// <summary>The ONNX file.</summary>
    public required string Model { get; init; }

    /// <summary>SHA-256 of the file.</summary>
    public required string Sha256 { get; init; }

    /// <summary>Whether convert can lower the model.</summary>
    public required bool Supported { get; init; }

    /// <summary>Every unsupported node, attribute or graph-level problem (empty when supported).</summary>
    public required string[] Problems { get; init; }

    /// <summary>Model input dims without the batch, e.g. 1x8x8.</summary>
    public string Input { get; init; } = "";

    /// <summary>Number of classes.</summary>
    public int Classes { get; init; }

    /// <summary>Output activation folded into the head (None, Softmax, Sigmoid).</summary>
    public string Output { get; init; } = "";

    /// <summary>The device layers.</summary>
    public AnalyzedLayer[] Layers { get; init; } = [];

    /// <summary>Multiply-accumulates per inference.</summary>
    public long Macs { get; init; }

    /// <summary>Number of weights.</summary>
    public long Weights { get; init; }

    /// <summary>Flash for the weights: int8 weights + int32 biases.</summary>
    public long WeightsBytes { get; init; }

    /// <summary>Canonical model bytes (the compiled-in weight table's data).</summary>
    public long TableBytes { get; init; }

    /// <summary>Size of the .emm blob sent over the air.</summary>
    public long BlobBytes { get; init; }

    /// <summary>Device heap of model + classifier with the synthetic calibration (what convert checks against the budget).</summary>
    public long RamBytes { get; init; }

    /// <summary>The same figure estimated from the shapes: [lowest, highest] over the packings calibration may choose.</summary>
    public long[] RamEstimateBytes { get; init; } = [];

    /// <summary>Of which the model definition (weight table arrays).</summary>
    public long ModelHeapBytes { get; init; }

    /// <summary>Of which the classifier's packed weights.</summary>
    public long PackedWeightsBytes { get; init; }

    /// <summary>Of which the activation buffers and scratch (the peak activation RAM).</summary>
    public long ActivationBytes { get; init; }

    /// <summary>Resident heap with the device statistics.</summary>
    public long ResidentHeapBytes { get; init; }

    /// <summary>Peak heap during an over-the-air update to a model of the same size.</summary>
    public long UpdatePeakHeapBytes { get; init; }

    /// <summary>The weights mode analyzed (data, code or int8, as convert's <c>--weights</c>).</summary>
    public string WeightsMode { get; init; } = "data";

    /// <summary>The activation width analyzed (int8 or int16, as convert's <c>--activations</c>).</summary>
    public string Activations { get; init; } = "int8";

    /// <summary>Whether the whole firmware assembly (table + kernel + app) of this mode loads on nanoFramework.</summary>
    public bool FitsFirmwareAssembly { get; init; }

    /// <summary>The assembly limits it is over (empty when it fits).</summary>
    public string[] FirmwareAssemblyViolations { get; init; } = [];

    /// <summary>The budget compared with.</summary>
    public long RamBudgetBytes { get; init; }

    /// <summary>yes, no, or depends on calibration (the budget lies inside the estimate's range).</summary>
    public string FitsBudget { get; init; } = "";

    /// <summary>Executed IL instructions per inference with the specialized kernel.</summary>
    public double IlPerInference { get; init; }

    /// <summary>Of which per MAC.</summary>
    public double IlPerMac { get; init; }

    /// <summary>Executed IL per inference with the generic kernels.</summary>
    public double GenericIlPerInference { get; init; }

    /// <summary>Estimated ESP32 latency (ms) with the specialized kernel.</summary>
    public double EstimatedEsp32Ms { get; init; }

    /// <summary>Its range [low, high] (ms).</summary>
    public double[] EstimatedEsp32MsRange { get; init; } = [];

    /// <summary>Estimated latency with the generic kernels (ms).</summary>
    public double GenericEstimatedEsp32Ms { get; init; }
}

/// <summary>One device layer of an analysis.</summary>
public sealed class AnalyzedLayer
{
    /// <summary>Position.</summary>
    public int Index { get; init; }

    /// <summary>ONNX node names folded into the layer.</summary>
    public string Name { get; init; } = "";

    /// <summary>Kind and fused activation.</summary>
    public string Kind { get; init; } = "";

    /// <summary>Output shape.</summary>
    public string OutputShape { get; init; } = "";

    /// <summary>Width of the layer's output activations: 8, or 16 with <c>--activations int16</c>.</summary>
    public int ActivationBits { get; init; }

    /// <summary>MACs.</summary>
    public long Macs { get; init; }

    /// <summary>Weights.</summary>
    public int Weights { get; init; }

    /// <summary>Executed IL per inference (specialized kernel).</summary>
    public double Il { get; init; }
}
