using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.TestKit;

namespace EdgeMicro.Conversion.Tests.Support;

/// <summary>One devkit model (models/DEVKIT.md) and the options that convert it.</summary>
/// <param name="Key">Short test key.</param>
/// <param name="Name">Conversion name (generated class prefix; blob = lower case).</param>
/// <param name="ModelFile">ONNX path relative to the repository.</param>
/// <param name="Dataset">Data set prefix under models/data.</param>
/// <param name="NormalizationFile">normalization.json relative to the repository, or null for raw values.</param>
/// <param name="Layout">--input-layout spec, or null.</param>
public sealed record DevkitModel(string Key, string Name, string ModelFile, string Dataset, string? NormalizationFile, string? Layout)
{
    /// <summary>Every devkit model.</summary>
    public static readonly DevkitModel[] All =
    [
        new("digits_mlp", "Digits", "models/digits_mlp_dev/model.onnx", "digits", "models/digits_mlp_dev/normalization.json", null),
        new("digits_matmul", "DigitsMatmul", "models/digits_matmul_dev/model.onnx", "digits", "models/digits_matmul_dev/normalization.json", null),
        new("digits_cnn", "DigitsCnn", "models/digits_cnn_dev/model.onnx", "digits", "models/digits_cnn_dev/normalization.json", null),
        new("digits_cnn_bn", "DigitsCnnBn", "models/digits_cnn_dev/model_bn_node.onnx", "digits", "models/digits_cnn_dev/normalization.json", null),
        new("digits_conv1d", "DigitsConv1d", "models/digits_conv1d_dev/model.onnx", "digits", "models/digits_conv1d_dev/normalization.json", "(r c) -> c r"),
        new("wine_mlp_raw", "Wine", "models/wine_mlp_raw_dev/model.onnx", "wine", null, null),
        new("satellite_mlp", "Satellite", "models/satellite_mlp_dev/model.onnx", "satellite", null, null),
    ];

    /// <summary>Theory data: every model key.</summary>
    public static TheoryData<string> Keys => new(All.Select(m => m.Key));

    /// <summary>ONNX file.</summary>
    public string ModelPath => Repo(ModelFile);

    /// <summary>Calibration CSV.</summary>
    public string CalibrationPath => RepoPaths.Combine("models", "data", Dataset + "_calib.csv");

    /// <summary>Test CSV.</summary>
    public string TestPath => RepoPaths.Combine("models", "data", Dataset + "_test.csv");

    /// <summary>Generated weight table file name.</summary>
    public string TableFile => Name + "Model.g.cs";

    /// <summary>Generated kernel file name.</summary>
    public string KernelFile => Name + "Kernel.g.cs";

    /// <summary>Blob file name.</summary>
    public string BlobFile => Name.ToLowerInvariant() + ".emm";

    /// <summary>Finds a model by key.</summary>
    /// <param name="key">Key.</param>
    /// <returns>The model.</returns>
    public static DevkitModel Get(string key) => All.Single(m => m.Key == key);

    /// <summary>Options converting this model into <paramref name="outputDirectory"/>.</summary>
    /// <param name="outputDirectory">Output directory.</param>
    /// <returns>The options.</returns>
    public ConvertOptions Options(string outputDirectory) => new()
    {
        ModelPath = ModelPath,
        CalibrationPath = CalibrationPath,
        TestPath = TestPath,
        NormalizationPath = NormalizationFile == null ? null : Repo(NormalizationFile),
        InputLayout = Layout,
        Name = Name,
        OutputDirectory = outputDirectory,
    };

    public override string ToString() => Key;

    private static string Repo(string relative) => RepoPaths.Combine(relative.Split('/'));
}
