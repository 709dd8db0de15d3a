using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Tests.Support;

namespace EdgeMicro.Core.Tests.Format;

/// <summary>A model with 16-bit activations in the canonical form, the .emm blob and the compiled-in table: a layer's
/// width is its clamp (<see cref="LayerDefinition.WideOutput"/>), so it travels in the shape fields the CRC covers, and
/// inconsistent widths are refused.</summary>
public sealed class WideFormatTests
{
    public static TheoryData<int> Seeds => new(Enumerable.Range(1, 60).Where(s => Wide(s) != null).Take(12));

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Blob_OfAModelWith16BitActivations_RoundTripsTheWidthsAndPassesItsSelfTest(int seed)
    {
        ModelDefinition m = Wide(seed)!;
        ModelBlob blob = Blobs.Create(m, seed, vectors: 4);

        ModelBlob read = ModelBlobReader.Read(ModelBlobWriter.Write(blob));

        Blobs.AssertEqual(blob, read);
        Assert.Equal(m.Layers.Select(l => l.WideOutput), read.Model.Layers.Select(l => l.WideOutput));
        Assert.Null(SelfTest.Run(read, new Classifier(read.Model)));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ModelTable_OfAModelWith16BitActivations_BuildsTheSameModelAndClassifiesAlike(int seed)
    {
        ModelDefinition m = Wide(seed)!;
        ModelDefinition table = Build(m);
        var expected = new Classifier(m);
        var actual = new Classifier(table);
        var random = new Random(seed);

        Assert.Equal(ModelSerializer.ToBytes(m), ModelSerializer.ToBytes(table));
        for (int n = 0; n < 10; n++)
        {
            int[] sample = RandomModels.Sample(m, random);
            expected.Classify(sample);
            actual.Classify(sample);
            Assert.Equal(expected.Outputs, actual.Outputs);
            Assert.Equal(expected.ConfidenceQ15, actual.ConfidenceQ15);
        }
    }

    [Fact]
    public void Validator_WhenTheLastLayerHas16BitOutputs_ThrowsModelFormatException()
    {
        ModelDefinition m = FirstWide();
        m.Layers[^1].ActivationMax = 300;

        var e = Assert.Throws<ModelFormatException>(() => ModelValidator.Validate(m));
        Assert.Contains("output head reads int8", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_WhenA16BitLayerHasANonZeroZeroPoint_ThrowsModelFormatException()
    {
        ModelDefinition m = FirstWide();
        m.Layers[Array.FindIndex(m.Layers, l => l.WideOutput)].OutputZeroPoint = 5;

        var e = Assert.Throws<ModelFormatException>(() => ModelValidator.Validate(m));
        Assert.Contains("16-bit outputs are symmetric", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_WhenA16BitModelHoldsPackedWeights_ThrowsModelFormatException()
    {
        ModelDefinition m = FirstWide();
        m.Layers[Array.FindIndex(m.Layers, l => l.Kind is LayerKind.Dense or LayerKind.Conv)].PackedLanes = 1;

        var e = Assert.Throws<ModelFormatException>(() => ModelValidator.Validate(m));
        Assert.Contains("keeps int8 weights as they are", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validator_WhenALayerAfterA16BitLayerKeepsAnInt8ZeroPoint_ThrowsModelFormatException()
    {
        ModelDefinition m = FirstWide();
        int after = Array.FindIndex(m.Layers, l => l.WideOutput) + 1;
        m.Layers[after].InputZeroPoints = [.. m.Layers[after].InputZeroPoints.Select(_ => 3)];

        var e = Assert.Throws<ModelFormatException>(() => ModelValidator.Validate(m));
        Assert.Contains("input zero point", e.Message, StringComparison.Ordinal);
    }

    private static ModelDefinition FirstWide() => Enumerable.Range(1, 60).Select(Wide).First(m => m != null)!;

    private static ModelDefinition? Wide(int seed)
    {
        ModelDefinition m = WideModels.Widen(RandomModels.Create(seed));
        if (!m.HasWideActivations)
        {
            return null;
        }

        try
        {
            _ = new Classifier(m);
            return m;
        }
        catch (ModelFormatException)
        {
            return null;
        }
    }

    private static ModelDefinition Build(ModelDefinition m)
    {
        LayerDefinition[] layers = m.Layers;
        uint crc = ModelSerializer.Checksum(m);
        return ModelTable.Build(
            m.ModelId, m.ModelVersion, m.ClassNames,
            [m.FeatureCount, m.InputFractionBits, m.OutputKind, m.ClassCount], m.InputGather,
            m.InputOffset, m.InputMultiplier, m.InputShift, m.InputZeroPoint, m.OutputTable,
            [.. layers.Select(ModelTable.ToShape)], [.. layers.Select(l => l.InputZeroPoints)],
            new long[layers.Length][], new long[layers.Length][], new int[layers.Length], new int[layers.Length],
            [.. layers.Select(l => l.Weights)], [.. layers.Select(l => l.Bias)], [.. layers.Select(l => l.Multiplier)],
            [.. layers.Select(l => l.Shift)], [.. layers.Select(l => l.NegativeMultiplier)], [.. layers.Select(l => l.NegativeShift)],
            crc, crc);
    }
}
