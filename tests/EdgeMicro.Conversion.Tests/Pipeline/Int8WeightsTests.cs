using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Tests.Support;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Data;
using EdgeMicro.TestKit;
using Xunit.Abstractions;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary><c>convert --weights int8</c> on the devkit digits MLP: the table, the kernel and the over-the-air blob all
/// keep the Dense rows as int8 (one byte per weight), bit-exact with the packed conversion.</summary>
public sealed class Int8WeightsTests(ITestOutputHelper output)
{
    [Fact]
    public void Convert_WithInt8Weights_KeepsTheRowsInt8InTheTableTheKernelAndTheBlob()
    {
        using var dir = new TempDirectory("edgemicro-int8");
        DevkitModel m = DevkitModel.Get("digits_mlp");
        ConversionReport packed = ConvertPipeline.Run(m.Options(dir.Combine("data")));
        ConversionReport int8 = ConvertPipeline.Run(m.Options(dir.Combine("int8")) with { Weights = WeightsMode.Int8 });

        ModelBlob blob = ModelFile.Load(dir.Combine("int8")).Blob;
        var loaded = new Classifier(blob.Model);
        ModelBlob packedBlob = ModelFile.Load(dir.Combine("data")).Blob;
        var loadedPacked = new Classifier(packedBlob.Model);
        output.WriteLine($"model heap {int8.RamBytes} B ({int8.HeapBytesPerWeight} B/weight) vs {packed.RamBytes} B; "
            + $"blob classifier at an update {loaded.HeapBytes} B vs {loadedPacked.HeapBytes} B; IL/MAC {int8.IlPerMac} vs {packed.IlPerMac}");

        Assert.All(loaded.Layers, p => Assert.Equal(1, p.Lanes));
        Assert.All(loaded.Layers, p => Assert.Null(p.PackedWeights));
        Assert.True(loaded.HeapBytes < loadedPacked.HeapBytes - 3000, "the candidate of an update still packs its weights");
        Assert.Equal(packed.Int8Accuracy, int8.Int8Accuracy);
        Assert.Equal(packed.Agreement, int8.Agreement);
        Assert.True(int8.RamBytes < packed.RamBytes - 3000, $"{int8.RamBytes} B vs {packed.RamBytes} B");
        Assert.All(int8.Layers, l => Assert.True(l.Specialized, $"layer {l.Index} runs on the generic kernel"));
    }
}
