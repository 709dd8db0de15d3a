using EdgeMicro.Conversion.Export;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.IlCounting;
using EdgeMicro.TestKit;
using EdgeMicro.TestKit.Il;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace EdgeMicro.Firmware.Build.Tests;

/// <summary>
/// Issue 13 item 5: the app's own share of the firmware assembly, which convert adds to the generated table and kernel
/// when it checks nanoFramework's per-assembly limits, is the measured one (app compiled against the real mscorlib,
/// minus its Models/*.g.cs).
/// </summary>
public sealed class FirmwareAssemblyTests(ITestOutputHelper output)
{
    [Fact]
    public void AppShare_UsedByConvert_IsTheMeasuredAppWithoutItsModelsWithinTenPercent()
    {
        NanoBuild.Result core = NanoBuild.Core();
        NanoBuild.Result app = NanoBuild.App(core);
        string[] models = Directory.GetFiles(Path.Combine(NanoBuild.FirmwareDirectory, "EdgeMicro.Firmware", "Models"), "*.g.cs").Order(StringComparer.Ordinal).ToArray();
        NanoBuild.Result generated = NanoBuild.Compile("Models", models, [core.Reference, NanoBuild.Mscorlib], OutputKind.DynamicallyLinkedLibrary, ["NANOFRAMEWORK_1_0"], DocumentationMode.Parse);
        Assert.True(generated.Diagnostics.IsEmpty, generated.Report);

        NanoFrameworkLimitsReport whole = NanoFrameworkLimits.Analyze(app.Image);
        NanoFrameworkLimitsReport parts = NanoFrameworkLimits.Analyze(generated.Image);
        int il = whole.TotalIlBytes - parts.TotalIlBytes;
        int data = whole.InitializerDataBytes - parts.InitializerDataBytes;

        output.WriteLine($"app {whole}\nModels/ {parts}\napp without Models/: {il} B IL, {data} B initializer data; convert uses {FirmwareAssembly.App}");
        Assert.InRange(FirmwareAssembly.App.IlBytes, il, il + Math.Max(256, il / 10));
        Assert.InRange(FirmwareAssembly.App.InitializerDataBytes, data, data + Math.Max(256, data / 10));
    }

    public static TheoryData<string> Modes => new("data", "code");

    [Theory]
    [MemberData(nameof(Modes))]
    public void GeneratedCode_OfEveryExampleInEachWeightsMode_CompilesAgainstTheRealMscorlibAndRunsOnTheV1Interpreter(string mode)
    {
        using var root = new TempDirectory("edgemicro-nano-generated");
        NanoBuild.Result core = NanoBuild.Core();
        foreach (ConvertOptions example in ExampleManifest.Load(RepoPaths.Combine("models", "examples.json"), root.Path))
        {
            ConvertOptions options = example with { Weights = mode == "code" ? WeightsMode.Code : WeightsMode.Data };
            ConvertPipeline.Run(options);
            string[] generated = Directory.GetFiles(options.OutputDirectory, "*.g.cs").Order(StringComparer.Ordinal).ToArray();

            NanoBuild.Result built = NanoBuild.Compile("Models", generated, [core.Reference, NanoBuild.Mscorlib], OutputKind.DynamicallyLinkedLibrary, ["NANOFRAMEWORK_1_0"], DocumentationMode.Diagnose);

            Assert.True(built.Diagnostics.IsEmpty, options.Name + " (" + mode + "): " + built.Report);
            string path = Path.Combine(root.Path, options.Name + "-" + mode + ".dll");
            File.WriteAllBytes(path, built.Image);
            SubsetScanner scan = SubsetScanner.Scan(path);
            Assert.True(scan.Violations.Count == 0, options.Name + " (" + mode + ") uses constructs nanoFramework v1 cannot run:\n" + string.Join("\n", scan.Violations));
            output.WriteLine($"{options.Name} ({mode}): {generated.Length} files, {NanoFrameworkLimits.Analyze(built.Image)}");
        }
    }
}
