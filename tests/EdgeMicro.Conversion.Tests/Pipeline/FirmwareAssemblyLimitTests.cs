using EdgeMicro.Conversion.Export;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Tests.Support;
using EdgeMicro.Data;
using EdgeMicro.IlCounting;
using Xunit.Abstractions;
using B = EdgeMicro.TestKit.OnnxModelBuilder;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary>
/// Issue 13 item 5: the limit check covers the whole firmware assembly (weight table + kernel + the app), including
/// the ~64 KB of array-initializer data nanoCLR loads per assembly, and convert refuses what cannot load.
/// </summary>
[Collection(DevkitCollection.Name)]
public sealed class FirmwareAssemblyLimitTests(DevkitConversions conversions, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void GeneratedCode_OfEveryDevkitModel_PassesTheWholeFirmwareAssemblyCheck(string key)
    {
        ConvertedModel c = conversions.Get(key);

        NanoFrameworkLimitsReport limits = FirmwareAssembly.Check(
            "EdgeMicro.Firmware", File.ReadAllText(c.PathOf(c.Model.TableFile)), File.ReadAllText(c.PathOf(c.Model.KernelFile)));

        output.WriteLine(limits.ToString());
        Assert.True(limits.IsWithinLimits, limits.ToString());
        Assert.True(limits.TotalIlBytes > FirmwareAssembly.App.IlBytes, "the app's share is not counted");
        Assert.True(limits.InitializerDataBytes > 0, "the table's initializer data is not counted");
    }

    [Fact]
    public void Convert_WhenTheWeightTablesInitializerDataCrossesTheAssemblyLimit_RefusesWithTheNumbers()
    {
        // 256 -> 90 -> 2: 23,040 weights, packed at least 30 row groups x 256 words = 61,440 B of initializer data, over
        // what nanoCLR loads per assembly; the 256-input layer runs on the generic kernel, so the bytecode is small.
        using var dir = new TempDirectory("edgemicro-assembly");
        string model = WideModel(dir, 256, 90, out string csv);

        var ex = Assert.Throws<InputDataException>(() => ConvertPipeline.Run(
            new ConvertOptions { ModelPath = model, CalibrationPath = csv, OutputDirectory = dir.Combine("out"), RamBudgetBytes = 4L << 20 }));

        output.WriteLine(ex.Message);
        Assert.StartsWith(model + ": the firmware assembly (weight table + kernel + the firmware app) cannot load on nanoFramework: ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("bytes of array-initializer data", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("bytes of IL", ex.Message, StringComparison.Ordinal);
        Assert.Contains("With --weights int8 it fits: ", ex.Message, StringComparison.Ordinal); // before int8 mode: "No weights mode fits"
        Assert.False(Directory.Exists(dir.Combine("out")));
    }

    [Fact]
    public void Convert_WithInt8Weights_OfTheModelWhosePackedTableCannotLoad_FitsTheAssemblyAndTheHeapAtAboutOneBytePerWeight()
    {
        // The 256 -> 90 -> 2 model above: its Dense rows stay int8 in the table (23,220 B of initializer data instead of
        // 61,440+), checked bit-exact against the generic kernels by convert itself.
        using var dir = new TempDirectory("edgemicro-assembly");
        string model = WideModel(dir, 256, 90, out string csv);
        var options = new ConvertOptions { ModelPath = model, CalibrationPath = csv, OutputDirectory = dir.Combine("out"), RamBudgetBytes = 4L << 20, Weights = WeightsMode.Int8 };

        ConversionReport report = ConvertPipeline.Run(options);

        string[] generated = Directory.GetFiles(options.OutputDirectory, "*.g.cs").Order(StringComparer.Ordinal).ToArray();
        NanoFrameworkLimitsReport limits = FirmwareAssembly.Check("EdgeMicro.Firmware", [.. generated.Select(File.ReadAllText)]);
        output.WriteLine(FormattableString.Invariant($"{limits}; heap {report.RamBytes} B, {report.HeapBytesPerWeight} B per weight"));
        Assert.True(limits.IsWithinLimits, limits.ToString());
        Assert.Equal("int8", report.WeightsMode);
        Assert.InRange(report.HeapBytesPerWeight, 1.0, 1.01);
        Assert.All(report.Layers, l => Assert.Equal(1, l.SwarLanes));
    }

    [Fact]
    public void Convert_WhenEvenInt8WeightsCrossTheAssemblyLimit_SaysNoWeightsModeFits()
    {
        // 600 -> 120 -> 2: 72,240 weights, over 64 KB of initializer data even as int8.
        using var dir = new TempDirectory("edgemicro-assembly");
        string model = WideModel(dir, 600, 120, out string csv);

        var ex = Assert.Throws<InputDataException>(() => ConvertPipeline.Run(
            new ConvertOptions { ModelPath = model, CalibrationPath = csv, OutputDirectory = dir.Combine("out"), RamBudgetBytes = 4L << 20 }));

        output.WriteLine(ex.Message);
        Assert.Contains("No weights mode fits", ex.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(dir.Combine("out")));
    }

    [Fact]
    public void Convert_WhenCompiledWeightsWouldOverflowTheAssemblysBytecode_KeepsTheLargestLayerAsDataSoItLoads()
    {
        // 112 -> 120 -> 2 in code mode: the first layer's 13,440 weights as IL constants (about 5 B each) would exceed
        // 64 KB of bytecode, so convert keeps them as packed data (generic kernel) and compiles only the second.
        using var dir = new TempDirectory("edgemicro-assembly");
        string model = WideModel(dir, 112, 120, out string csv);
        var options = new ConvertOptions { ModelPath = model, CalibrationPath = csv, OutputDirectory = dir.Combine("out"), RamBudgetBytes = 4L << 20, Weights = WeightsMode.Code };
        string wholeCode = CompiledWeightsGenerator.Generate(new EdgeMicro.Core.Inference.Classifier(ModelFileOf(options)).Layers, "Probe", "probe");

        ConversionReport report = ConvertPipeline.Run(options);

        Assert.True(FirmwareAssembly.Check("Probe", wholeCode).TotalIlBytes > NanoFrameworkLimits.MaxAssemblyBytecodeBytes, "the test model should not fit with every layer compiled");
        Assert.Equal([false, true], report.Layers.Select(l => l.Specialized));
        string[] generated = Directory.GetFiles(options.OutputDirectory, "*.g.cs").Order(StringComparer.Ordinal).ToArray();
        NanoFrameworkLimitsReport limits = FirmwareAssembly.Check("EdgeMicro.Firmware", [.. generated.Select(File.ReadAllText)]);
        output.WriteLine(limits.ToString());
        Assert.True(limits.IsWithinLimits, limits.ToString());
    }

    private static EdgeMicro.Core.Model.ModelDefinition ModelFileOf(ConvertOptions options)
    {
        ConversionInputs inputs = ConversionInputs.Load(options);
        var request = new EdgeMicro.Conversion.Quantization.QuantizationRequest(
            inputs.Model, "probe", 1, inputs.ClassNames, inputs.Normalization, inputs.Layout, inputs.FractionBits, inputs.Calibration.Features);
        return BudgetedQuantizer.Quantize(request, options.ModelPath, options.RamBudgetBytes).Quantized.Definition;
    }

    private static string WideModel(TempDirectory dir, int n, int hidden, out string csv)
    {
        var random = new Random(7);
        float[] w1 = Enumerable.Range(0, n * hidden).Select(_ => (float)(random.NextDouble() - 0.5) / 8).ToArray();
        float[] w2 = Enumerable.Range(0, hidden * 2).Select(_ => (float)(random.NextDouble() - 0.5)).ToArray();
        string model = dir.Combine("wide.onnx");
        File.WriteAllBytes(model, new B().Input("x", 1, n).Output("y", 1, 2)
            .Initializer("w1", [n, hidden], w1).Initializer("w2", [hidden, 2], w2)
            .Node("MatMul", ["x", "w1"], "h").Node("Relu", ["h"], "r").Node("MatMul", ["r", "w2"], "y").Build());
        csv = dir.Combine("calib.csv");
        File.WriteAllLines(csv, [string.Join(",", Enumerable.Range(0, n).Select(i => "f" + i)) + ",label",
            .. Enumerable.Range(0, 8).Select(r => string.Join(",", Enumerable.Range(0, n).Select(i => ((((i * 31) + (r * 17)) % 200) / 100.0 - 1).ToString(System.Globalization.CultureInfo.InvariantCulture))) + "," + (r % 2))]);
        return model;
    }
}
