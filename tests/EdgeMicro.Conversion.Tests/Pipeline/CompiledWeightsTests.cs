using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Conversion.Export;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Tests.Support;
using EdgeMicro.IlCounting;
using Xunit.Abstractions;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary>Issue 13 item 4b: <c>convert --weights code</c>, the weights as IL constants of the generated kernel.</summary>
[Collection(DevkitCollection.Name)]
public sealed class CompiledWeightsTests(DevkitConversions conversions, ITestOutputHelper output)
{
    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void CodeMode_TableAndKernelFromTheOutput_AreBitExactWithTheGenericClassifierOnTheTestSet(string key)
    {
        ConvertedModel c = conversions.GetCode(key);
        ModelDefinition model = c.Blob.Model;
        var generic = new Classifier(model);
        var compiled = new Classifier(c.TableModel, c.NewKernel());

        int differing = BitExact.CountDiffering(generic, compiled, c.TestSamples, out _);

        Assert.True(differing == 0, $"{key}: code mode differs from the generic classifier on {differing} of {c.TestSamples.Length} test rows");
        Assert.Equal("code", c.Report.WeightsMode);
    }

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void CodeMode_WeightTable_HoldsNoCompiledWeightsAndTheHeapFigureSaysSo(string key)
    {
        ConvertedModel c = conversions.GetCode(key);
        ConversionReport r = c.Report;
        LayerDefinition[] table = c.TableModel.Layers;

        for (int i = 0; i < table.Length; i++)
        {
            Assert.Equal(r.Layers[i].Specialized && r.Layers[i].Weights > 0, table[i].WeightsCompiled);
            if (table[i].WeightsCompiled)
            {
                Assert.Null(table[i].Weights);
                Assert.Null(table[i].PackedWeights);
            }
        }

        long dataWeights = r.Layers.Where(l => !l.Specialized).Sum(l => (long)l.Weights);
        output.WriteLine(FormattableString.Invariant($"{key}: {r.HeapBytesPerWeight:F3} B of heap per weight; weights left as data {dataWeights}"));
        if (dataWeights == 0)
        {
            Assert.True(r.HeapBytesPerWeight <= 0.1, FormattableString.Invariant($"{key}: {r.HeapBytesPerWeight} B/weight"));
        }

        // The identity CRC (served over the protocol) is the blob's, though the table's own CRC leaves the code out.
        Assert.Equal(EdgeMicro.Core.Format.ModelSerializer.Checksum(c.Blob.Model), c.TableModel.Checksum);
    }

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void CodeMode_GeneratedCode_PassesTheWholeFirmwareAssemblyCheck(string key)
    {
        ConvertedModel c = conversions.GetCode(key);

        NanoFrameworkLimitsReport limits = FirmwareAssembly.Check(
            "EdgeMicro.Firmware", File.ReadAllText(c.PathOf(c.Model.TableFile)), File.ReadAllText(c.PathOf(c.Model.KernelFile)));

        ConversionReport r = c.Report;
        output.WriteLine(FormattableString.Invariant(
            $"{key}: whole IL/MAC {r.IlPerMac:F2} (kernel {r.KernelIlPerMac:F2}, input {r.InputIl:F0} IL, head {r.HeadIl:F0} IL, outside {r.OutsideKernelsShare:P0}); {r.Macs} MACs; per layer {string.Join(", ", r.Layers.Select(l => l.Il.ToString("F0", System.Globalization.CultureInfo.InvariantCulture)))}"));
        output.WriteLine(limits.ToString());
        Assert.True(limits.IsWithinLimits, limits.ToString());
    }

    [Fact]
    public void CodeMode_Kernel_RefusesAModelWithTheSameShapesButOtherWeights()
    {
        ConvertedModel c = conversions.GetCode("digits_mlp");
        byte[] bytes = EdgeMicro.Core.Format.ModelSerializer.ToBytes(c.Blob.Model);
        ModelDefinition other = EdgeMicro.Core.Format.ModelSerializer.Read(new EdgeMicro.Core.Format.ByteReader(bytes, 0, bytes.Length));
        other.Layers[0].Weights![5] ^= 1;
        ISpecializedKernel kernel = c.NewKernel();

        var classifier = new Classifier(other, kernel);
        var reference = new Classifier(c.Blob.Model, c.NewKernel());

        Assert.False(kernel.Accepts(0, classifier.Layers[0]));
        Assert.True(kernel.Accepts(1, classifier.Layers[1]));
        Assert.True(c.NewKernel().Accepts(0, reference.Layers[0]));
    }
}
