using EdgeMicro.TestKit;

namespace EdgeMicro.Cli.Tests.Support;

/// <summary>Devkit files used by the CLI tests (read only).</summary>
public static class Devkit
{
    /// <summary>digits_mlp_dev ONNX model.</summary>
    public static string DigitsModel => RepoPaths.Combine("models", "digits_mlp_dev", "model.onnx");

    /// <summary>digits_mlp_dev normalization.</summary>
    public static string DigitsNormalization => RepoPaths.Combine("models", "digits_mlp_dev", "normalization.json");

    /// <summary>Digits calibration CSV.</summary>
    public static string DigitsCalibration => Data("digits_calib.csv");

    /// <summary>Digits test CSV.</summary>
    public static string DigitsTest => Data("digits_test.csv");

    /// <summary>wine_mlp_raw_dev ONNX model.</summary>
    public static string WineModel => RepoPaths.Combine("models", "wine_mlp_raw_dev", "model.onnx");

    /// <summary>Wine calibration CSV.</summary>
    public static string WineCalibration => Data("wine_calib.csv");

    /// <summary>Wine test CSV.</summary>
    public static string WineTest => Data("wine_test.csv");

    /// <summary>The first lines (header + <paramref name="rows"/> data rows) of the digits calibration CSV.</summary>
    /// <param name="rows">Data rows.</param>
    /// <returns>Lines.</returns>
    public static string[] DigitsLines(int rows) => File.ReadLines(DigitsCalibration).Take(rows + 1).ToArray();

    private static string Data(string file) => RepoPaths.Combine("models", "data", file);
}
