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

        ModelDefinition built = BuildTable(m, ModelSerializer.Checksum(m), splitWeights: seed % 2 == 0);

        Assert.Equal(ModelSerializer.ToBytes(m), ModelSerializer.ToBytes(built));
    }

    [Fact]
    public void ModelTable_WhenChecksumIsWrong_ThrowsModelFormatException()
    {
        ModelDefinition m = RandomModels.Create(11);
        uint checksum = ModelSerializer.Checksum(m);

        var e = Assert.Throws<ModelFormatException>(() => BuildTable(m, checksum ^ 1, splitWeights: true));

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

        Assert.Throws<ModelFormatException>(() => BuildTable(m, checksum, splitWeights: false));
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

    /// <summary>Calls ModelTable.Build with the arrays a generated weight table holds.</summary>
    private static ModelDefinition BuildTable(ModelDefinition m, uint checksum, bool splitWeights)
    {
        LayerDefinition[] layers = m.Layers;
        return ModelTable.Build(
            m.ModelId, m.ModelVersion, m.ClassNames,
            new[] { m.FeatureCount, m.InputFractionBits, m.OutputKind, m.ClassCount }, m.InputGather,
            m.InputOffset, m.InputMultiplier, m.InputShift, m.InputZeroPoint, m.OutputTable,
            layers.Select(ModelTable.ToShape).ToArray(),
            layers.Select(l => l.InputZeroPoints).ToArray(),
            layers.Select(l => l.Weights == null ? null! : Split(l.Weights, splitWeights ? 3 : 1)).ToArray(),
            layers.Select(l => l.Bias).ToArray(),
            layers.Select(l => l.Multiplier).ToArray(),
            layers.Select(l => l.Shift).ToArray(),
            layers.Select(l => l.NegativeMultiplier).ToArray(),
            layers.Select(l => l.NegativeShift).ToArray(),
            checksum);
    }

    private static sbyte[][] Split(sbyte[] weights, int parts)
    {
        int size = Math.Max(1, (weights.Length + parts - 1) / parts);
        return weights.Chunk(size).ToArray();
    }
}
