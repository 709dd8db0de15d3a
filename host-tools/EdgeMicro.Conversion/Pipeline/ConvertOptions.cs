namespace EdgeMicro.Conversion.Pipeline;

/// <summary>Inputs of <c>edgemicro convert</c>.</summary>
public sealed record ConvertOptions
{
    /// <summary>ONNX model file.</summary>
    public required string ModelPath { get; init; }

    /// <summary>Calibration CSV.</summary>
    public required string CalibrationPath { get; init; }

    /// <summary>Test CSV, or null to report on the calibration set.</summary>
    public string? TestPath { get; init; }

    /// <summary>Normalization JSON, or null.</summary>
    public string? NormalizationPath { get; init; }

    /// <summary>Label column name.</summary>
    public string LabelColumn { get; init; } = "label";

    /// <summary>Class names, or null for "0".."K-1".</summary>
    public IReadOnlyList<string>? ClassNames { get; init; }

    /// <summary>Class hierarchy JSON (<see cref="EdgeMicro.Data.ClassOntology"/>) giving the deployed class names, or null.</summary>
    public string? OntologyPath { get; init; }

    /// <summary>Input layout spec, or null for C order.</summary>
    public string? InputLayout { get; init; }

    /// <summary>Name (class prefix and blob name), or null to derive from the model path.</summary>
    public string? Name { get; init; }

    /// <summary>Model version written into the model.</summary>
    public uint ModelVersion { get; init; } = 1;

    /// <summary>Device heap budget for the model (table arrays + packed weights + activations), bytes.</summary>
    public long RamBudgetBytes { get; init; } = 48 * 1024;

    /// <summary>Where the weights go: packed data in the table (default) or IL constants in the kernel.</summary>
    public WeightsMode Weights { get; init; } = WeightsMode.Data;

    /// <summary>16-bit activations between layers (<c>--activations int16</c>; <see cref="Quantization.QuantizationRequest.WideActivations"/>).</summary>
    public bool WideActivations { get; init; }

    /// <summary>Choose the activation width (<c>--activations auto</c>, <see cref="ActivationChoice"/>): int16 when int8
    /// loses more than <see cref="ActivationChoice.AllowedLoss"/> of accuracy against float and int16 does better.</summary>
    public bool AutoActivations { get; init; }

    /// <summary>Output directory (a new one, or one convert wrote before: see <see cref="EdgeMicro.Data.OutputDirectory"/>).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>Write beside files convert did not write, and replace its own files even when edited since.</summary>
    public bool Force { get; init; }
}
