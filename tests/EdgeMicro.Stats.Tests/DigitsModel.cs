using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Data;
using EdgeMicro.TestKit;

namespace EdgeMicro.Stats.Tests;

/// <summary>
/// The test model: models/digits_mlp_dev converted once per test run (as `edgemicro convert ... --name Digits`)
/// into a temporary directory, with the digits CSVs as raw fixed-point samples.
/// </summary>
public static class DigitsModel
{
    private static readonly Lazy<Loaded> Instance = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Gets the converted model directory.</summary>
    public static string Directory => Instance.Value.Directory;

    /// <summary>Gets the blob bytes.</summary>
    public static byte[] BlobBytes => Instance.Value.BlobBytes;

    /// <summary>Gets a freshly parsed blob.</summary>
    public static ModelBlob Blob => ModelBlobReader.Read(BlobBytes);

    /// <summary>Gets the test split (540 labelled samples), raw fixed point.</summary>
    public static int[][] TestRaw => Instance.Value.TestRaw;

    /// <summary>Gets the test labels.</summary>
    public static int[] TestLabels => Instance.Value.TestLabels;

    /// <summary>Path of a data CSV.</summary>
    /// <param name="name">File name, e.g. digits_test.csv.</param>
    /// <returns>Absolute path.</returns>
    public static string Data(string name) => RepoPaths.Combine("models", "data", name);

    /// <summary>Creates a classifier for the model.</summary>
    /// <returns>A new classifier.</returns>
    public static Classifier NewClassifier() => new(Blob.Model);

    private static Loaded Load()
    {
        // Cached per build of the converter (its module version id), so repeated test runs reuse one conversion.
        string build = typeof(ConvertPipeline).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..12];
        string dir = Path.Combine(Path.GetTempPath(), "edgemicro-stats-model-" + build);
        string model = RepoPaths.Combine("models", "digits_mlp_dev");
        if (!File.Exists(Path.Combine(dir, "digits.emm")))
        {
            ConvertPipeline.Run(new ConvertOptions
            {
                ModelPath = Path.Combine(model, "model.onnx"),
                CalibrationPath = Data("digits_calib.csv"),
                TestPath = Data("digits_test.csv"),
                NormalizationPath = Path.Combine(model, "normalization.json"),
                Name = "Digits",
                OutputDirectory = dir,
            });
        }

        byte[] blob = File.ReadAllBytes(Path.Combine(dir, "digits.emm"));
        ModelBlob parsed = ModelBlobReader.Read(blob);
        LabeledDataset test = CsvDatasetReader.Read(Data("digits_test.csv"), "label", null, parsed.Model.ClassCount);
        int[][] raw = test.Features.Select(f => RawSamples.ToFixed(f, parsed.Model.InputFractionBits)).ToArray();
        return new Loaded(dir, blob, raw, test.Labels);
    }

    private sealed record Loaded(string Directory, byte[] BlobBytes, int[][] TestRaw, int[] TestLabels);
}
