using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Tests.Reference;
using EdgeMicro.Core.Tests.Support;

namespace EdgeMicro.Core.Tests;

/// <summary>Dense layers whose table keeps the int8 rows as the kernels' form (<c>--weights int8</c>, rows per word 1):
/// exact against the plain reference, no packed copy on the heap, and only where the format allows it.</summary>
public sealed class Int8RowsTests
{
    [Theory]
    [InlineData(1, 2, false)]
    [InlineData(7, 3, false)]
    [InlineData(64, 10, false)]
    [InlineData(200, 5, true)]
    public void DenseKernel_OverInt8Rows_MatchesTheReferenceWithoutAPackedCopy(int inputs, int outputs, bool leaky)
    {
        var rng = new Random((inputs * 13) + outputs);
        ModelDefinition m = TinyModels.Dense(inputs, outputs);
        LayerDefinition l = m.Layers[0];
        for (int i = 0; i < l.Weights.Length; i++)
        {
            l.Weights[i] = (sbyte)rng.Next(-128, 128);
        }

        for (int o = 0; o < outputs; o++)
        {
            (l.Bias[o], l.Shift[o]) = (rng.Next(-50000, 50000), 38 + rng.Next(4));
        }

        l.InputZeroPoints = Enumerable.Range(0, inputs).Select(_ => rng.Next(-30, 30)).ToArray();
        if (leaky)
        {
            l.NegativeMultiplier = Enumerable.Repeat(TinyModels.UnitMultiplier, outputs).ToArray();
            l.NegativeShift = Enumerable.Repeat(42, outputs).ToArray();
        }

        ModelDefinition table = SwarPacker.PackModel(m, null, true);
        var classifier = new Classifier(table);
        PreparedLayer p = classifier.Layers[0];

        Assert.Equal((1, 1), (table.Layers[0].PackedLanes, p.Lanes));
        Assert.Same(l.Weights, p.Int8Weights);
        Assert.Null(p.PackedWeights);
        Assert.Equal(ModelSerializer.Checksum(m), ModelSerializer.Checksum(table));
        for (int n = 0; n < 100; n++)
        {
            int[] sample = Enumerable.Range(0, inputs).Select(_ => rng.Next(-128, 128)).ToArray();
            var capture = new[] { new sbyte[outputs] };
            classifier.Classify(sample, capture);
            Assert.Equal(ReferenceInt8.Run(m, sample).Layers[0], capture[0]);
        }
    }

    [Fact]
    public void Blob_OfAModelWithInt8Rows_SaysSoInItsHeaderAndLoadsWithoutPacking()
    {
        ModelBlob blob = Blobs.Create(5);
        ModelBlob int8 = Blobs.Create(5);
        int8.Model = SwarPacker.PackModel(int8.Model, null, true);

        byte[] plain = ModelBlobWriter.Write(blob), flagged = ModelBlobWriter.Write(int8);
        ModelBlob read = ModelBlobReader.Read(flagged);
        Assert.Contains(blob.Model.Layers, l => l.Kind == LayerKind.Dense);

        Assert.Equal((0, ModelBlobFormat.FlagInt8Dense), (plain[22] | (plain[23] << 8), flagged[22] | (flagged[23] << 8)));
        Assert.Equal(plain.AsSpan(24, plain.Length - 28).ToArray(), flagged.AsSpan(24, flagged.Length - 28).ToArray()); // same sections
        Assert.All(read.Model.Layers.Where(l => l.Kind == LayerKind.Dense), l => Assert.Equal(1, l.PackedLanes));
        Assert.All(new Classifier(read.Model).Layers.Where(p => p.Definition.Kind == LayerKind.Dense), p => Assert.Null(p.PackedWeights));
        Assert.All(ModelBlobReader.Read(plain).Model.Layers, l => Assert.Equal(0, l.PackedLanes));
    }

    [Fact]
    public void Read_WhenTheBlobHasAnUnknownFlag_RefusesIt()
    {
        byte[] bytes = ModelBlobWriter.Write(Blobs.Create(2));
        bytes[22] |= 2;
        BitConverter.GetBytes(EdgeMicro.Core.Checksums.Crc32.Compute(bytes, 0, bytes.Length - 4)).CopyTo(bytes, bytes.Length - 4);

        var e = Assert.Throws<ModelFormatException>(() => ModelBlobReader.Read(bytes));

        Assert.Contains("model blob flags 0x0002 are not supported", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classifier_OverInt8RowsWhoseAccumulatorCanLeaveInt32_ThrowsAsForPackedRows()
    {
        // The same refusal as SWAR packing: the kernels sum in 32 bits (the generated one in int, wrapping).
        ModelDefinition m = TinyModels.Dense(64, 2);
        Array.Fill(m.Layers[0].Weights, (sbyte)127);
        m.Layers[0].Bias[1] = int.MaxValue - 100;

        var e = Assert.Throws<ModelFormatException>(() => new Classifier(SwarPacker.PackModel(m, null, true)));

        Assert.Contains("row 1 can leave int32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WhenAConvLayerClaimsInt8Rows_SaysDenseOnly()
    {
        ModelDefinition m = TinyModels.ConvPoolDense();
        m.Layers[0].PackedLanes = 1;

        var e = Assert.Throws<ModelFormatException>(() => ModelValidator.Validate(m));

        Assert.Contains("expected 0 (packed at load) or 1 (Dense rows read as int8)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PackModel_WithInt8Dense_KeepsConvLayersPacked()
    {
        ModelDefinition table = SwarPacker.PackModel(TinyModels.ConvPoolDense(), null, true);

        Assert.NotNull(table.Layers[0].PackedWeights);
        Assert.Equal(1, table.Layers[2].PackedLanes);
        Assert.NotNull(table.Layers[2].Weights);
        Assert.Null(table.Layers[2].PackedWeights);
    }
}
