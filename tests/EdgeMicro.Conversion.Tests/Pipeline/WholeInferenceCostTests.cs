using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Tests.Support;
using EdgeMicro.TestKit.Il;
using Xunit.Abstractions;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary>
/// Whole-inference executed IL (input quantization, every layer, head: what a device pays per inference) with the
/// generated data-mode kernel, per devkit model. Executed IL is exact and deterministic (the Cecil counter), so these
/// are ceilings, not timings. The ceilings are the figures this generator reached (README bench table) plus ~2%:
/// a change that makes any model slower fails here. The models of >= 1,000 MACs are held to issue
/// 13's goals: 3.5 IL/MAC in data mode, 2.6 with the weights in code.
/// </summary>
[Collection(DevkitCollection.Name)]
public sealed class WholeInferenceCostTests(DevkitConversions conversions, ITestOutputHelper output)
{
    /// <summary>Whole IL/MAC ceiling per model (issue-13 start in the comment).</summary>
    public static TheoryData<string, double> Ceilings => new()
    {
        { "digits_mlp", 3.50 },    // 5.37
        { "digits_matmul", 3.50 }, // 5.37
        { "digits_cnn", 2.75 },    // 10.48 (straight-line Conv: 2.67)
        { "digits_cnn_bn", 2.75 }, // 10.48
        { "digits_conv1d", 3.45 }, // 9.92 (straight-line Conv: 3.38)
        { "satellite_mlp", 3.50 }, // 4.95
    };

    /// <summary>Whole IL/MAC ceiling in code mode (issue 13's goal, 2.6) of the models of >= 1,000 MACs.</summary>
    public static TheoryData<string, double> CodeCeilings => new()
    {
        { "digits_mlp", 2.60 },    // 3.07 before the fused method
        { "digits_matmul", 2.60 }, // 3.07
        { "satellite_mlp", 2.60 }, // 3.20
        { "digits_cnn", 2.45 },    // 3.77 before the straight-line Conv (2.37 with the clamp thresholds)
        { "digits_cnn_bn", 2.45 }, // 3.77
        { "digits_conv1d", 2.60 }, // 3.58 (2.55 with the code-mode clamp thresholds)
    };

    [Theory]
    [MemberData(nameof(CodeCeilings))]
    public void WholeInference_WithTheWeightsInCode_StaysUnderItsIlPerMacCeiling(string key, double ceiling)
    {
        ConversionReport r = conversions.GetCode(key).Report;

        output.WriteLine(Describe(key, r));
        Assert.True(r.Macs >= 1000, key + " has fewer than 1,000 MACs");
        Assert.True(r.IlPerMac <= ceiling, Describe(key, r) + FormattableString.Invariant($"; ceiling {ceiling:F2}"));
    }

    [Theory]
    [MemberData(nameof(Ceilings))]
    public void WholeInference_WithTheSpecializedKernel_StaysUnderItsIlPerMacCeiling(string key, double ceiling)
    {
        ConversionReport r = conversions.Get(key).Report;

        output.WriteLine(Describe(key, r));
        Assert.True(r.Macs >= 1000, key + " has fewer than 1,000 MACs: its overhead is what counts (see the wine test)");
        Assert.True(r.IlPerMac <= ceiling, Describe(key, r) + FormattableString.Invariant($"; ceiling {ceiling:F2}"));
    }

    [Fact]
    public void WholeInference_OfTheSmallWineModel_HasItsFixedOverheadHalved()
    {
        ConversionReport r = conversions.Get("wine_mlp_raw").Report;
        double layers = r.Layers.Sum(l => l.Il);
        double overhead = r.IlPerInference - layers;

        output.WriteLine(Describe("wine_mlp_raw", r) + FormattableString.Invariant($"; fixed overhead (input, head, dispatch) {overhead:F0} IL"));
        // Issue 13's start: 2,017 IL per inference, of which 1,105 outside the layers (the first part of issue 13 took
        // 142 IL off the input quantization and head, leaving 1,875 and 963 at this work's start commit d206573).
        Assert.True(overhead <= 1105 / 2.0, FormattableString.Invariant($"fixed overhead {overhead:F0} IL, more than half of 1,105"));
        Assert.True(r.IlPerInference <= 1080, FormattableString.Invariant($"{r.IlPerInference:F0} IL per inference"));
    }

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void GeneratedKernel_WhenScanned_UsesNoConstructTheV1InterpreterCannotRun(string key)
    {
        ConvertedModel c = conversions.Get(key);
        using var dir = new TempDirectory("edgemicro-kernel-scan");
        string path = dir.Combine(c.Model.Name + "Kernel.dll");
        File.WriteAllBytes(path, c.KernelImage);

        SubsetScanner scan = SubsetScanner.Scan(path);

        Assert.True(scan.Violations.Count == 0, key + ": the generated kernel uses constructs nanoFramework v1 cannot run:\n" + string.Join("\n", scan.Violations));
    }

    private static string Describe(string key, ConversionReport r) => FormattableString.Invariant(
        $"{key}: {r.Macs} MACs, {r.IlPerInference:F0} IL per inference, whole {r.IlPerMac:F2} IL/MAC (generic {r.GenericIlPerMac:F2}), kernel-only {r.KernelIlPerMac:F2}, input {r.InputIl:F0}, head {r.HeadIl:F0}, outside the kernels {r.OutsideKernelsShare:P0}");

    /// <summary>
    /// The stage figures of a fused model are the stage-by-stage path's (a fused method has no stages), so its share
    /// outside the kernels is taken from that path: it used to mix the fused total with the staged kernels and came
    /// out negative (Satellite -0.9 %).
    /// </summary>
    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void Report_OutsideKernelsShare_IsAShareOfTheStagesItIsMadeOf(string key)
    {
        ConversionReport r = conversions.Get(key).Report;
        output.WriteLine($"{key}: fused {r.FusedNetwork}, whole {r.IlPerInference} IL, staged {r.StagedIlPerInference} IL, outside {r.OutsideKernelsShare:P1}");

        Assert.InRange(r.OutsideKernelsShare, 0, 1);
        Assert.Equal(conversions.Get(key).Blob.Model.Layers.All(l => l.Kind == EdgeMicro.Core.Model.LayerKind.Dense), r.FusedNetwork);
        Assert.True(r.FusedNetwork ? r.IlPerInference < r.StagedIlPerInference : Math.Abs(r.IlPerInference - r.StagedIlPerInference) < 0.02 * r.IlPerInference, $"{key}: whole {r.IlPerInference}, staged {r.StagedIlPerInference}");
    }
}
