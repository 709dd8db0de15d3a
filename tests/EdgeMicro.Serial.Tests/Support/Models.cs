using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.TestKit;

namespace EdgeMicro.Serial.Tests.Support;

/// <summary>Devkit models converted once per test run into a private temporary directory (never ../shared).</summary>
public static class Models
{
    private static readonly Lazy<string> Root = new(() =>
    {
        string root = Directory.CreateTempSubdirectory("edgemicro-serial-models-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        };
        return root;
    });
    private static readonly Dictionary<string, Lazy<string>> Cache = new()
    {
        ["digits"] = new(() => Convert("digits_mlp_dev", "digits", "Digits", 1, normalized: true)),
        ["digits-v2"] = new(() => Convert("digits_mlp_dev", "digits", "Digits", 2, normalized: true)),
        ["digits-cnn"] = new(() => Convert("digits_cnn_dev", "digits", "Digits", 1, normalized: true)),
        ["digits-int8"] = new(() => Convert("digits_mlp_dev", "digits", "Digits", 1, normalized: true, WeightsMode.Int8)),
        ["digits-cnn-int16"] = new(() => Convert("digits_cnn_dev", "digits", "Digits", 1, normalized: true, wide: true)),
        ["wine"] = new(() => Convert("wine_mlp_raw_dev", "wine", "Wine", 1, normalized: false)),
        ["wine-v2"] = new(() => Convert("wine_mlp_raw_dev", "wine", "Wine", 2, normalized: false)),
    };

    /// <summary>Directory with the converted model (one .emm, reports).</summary>
    public static string Dir(string key)
    {
        lock (Cache)
        {
            return Cache[key].Value;
        }
    }

    /// <summary>The .emm file of a converted model.</summary>
    public static string Blob(string key) => Directory.GetFiles(Dir(key), "*.emm").Single();

    /// <summary>The devkit test CSV of a dataset.</summary>
    public static string TestCsv(string dataset) => RepoPaths.Combine("models", "data", dataset + "_test.csv");

    private static string Convert(string model, string dataset, string name, uint version, bool normalized, WeightsMode weights = WeightsMode.Data, bool wide = false)
    {
        string output = Path.Combine(Root.Value, model + "-v" + version + (weights == WeightsMode.Int8 ? "-int8" : string.Empty) + (wide ? "-int16" : string.Empty));
        ConvertPipeline.Run(new ConvertOptions
        {
            ModelPath = RepoPaths.Combine("models", model, "model.onnx"),
            CalibrationPath = RepoPaths.Combine("models", "data", dataset + "_calib.csv"),
            TestPath = TestCsv(dataset),
            NormalizationPath = normalized ? RepoPaths.Combine("models", model, "normalization.json") : null,
            Name = name,
            ModelVersion = version,
            RamBudgetBytes = 48 * 1024,
            Weights = weights,
            WideActivations = wide,
            OutputDirectory = output,
        });
        return output;
    }
}
