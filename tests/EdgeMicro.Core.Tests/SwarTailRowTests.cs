using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Tests.Reference;
using EdgeMicro.Core.Tests.Support;

namespace EdgeMicro.Core.Tests;

/// <summary>The tail row of a Dense SWAR3 layer (<see cref="SwarTailRow"/>): a 3k+1-th row packed three inputs per word,
/// exact against the plain reference at its limits, in the heap it saves, and rejected when its words are corrupted.</summary>
public sealed class SwarTailRowTests
{
    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 1)]
    [InlineData(3, 4)]
    [InlineData(5, 4)]
    [InlineData(13, 7)]
    [InlineData(24, 10)]
    [InlineData(64, 4)]
    public void DenseKernel_WhenRowsLeaveOneOver_PacksItAlongItsInputsAndMatchesTheReference(int inputs, int outputs)
    {
        var rng = new Random((inputs * 97) + outputs);
        ModelDefinition m = RandomDense(inputs, outputs, rng, weightLimit: inputs > 30 ? 40 : 127); // three lanes exact
        var classifier = new Classifier(m);
        var table = new Classifier(SwarPacker.PackModel(m));
        PreparedLayer p = classifier.Layers[0];

        Assert.Equal((3, 1), (p.Lanes, p.TailRows));
        Assert.Equal(((outputs / 3) * inputs) + ((inputs + 2) / 3), p.PackedWeights.Length);
        Assert.Equal(1, table.Model.Layers[0].PackedTailRows);
        for (int n = 0; n < 200; n++)
        {
            // Half the samples at the input box's corners, where the cross terms of the tail's words are largest.
            int[] sample = Enumerable.Range(0, inputs).Select(_ => n % 2 == 0 ? rng.Next(-128, 128) : (rng.Next(2) == 0 ? -128 : 127)).ToArray();
            sbyte[] expected = ReferenceInt8.Run(m, sample).Layers[0]!;
            Assert.Equal(expected, Run(classifier, sample, outputs));
            Assert.Equal(expected, Run(table, sample, outputs));
        }
    }

    [Fact]
    public void DenseKernel_WithLeakyReluAndATailRow_MatchesTheReference()
    {
        var rng = new Random(5);
        ModelDefinition m = RandomDense(11, 4, rng, weightLimit: 127);
        LayerDefinition l = m.Layers[0];
        l.NegativeMultiplier = Enumerable.Repeat(TinyModels.UnitMultiplier, 4).ToArray();
        l.NegativeShift = Enumerable.Repeat(41, 4).ToArray();
        var classifier = new Classifier(m);

        Assert.Equal(1, classifier.Layers[0].TailRows);
        for (int n = 0; n < 200; n++)
        {
            int[] sample = Enumerable.Range(0, 11).Select(_ => rng.Next(-128, 128)).ToArray();
            Assert.Equal(ReferenceInt8.Run(m, sample).Layers[0], Run(classifier, sample, 4));
        }
    }

    [Fact]
    public void Prepare_WhenTheTailsCrossTermsCanLeaveTheirField_KeepsTheRowInARowGroupAndStaysExact()
    {
        // One row of 120 inputs in [0, 127], weights (0, 127, 127) repeated, bias centring the accumulator: the
        // accumulator stays within 21 bits (|D| <= 40 * 16129), but the tail's middle field reaches 40 * 32258 >= 2^20.
        ModelDefinition m = TinyModels.Dense(120, 1, OutputKind.Sigmoid, classCount: 2);
        LayerDefinition relu = TinyModels.DenseLayer(120, 120, -128, 127); // identity, clamped to [0, 127]
        (relu.ActivationMin, relu.ActivationMax) = (0, 127);
        for (int i = 0; i < 120; i++)
        {
            relu.Weights[(i * 120) + i] = 1;
        }

        LayerDefinition l = TinyModels.DenseLayer(120, 1, 0, 127);
        for (int i = 0; i < 120; i++)
        {
            l.Weights[i] = (sbyte)(i % 3 == 0 ? 0 : 127);
        }

        l.Bias[0] = -40 * 16129;
        l.Shift[0] = 43;
        m.Layers = new[] { relu, l };
        var classifier = new Classifier(m);

        Assert.Equal((3, 0, 1), (classifier.Layers[1].Lanes, classifier.Layers[1].TailRows, classifier.Layers[1].RowGroups));
        int[] corner = Enumerable.Range(0, 120).Select(i => i % 3 == 0 ? 0 : 127).ToArray();
        var capture = new[] { new sbyte[120], new sbyte[1] };
        classifier.Classify(corner, capture);
        Assert.Equal(ReferenceInt8.Run(m, corner).Layers[1], capture[1]);
        l.Bias[0] = 0;
        (relu.ActivationMax, l.InputMax) = (100, 100); // 40 * 25400 < 2^20: now the tail is exact
        Assert.Equal(1, new Classifier(m).Layers[1].TailRows);
    }

    [Fact]
    public void PackModel_OfTenRows_SavesTwoThirdsOfTheLastRowGroup()
    {
        ModelDefinition m = RandomDense(24, 10, new Random(3), weightLimit: 60);
        LayerDefinition packed = SwarPacker.PackModel(m).Layers[0];

        // 3 full row groups of 24 words + 8 tail words, against 4 row groups of 24 words.
        Assert.Equal((3 * 24) + 8, packed.PackedWeights.Length);
        Assert.Equal(4, packed.PackedBias.Length);
        Assert.Equal(1, packed.PackedTailRows);
    }

    [Theory]
    [InlineData("unused field")]
    [InlineData("sign bit")]
    [InlineData("bias")]
    public void CheckPacked_WhenTheTailRowIsCorrupted_SaysSo(string corruption)
    {
        ModelDefinition m = RandomDense(13, 4, new Random(11), weightLimit: 127);
        LayerDefinition l = SwarPacker.PackModel(m).Layers[0];
        l.PackedWeights = (long[])l.PackedWeights.Clone();
        l.PackedBias = (long[])l.PackedBias.Clone();
        int last = l.PackedWeights.Length - 1; // word 4 of the tail: input 12 only (fields 1 and 0 are unused)
        Assert.Null(SwarPacker.CheckPacked(l));

        switch (corruption)
        {
            case "unused field": l.PackedWeights[last] += 1; break;
            case "sign bit": l.PackedWeights[last] ^= long.MinValue; break; // bit 63: not a sign extension of the field
            default: l.PackedBias[^1] += 1L << 42; break;
        }

        string? wrong = SwarPacker.CheckPacked(l);
        Assert.NotNull(wrong);
        Assert.Contains("tail row", wrong, StringComparison.Ordinal);
    }

    private static ModelDefinition RandomDense(int inputs, int outputs, Random rng, int weightLimit)
    {
        ModelDefinition m = outputs == 1 ? TinyModels.Dense(inputs, 1, OutputKind.Sigmoid, classCount: 2) : TinyModels.Dense(inputs, outputs);
        LayerDefinition l = m.Layers[0];
        for (int i = 0; i < l.Weights.Length; i++)
        {
            l.Weights[i] = (sbyte)rng.Next(-weightLimit, weightLimit + 1);
        }

        for (int o = 0; o < outputs; o++)
        {
            l.Bias[o] = rng.Next(-20000, 20000);
            l.Shift[o] = 36 + rng.Next(4);
        }

        l.InputZeroPoints = Enumerable.Range(0, inputs).Select(_ => rng.Next(-20, 20)).ToArray();
        l.OutputZeroPoint = rng.Next(-10, 10);
        return m;
    }

    private static sbyte[] Run(Classifier c, int[] sample, int outputs)
    {
        var capture = new[] { new sbyte[outputs] };
        c.Classify(sample, capture);
        return capture[0];
    }
}
