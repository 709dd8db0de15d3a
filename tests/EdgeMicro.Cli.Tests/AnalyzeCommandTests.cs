using System.Text.Json;
using EdgeMicro.Cli.Tests.Support;
using B = EdgeMicro.TestKit.OnnxModelBuilder;

namespace EdgeMicro.Cli.Tests;

/// <summary>Issue 9: <c>edgemicro analyze MODEL.onnx</c>, end to end through the CLI.</summary>
public sealed class AnalyzeCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public static TheoryData<string> DevkitModels => new(
        "digits_mlp_dev/model.onnx", "digits_matmul_dev/model.onnx", "digits_cnn_dev/model.onnx", "digits_cnn_dev/model_bn_node.onnx",
        "digits_conv1d_dev/model.onnx", "wine_mlp_raw_dev/model.onnx", "satellite_mlp_dev/model.onnx");

    [Theory]
    [MemberData(nameof(DevkitModels))]
    public void Analyze_OfEveryDevkitModel_ReportsMacsFlashRamAndLatencyAsJson(string file)
    {
        string model = RepoPaths.Combine(["models", .. file.Split('/')]);

        CliResult r = CliRun.Run("analyze", model, "--json", "-v", "quiet");

        Assert.True(r.ExitCode == 0, r.ToString());
        Assert.Equal(string.Empty, r.Stderr);
        using JsonDocument doc = JsonDocument.Parse(r.Stdout);
        JsonElement a = doc.RootElement;
        Assert.True(a.GetProperty("supported").GetBoolean());
        Assert.Equal(0, a.GetProperty("problems").GetArrayLength());
        long macs = a.GetProperty("macs").GetInt64();
        Assert.True(macs > 0);
        Assert.Equal(macs, a.GetProperty("layers").EnumerateArray().Sum(l => l.GetProperty("macs").GetInt64()));
        long ram = a.GetProperty("ram_bytes").GetInt64();
        JsonElement range = a.GetProperty("ram_estimate_bytes");
        Assert.InRange(ram, range[0].GetInt64(), range[1].GetInt64());
        Assert.True(a.GetProperty("resident_heap_bytes").GetInt64() > ram);
        Assert.True(a.GetProperty("update_peak_heap_bytes").GetInt64() > a.GetProperty("resident_heap_bytes").GetInt64());
        Assert.True(a.GetProperty("blob_bytes").GetInt64() > a.GetProperty("weights_bytes").GetInt64());
        Assert.True(a.GetProperty("il_per_inference").GetDouble() < a.GetProperty("generic_il_per_inference").GetDouble());
        Assert.True(a.GetProperty("estimated_esp32_ms").GetDouble() > 0);
        Assert.Equal("yes", a.GetProperty("fits_budget").GetString());
        Assert.True(a.GetProperty("fits_firmware_assembly").GetBoolean());
    }

    [Fact]
    public void Analyze_WithEachWeightsMode_ReportsThatModesHeapAndWhetherItsAssemblyLoads()
    {
        // 256 -> 90 -> 2: the packed table cannot load (over 64 KB of initializer data), the int8 rows can.
        string model = _temp.Combine("wide.onnx");
        var random = new Random(7);
        File.WriteAllBytes(model, new B().Input("x", 1, 256).Output("y", 1, 2)
            .Initializer("w1", [256, 90], [.. Enumerable.Range(0, 256 * 90).Select(_ => (float)(random.NextDouble() - 0.5) / 8)])
            .Initializer("w2", [90, 2], [.. Enumerable.Range(0, 180).Select(_ => (float)(random.NextDouble() - 0.5))])
            .Node("MatMul", ["x", "w1"], "h").Node("Relu", ["h"], "r").Node("MatMul", ["r", "w2"], "y").Build());

        JsonElement Run(string mode)
        {
            CliResult r = CliRun.Run("analyze", model, "--weights", mode, "--ram-budget", "4096", "--json", "-v", "quiet");
            Assert.True(r.ExitCode == 0, r.ToString());
            return JsonDocument.Parse(r.Stdout).RootElement.Clone();
        }

        JsonElement data = Run("data"), int8 = Run("int8");

        Assert.Equal(("data", false), (data.GetProperty("weights_mode").GetString(), data.GetProperty("fits_firmware_assembly").GetBoolean()));
        Assert.Contains("array-initializer data", data.GetProperty("firmware_assembly_violations")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(("int8", true), (int8.GetProperty("weights_mode").GetString(), int8.GetProperty("fits_firmware_assembly").GetBoolean()));
        Assert.True(int8.GetProperty("ram_bytes").GetInt64() < data.GetProperty("ram_bytes").GetInt64() - 30_000, "int8 rows should save 5/3 B per weight");
    }

    [Fact]
    public void Analyze_With16BitActivations_ReportsEachLayersWidthAndTheInt16KernelsCost()
    {
        string model = RepoPaths.Combine("models", "digits_cnn_dev", "model.onnx");

        JsonElement Run(string activations, string weights = "data")
        {
            CliResult r = CliRun.Run("analyze", model, "--activations", activations, "--weights", weights, "--json", "-v", "quiet");
            Assert.True(r.ExitCode == 0, r.ToString());
            return JsonDocument.Parse(r.Stdout).RootElement.Clone();
        }

        JsonElement int8 = Run("int8"), int16 = Run("int16"), int16Code = Run("int16", "code");

        Assert.Equal("int8", int8.GetProperty("activations").GetString());
        Assert.Equal("int16", int16.GetProperty("activations").GetString());
        int[] Bits(JsonElement a) => [.. a.GetProperty("layers").EnumerateArray().Select(l => l.GetProperty("activation_bits").GetInt32())];
        Assert.All(Bits(int8), b => Assert.Equal(8, b));
        int[] wide = Bits(int16);
        Assert.Equal(8, wide[^1]);
        Assert.All(wide[..^1], b => Assert.Equal(16, b));
        Assert.True(int16.GetProperty("il_per_inference").GetDouble() > 3 * int8.GetProperty("il_per_inference").GetDouble(), "the generic int16 kernels cost more than the SWAR ones");
        Assert.True(int16.GetProperty("activation_bytes").GetInt64() > int8.GetProperty("activation_bytes").GetInt64());

        // Replaces the bad command line "analyze --activations int16 --weights code": the Dense head is compiled in.
        Assert.Equal(("int16", "code", true), (int16Code.GetProperty("activations").GetString(), int16Code.GetProperty("weights_mode").GetString(), int16Code.GetProperty("fits_firmware_assembly").GetBoolean()));
        Assert.True(int16Code.GetProperty("il_per_inference").GetDouble() < int16.GetProperty("il_per_inference").GetDouble());
    }

    [Fact]
    public void Analyze_Table_ShowsTheFiguresOnStdout()
    {
        CliResult r = CliRun.Run("analyze", Devkit.WineModel, "-v", "quiet");

        Assert.True(r.ExitCode == 0, r.ToString());
        foreach (string row in new[] { "all supported", "MACs / inference", "128", ".emm blob", "RAM peak", "executed IL", "estimated ESP32 latency", "/fc1/Gemm" })
        {
            Assert.Contains(row, r.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Analyze_OfAnUnsupportedModel_ListsEveryOffendingNodeAndAttributeAndExits1()
    {
        string model = _temp.Combine("unsupported.onnx");
        File.WriteAllBytes(model, new B().Input("x", 1, 4).Output("y", 1, 2)
            .Initializer("w1", [4, 3], new float[12]).Initializer("w2", [3, 2], [1, float.NaN, 0, 0, 0, 0])
            .Node("MatMul", ["x", "w1"], "h")
            .Node("Clip", ["h"], "c", B.Attr("min", 0f), B.Attr("max", 6f))
            .Node("Tanh", ["c"], "t")
            .Node("MatMul", ["t", "w2"], "y").Build());

        CliResult json = CliRun.Run("analyze", model, "--json", "-v", "quiet");
        CliResult table = CliRun.Run("analyze", model, "-v", "quiet");

        Assert.Equal(1, json.ExitCode);
        using JsonDocument doc = JsonDocument.Parse(json.Stdout);
        string[] problems = doc.RootElement.GetProperty("problems").EnumerateArray().Select(p => p.GetString()!).ToArray();
        Assert.False(doc.RootElement.GetProperty("supported").GetBoolean());
        Assert.Equal(4, problems.Length);
        Assert.Contains(problems, p => p.Contains("'c_node' (Clip): attribute 'max' is not implemented", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'c_node' (Clip): attribute 'min' is not implemented", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'t_node' (Tanh): Tanh is not supported", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("'y_node' (MatMul): constant 'w2' holds 1 non-finite value (first: NaN at element 1)", StringComparison.Ordinal));
        string error = Assert.Single(json.StderrLines);
        Assert.Equal($"error: {model}: the model cannot be converted (4 problems, listed above)", error);
        Assert.Equal(1, table.ExitCode);
        Assert.Contains("Tanh is not supported", table.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_WhenTheFileIsMissing_GivesOneInputError()
    {
        CliResult r = CliRun.Run("analyze", _temp.Combine("missing.onnx"));

        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith("error: ", Assert.Single(r.StderrLines), StringComparison.Ordinal);
        Assert.Equal(string.Empty, r.Stdout);
    }

    public void Dispose() => _temp.Dispose();
}
