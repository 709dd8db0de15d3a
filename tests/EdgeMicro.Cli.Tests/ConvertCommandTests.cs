using System.Text.Json;
using EdgeMicro.Cli.Tests.Support;

namespace EdgeMicro.Cli.Tests;

/// <summary><c>edgemicro convert</c> end to end, in-process, and <c>--help</c>.</summary>
public sealed class ConvertCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    [Fact]
    public void Convert_WhenJsonIsRequested_PrintsTheReportAsJsonOnStdout()
    {
        string outDir = _temp.Combine("wine");

        CliResult r = CliRun.Run("convert", Devkit.WineModel, "--calibration", Devkit.WineCalibration, "--test", Devkit.WineTest, "--name", "Wine", "--json", "--out", outDir);

        Assert.True(r.ExitCode == 0, r.ToString());
        using JsonDocument doc = JsonDocument.Parse(r.Stdout);
        JsonElement root = doc.RootElement;
        foreach (string key in new[] { "float_accuracy", "int8_accuracy", "agreement" })
        {
            Assert.InRange(root.GetProperty(key).GetDouble(), 0.0, 1.0);
        }

        foreach (string key in new[] { "weights_bytes", "activation_bytes", "macs", "estimated_esp32_ms" })
        {
            Assert.True(root.GetProperty(key).GetDouble() > 0, key);
        }

        Assert.Equal("wine", root.GetProperty("model_id").GetString());
        Assert.Equal(File.ReadAllText(Path.Combine(outDir, "report.json")), r.Stdout);
        Assert.True(File.Exists(Path.Combine(outDir, "wine.emm")));
        Assert.DoesNotContain(r.StderrLines, l => l.StartsWith("error", StringComparison.Ordinal));
    }

    [Fact]
    public void Convert_WithAnOntology_TakesTheDeployedClassNamesFromItInOrder()
    {
        string outDir = _temp.Combine("wine-ontology");
        string ontology = _temp.Combine("wine-ontology.json");
        File.WriteAllText(ontology, "{ // deployed classes first, in output order\n \"barolo\": \"barolo\", \"grignolino\": \"grignolino\", \"barbera\": \"barbera\",\n \"barolo-riserva\": \"barolo\", \"barbera-d-asti\": \"barbera\" }\n");

        CliResult r = CliRun.Run("convert", Devkit.WineModel, "--calibration", Devkit.WineCalibration, "--test", Devkit.WineTest, "--name", "Wine", "--ontology", ontology, "--json", "--out", outDir);

        Assert.True(r.ExitCode == 0, r.ToString());
        EdgeMicro.Core.Format.ModelBlob blob = EdgeMicro.Data.ModelFile.Load(outDir).Blob;
        Assert.Equal(["barolo", "grignolino", "barbera"], blob.Model.ClassNames);
    }

    [Fact]
    public void Convert_WhenJsonIsNotRequested_PrintsTheSummaryTable()
    {
        string outDir = _temp.Combine("digits");

        CliResult r = CliRun.Run(
            "convert", Devkit.DigitsModel, "--calibration", Devkit.DigitsCalibration, "--test", Devkit.DigitsTest,
            "--normalization", Devkit.DigitsNormalization, "--name", "Digits", "--out", outDir);

        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (string text in new[] { "digits v1: int8 conversion", "float top-1 accuracy", "int8 top-1 accuracy (device)", "float/int8 agreement", "estimated ESP32 latency", "Dense+Relu", "Wrote DigitsModel.g.cs" })
        {
            Assert.Contains(text, r.Stdout, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("\u001b[", r.Stdout, StringComparison.Ordinal);
        Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(r.Stdout));
        Assert.Equal(
            ["DigitsKernel.g.cs", "DigitsModel.g.cs", "digits.emm", "edgemicro-output.json", "report.json", "report.md"],
            Directory.GetFiles(outDir).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Contains(r.StderrLines, l => l.Contains("Loading model and data", StringComparison.Ordinal));
    }

    [Fact]
    public void Convert_WithInt8Weights_WritesATableOfInt8RowsAndReportsAboutOneByteOfHeapPerWeight()
    {
        string outDir = _temp.Combine("digits-int8");

        CliResult r = CliRun.Run(
            "convert", Devkit.DigitsModel, "--calibration", Devkit.DigitsCalibration, "--test", Devkit.DigitsTest,
            "--normalization", Devkit.DigitsNormalization, "--name", "Digits", "--weights", "int8", "--json", "--out", outDir);

        Assert.True(r.ExitCode == 0, r.ToString());
        using JsonDocument report = JsonDocument.Parse(r.Stdout);
        Assert.Equal("int8", report.RootElement.GetProperty("weights_mode").GetString());
        Assert.InRange(report.RootElement.GetProperty("heap_bytes_per_weight").GetDouble(), 1.0, 1.1);
        string table = File.ReadAllText(Path.Combine(outDir, "DigitsModel.g.cs"));
        Assert.Contains("public static readonly sbyte[] Layer0Weights = new sbyte[]", table, StringComparison.Ordinal);
        Assert.Contains("public static readonly long[] Layer0PackedWeights = null;", table, StringComparison.Ordinal);
    }

    [Fact]
    public void Convert_WithInt16Activations_ReportsTheWidthOfEveryLayerAndWritesATableOfInt8Weights()
    {
        string outDir = _temp.Combine("digits-int16");

        CliResult r = CliRun.Run(
            "convert", Devkit.DigitsModel, "--calibration", Devkit.DigitsCalibration, "--test", Devkit.DigitsTest,
            "--normalization", Devkit.DigitsNormalization, "--name", "Digits", "--activations", "int16", "--json", "--out", outDir);

        Assert.True(r.ExitCode == 0, r.ToString());
        using JsonDocument report = JsonDocument.Parse(r.Stdout);
        int[] bits = [.. report.RootElement.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("activation_bits").GetInt32())];
        Assert.Equal([16, 8], bits);
        Assert.InRange(report.RootElement.GetProperty("int8_accuracy").GetDouble(), report.RootElement.GetProperty("float_accuracy").GetDouble() - 0.005, 1.0);
        string table = File.ReadAllText(Path.Combine(outDir, "DigitsModel.g.cs"));
        Assert.Contains("public static readonly sbyte[] Layer0Weights = new sbyte[]", table, StringComparison.Ordinal);
        Assert.Contains("public static readonly long[] Layer0PackedWeights = null;", table, StringComparison.Ordinal);
        Assert.Contains("| 16 |", File.ReadAllText(Path.Combine(outDir, "report.md")), StringComparison.Ordinal);
    }

    /// <summary>Replaces the bad command line "--activations int16 cannot be combined with --weights code": the
    /// combination now compiles the Dense layers' weights into the kernel.</summary>
    [Fact]
    public void Convert_WithInt16ActivationsAndCompiledWeights_WritesAKernelHoldingTheWeightsAndATableWithout()
    {
        string outDir = _temp.Combine("digits-int16-code");

        CliResult r = CliRun.Run(
            "convert", Devkit.DigitsModel, "--calibration", Devkit.DigitsCalibration, "--test", Devkit.DigitsTest,
            "--normalization", Devkit.DigitsNormalization, "--name", "Digits", "--activations", "int16", "--weights", "code", "--json", "--out", outDir);

        Assert.True(r.ExitCode == 0, r.ToString());
        using JsonDocument report = JsonDocument.Parse(r.Stdout);
        Assert.Equal("int16", report.RootElement.GetProperty("activations").GetString());
        Assert.Equal(0, report.RootElement.GetProperty("heap_bytes_per_weight").GetDouble());
        string table = File.ReadAllText(Path.Combine(outDir, "DigitsModel.g.cs"));
        Assert.Contains("public static readonly sbyte[] Layer0Weights = null;", table, StringComparison.Ordinal);
        string kernel = File.ReadAllText(Path.Combine(outDir, "DigitsKernel.g.cs"));
        Assert.Contains("ISpecializedWideKernel", kernel, StringComparison.Ordinal);
        Assert.Contains("private static void WideDense0(short[] input, short[] output)", kernel, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_WhenRequested_ListsConvertAndBench()
    {
        CliResult r = CliRun.Run("--help");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("convert", r.Stdout, StringComparison.Ordinal);
        Assert.Contains("bench", r.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, r.Stderr);
    }

    [Fact]
    public void ConvertHelp_WhenRequested_ListsTheOptions()
    {
        CliResult r = CliRun.Run("convert", "--help");

        Assert.Equal(0, r.ExitCode);
        foreach (string option in new[] { "--calibration", "--test", "--normalization", "--classes", "--input-layout", "--ram-budget", "--out", "--json" })
        {
            Assert.Contains(option, r.Stdout, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _temp.Dispose();
}
