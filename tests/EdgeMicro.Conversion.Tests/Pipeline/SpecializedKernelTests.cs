using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Tests.Support;
using EdgeMicro.IlCounting;
using Xunit.Abstractions;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary>The generated <c>&lt;Name&gt;Kernel.g.cs</c>: compiles, is bit-exact, fits nanoFramework.</summary>
[Collection(DevkitCollection.Name)]
public sealed class SpecializedKernelTests(DevkitConversions conversions, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void Kernel_WhenCompiledFromTheOutput_IsBitExactWithTheGenericClassifierOnTheTestSet(string key)
    {
        ConvertedModel c = conversions.Get(key);
        ModelDefinition model = c.Blob.Model;
        var generic = new Classifier(model);
        var special = new Classifier(model, c.NewKernel());

        int differing = BitExact.CountDiffering(generic, special, c.TestSamples, out int first);

        Assert.True(differing == 0, $"{key}: specialized kernel differs from the generic classifier on {differing} of {c.TestSamples.Length} test rows (first: row {first})");
    }

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void Kernel_WhenCompiled_AcceptsExactlyTheLayersTheReportMarksSpecialized(string key)
    {
        ConvertedModel c = conversions.Get(key);
        ISpecializedKernel kernel = c.NewKernel();
        PreparedLayer[] layers = new Classifier(c.Blob.Model).Layers;

        bool[] accepted = layers.Select((l, i) => kernel.Accepts(i, l)).ToArray();

        Assert.Equal(c.Report.Layers.Select(l => l.Specialized), accepted);
        if (accepted.Any(a => a))
        {
            Assert.True(c.Report.KernelIlPerMac <= c.Report.GenericKernelIlPerMac, c.Figures());
        }
    }

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void Kernel_WhenAnalyzed_IsWithinNanoFrameworkLimits(string key)
    {
        ConvertedModel c = conversions.Get(key);

        NanoFrameworkLimitsReport limits = NanoFrameworkLimits.Analyze(c.KernelImage);

        ConversionReport r = c.Report;
        output.WriteLine(c.Figures());
        output.WriteLine(FormattableString.Invariant(
            $"{key}: IL/inference {r.IlPerInference:F0} specialized / {r.GenericIlPerInference:F0} generic; specialized layers {r.Layers.Count(l => l.Specialized)} of {r.Layers.Length}"));
        output.WriteLine(limits.ToString());
        Assert.True(limits.IsWithinLimits, limits.ToString());
    }
}
