using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Tests.Support;

namespace EdgeMicro.Core.Tests;

/// <summary>Canonical serializer, .emm blob, compiled weight table and self-test gate.</summary>
public sealed class FormatTests
{
    public static IEnumerable<object[]> Seeds => Enumerable.Range(1, 40).Select(s => new object[] { s });

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ModelSerializer_WhenWrittenReadAndWrittenAgain_GivesIdenticalBytes(int seed)
    {
        ModelDefinition m = RandomModels.Create(seed);
        byte[] first = ModelSerializer.ToBytes(m);

        var reader = new ByteReader(first, 0, first.Length);
        ModelDefinition read = ModelSerializer.Read(reader);
        ModelValidator.Validate(read);

        Assert.Equal(0, reader.Remaining);
        Assert.Equal(first, ModelSerializer.ToBytes(read));
        Assert.Equal(m.ModelId, read.ModelId);
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ModelSerializer_WhenChecksumIsComputedWithoutBuffering_EqualsCrc32OfTheBytes(int seed)
    {
        ModelDefinition m = RandomModels.Create(seed);

        Assert.Equal(Crc32.Compute(ModelSerializer.ToBytes(m)), ModelSerializer.Checksum(m));
    }

    [Theory]
    [InlineData(1, 3, 4)]
    [InlineData(2, 0, 0)]
    [InlineData(3, 1, 0)]
    [InlineData(4, 0, 7)]
    [InlineData(5, ModelBlobFormat.MaxSelfTests, 1)]
    [InlineData(6, 2, 64)]
    public void ModelBlob_WhenWrittenAndRead_KeepsEveryField(int seed, int vectors, int edges)
    {
        ModelBlob blob = Blobs.Create(seed, vectors, edges);
        byte[] bytes = ModelBlobWriter.Write(blob);

        ModelBlob read = ModelBlobReader.Read(bytes);

        Blobs.AssertEqual(blob, read);
        Assert.Equal(bytes, ModelBlobWriter.Write(read));
        Assert.Equal(ModelSerializer.Checksum(blob.Model), BitConverter.ToUInt32(bytes, 16));
        Assert.Equal(Crc32.Compute(bytes, 0, bytes.Length - 4), BitConverter.ToUInt32(bytes, bytes.Length - 4));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ModelTable_WhenBuiltFromTheModelsArrays_EqualsTheModel(int seed)
    {
        ModelDefinition m = RandomModels.Create(seed);

        ModelDefinition built = BuildTable(m, ModelSerializer.Checksum(m));

        Assert.Equal(ModelSerializer.ToBytes(m), ModelSerializer.ToBytes(built));
        Assert.All(built.Layers, l => Assert.Null(l.Weights));
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ModelTable_WhenBuilt_ClassifiesLikeTheInt8ModelWithOneCopyOfTheWeights(int seed)
    {
        ModelDefinition m = RandomModels.Create(seed);
        ModelDefinition built = BuildTable(m, ModelSerializer.Checksum(m));
        var reference = new Classifier(m);
        var table = new Classifier(built);
        var random = new Random(seed);

        for (int n = 0; n < 20; n++)
        {
            int[] sample = Enumerable.Range(0, m.FeatureCount).Select(_ => random.Next(-1 << 16, 1 << 16)).ToArray();
            reference.Classify(sample);
            table.Classify(sample);
            Assert.Equal(reference.Outputs, table.Outputs);
            Assert.Equal(reference.PredictedClass, table.PredictedClass);
            Assert.Equal(reference.ConfidenceQ15, table.ConfidenceQ15);
        }

        for (int i = 0; i < built.Layers.Length; i++)
        {
            Assert.Same(built.Layers[i].PackedWeights, table.Layers[i].PackedWeights);
        }
    }

    [Fact]
    public void Classifier_WhenATablesWeightsAreCompiledIntoCodeButNoKernelTakesThem_ThrowsModelFormatException()
    {
        ModelDefinition m = RandomModels.Create(14);
        bool[] inCode = [.. m.Layers.Select(l => l.Weights != null)];
        ModelDefinition table = SwarPacker.PackModel(m, inCode);
        uint tableCrc = ModelSerializer.Checksum(table);

        ModelDefinition built = BuildFromPacked(table, tableCrc, ModelSerializer.Checksum(m));
        var e = Assert.Throws<ModelFormatException>(() => new Classifier(built));

        Assert.Contains("compiled into a kernel", e.Message, StringComparison.Ordinal);
        Assert.All(built.Layers.Where(l => l.Kind == LayerKind.Dense || l.Kind == LayerKind.Conv), l => Assert.True(l.WeightsCompiled));
        Assert.Equal(ModelSerializer.Checksum(m), built.Checksum);
        Assert.NotEqual(built.Checksum, tableCrc);
    }

    [Fact]
    public void ModelTable_WhenOnePackedWordIsCorrupted_ThrowsModelFormatException()
    {
        ModelDefinition m = RandomModels.Create(13);
        uint checksum = ModelSerializer.Checksum(m);
        ModelDefinition packed = SwarPacker.PackModel(m);
        LayerDefinition weighted = packed.Layers.First(l => l.PackedWeights != null);
        weighted.PackedWeights[0] ^= 1L << 22;

        var e = Assert.Throws<ModelFormatException>(() => BuildFromPacked(packed, checksum));

        Assert.Contains("is corrupted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelTable_WhenChecksumIsWrong_ThrowsModelFormatException()
    {
        ModelDefinition m = RandomModels.Create(11);
        uint checksum = ModelSerializer.Checksum(m);

        var e = Assert.Throws<ModelFormatException>(() => BuildTable(m, checksum ^ 1));

        Assert.Contains("is corrupted", e.Message, StringComparison.Ordinal);
        Assert.Contains(checksum.ToString("X8"), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ModelTable_WhenOneWeightDiffersFromTheChecksummedModel_ThrowsModelFormatException()
    {
        ModelDefinition m = RandomModels.Create(12);
        uint checksum = ModelSerializer.Checksum(m);
        LayerDefinition weighted = m.Layers.First(l => l.Weights != null);
        weighted.Weights[0] = unchecked((sbyte)(weighted.Weights[0] ^ 1));

        Assert.Throws<ModelFormatException>(() => BuildTable(m, checksum));
    }

    [Fact]
    public void ModelTable_WhenAnInt8RowIsCorrupted_ThrowsModelFormatException()
    {
        // --weights int8: the table's Dense rows are the CRC-covered int8 weights themselves.
        ModelDefinition m = RandomModels.Create(12);
        uint checksum = ModelSerializer.Checksum(m);
        ModelDefinition table = SwarPacker.PackModel(m, null, true);
        LayerDefinition dense = table.Layers.First(l => l.PackedLanes == 1);
        Assert.Equal(checksum, BuildFromPacked(table, checksum).Checksum);

        dense.Weights = (sbyte[])dense.Weights.Clone();
        dense.Weights[^1] = unchecked((sbyte)(dense.Weights[^1] ^ 0x40));

        var e = Assert.Throws<ModelFormatException>(() => BuildFromPacked(table, checksum));
        Assert.Contains("is corrupted: CRC-32", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("unused lane")]
    [InlineData("bias")]
    public void ModelTable_WhenPackedDataOutsideTheChecksummedWeightsIsCorrupted_ThrowsModelFormatException(string where)
    {
        // The CRC covers the int8 weights the lanes decode to; the unused lanes of a last row group with fewer rows than
        // lanes and the packed bias are checked against them (rows are stored unpadded, so there is no row padding).
        (ModelDefinition packed, uint checksum, LayerDefinition? found) = Enumerable.Range(1, 200)
            .Select(seed => RandomModels.Create(seed))
            .Select(m => (Packed: SwarPacker.PackModel(m), Checksum: ModelSerializer.Checksum(m)))
            .Select(x => (x.Packed, x.Checksum, Layer: x.Packed.Layers.FirstOrDefault(l => l.PackedWeights != null && l.Kind == LayerKind.Dense && l.OutChannels % l.PackedLanes != 0)))
            .First(x => x.Layer != null);
        LayerDefinition l = found!;
        if (where == "unused lane")
        {
            // The top lane of the last row group's first word belongs to no row.
            int lastGroup = l.PackedRowGroups(l.PackedLanes) - 1;
            l.PackedWeights[lastGroup * l.PackedStride] += 1L << ((l.PackedLanes - 1) * (l.PackedLanes == 3 ? 21 : 32));
        }
        else
        {
            l.PackedBias[0] ^= 1;
        }

        var e = Assert.Throws<ModelFormatException>(() => BuildFromPacked(packed, checksum));

        Assert.Contains("is corrupted", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(23)]
    public void SelfTest_WhenVectorsMatch_ReturnsNull(int seed)
    {
        ModelBlob blob = ModelBlobReader.Read(ModelBlobWriter.Write(Blobs.Create(seed, vectors: 8)));

        Assert.Null(SelfTest.Run(blob, new Classifier(blob.Model)));
    }

    [Fact]
    public void SelfTest_WhenOneExpectedOutputIsAltered_ReportsTheMismatch()
    {
        ModelBlob blob = Blobs.Create(9, vectors: 4);
        sbyte[] expected = blob.SelfTestOutputs[2];
        int index = expected.Length - 1;
        expected[index] = unchecked((sbyte)(expected[index] + 1));
        ModelBlob read = ModelBlobReader.Read(ModelBlobWriter.Write(blob));

        string? result = SelfTest.Run(read, new Classifier(read.Model));

        Assert.NotNull(result);
        Assert.StartsWith("self-test 2: output " + index + " is ", result, StringComparison.Ordinal);
    }

    [Fact]
    public void SelfTest_WhenExpectedConfidenceIsAltered_ReportsTheMismatch()
    {
        ModelBlob blob = Blobs.Create(10, vectors: 3);
        blob.SelfTestConfidences[1]++;

        Assert.Equal("self-test 1: class/confidence/margin differ", SelfTest.Run(blob, new Classifier(blob.Model)));
    }

    /// <summary>Calls ModelTable.Build with the arrays a generated weight table holds (weights packed as convert does).</summary>
    private static ModelDefinition BuildTable(ModelDefinition m, uint checksum) => BuildFromPacked(SwarPacker.PackModel(m), checksum);

    private static ModelDefinition BuildFromPacked(ModelDefinition m, uint checksum) => BuildFromPacked(m, checksum, checksum);

    private static ModelDefinition BuildFromPacked(ModelDefinition m, uint checksum, uint modelChecksum)
    {
        LayerDefinition[] layers = m.Layers;
        return ModelTable.Build(
            m.ModelId, m.ModelVersion, m.ClassNames,
            new[] { m.FeatureCount, m.InputFractionBits, m.OutputKind, m.ClassCount }, m.InputGather,
            m.InputOffset, m.InputMultiplier, m.InputShift, m.InputZeroPoint, m.OutputTable,
            layers.Select(ModelTable.ToShape).ToArray(),
            layers.Select(l => l.InputZeroPoints).ToArray(),
            layers.Select(l => l.PackedWeights).ToArray(),
            layers.Select(l => l.PackedBias).ToArray(),
            layers.Select(l => l.PackedLanes).ToArray(),
            layers.Select(l => l.PackedTailRows).ToArray(),
            layers.Select(l => l.PackedLanes == 1 ? l.Weights : null).ToArray(),
            layers.Select(l => l.Bias).ToArray(),
            layers.Select(l => l.Multiplier).ToArray(),
            layers.Select(l => l.Shift).ToArray(),
            layers.Select(l => l.NegativeMultiplier).ToArray(),
            layers.Select(l => l.NegativeShift).ToArray(),
            checksum,
            modelChecksum);
    }
}
