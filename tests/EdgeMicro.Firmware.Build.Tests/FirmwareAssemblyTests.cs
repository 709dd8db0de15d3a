using EdgeMicro.Conversion.Export;
using EdgeMicro.IlCounting;
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
}
