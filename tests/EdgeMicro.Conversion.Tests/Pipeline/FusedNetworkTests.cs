using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Conversion.Tests.Support;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary>Issue 13: the fused whole-inference method (<see cref="ISpecializedNetwork"/>) of the Dense devkit models,
/// in both weight modes: generated, taken by the classifier, bit-exact with the generic and the stage-by-stage path, and
/// declined for a model it was not generated for.</summary>
[Collection(DevkitCollection.Name)]
public sealed class FusedNetworkTests(DevkitConversions conversions)
{
    /// <summary>The devkit models made only of Dense layers.</summary>
    public static TheoryData<string, bool> DenseModels => new()
    {
        { "digits_mlp", false }, { "digits_mlp", true }, { "digits_matmul", false }, { "digits_matmul", true },
        { "satellite_mlp", false }, { "satellite_mlp", true }, { "wine_mlp_raw", false }, { "wine_mlp_raw", true },
    };

    [Theory]
    [MemberData(nameof(DenseModels))]
    public void FusedNetwork_OfADenseDevkitModel_IsTakenAndBitExactWithTheGenericAndTheStagedPaths(string key, bool code)
    {
        ConvertedModel c = code ? conversions.GetCode(key) : conversions.Get(key);
        ModelDefinition model = c.Blob.Model;
        ISpecializedKernel kernel = c.NewKernel();
        var generic = new Classifier(model);
        var fused = new Classifier(c.TableModel, kernel);
        var network = Assert.IsAssignableFrom<ISpecializedNetwork>(kernel);
        Assert.True(network.AcceptsNetwork(c.TableModel, fused.Layers), key);

        sbyte[][] staged = model.Layers.Select(l => new sbyte[l.OutputLength]).ToArray();
        int outputs = model.Layers[^1].OutputLength;
        foreach (int[] sample in Samples(c, 300))
        {
            generic.Classify(sample);
            fused.Classify(sample);
            AssertSame(generic, fused, model);

            // Stage by stage (capture) on the same kernel: the per-layer methods agree with the fused one.
            fused.Classify(sample, staged);
            Assert.Equal(generic.Outputs.Take(outputs), staged[^1]);
            AssertSame(generic, fused, model);
        }
    }

    [Fact]
    public void DataModeNetwork_GivenTheSameShapesWithOtherWeightsAndMultipliers_StaysFusedAndBitExact()
    {
        ConvertedModel c = conversions.Get("digits_mlp");
        ModelDefinition other = Copy(c.Blob.Model);
        var random = new Random(1313);
        foreach (LayerDefinition l in other.Layers)
        {
            // Sign flips keep every row's sum of |w| (so the SWAR3 bound); multipliers move by a little.
            for (int i = 0; i < l.Weights.Length; i += 1 + random.Next(5))
            {
                l.Weights[i] = (sbyte)-Math.Max((int)l.Weights[i], -127);
            }

            for (int o = 0; o < l.Multiplier.Length; o++)
            {
                l.Multiplier[o] -= random.Next(1 << 20);
            }
        }

        ISpecializedKernel kernel = c.NewKernel();
        var fused = new Classifier(other, kernel);
        var generic = new Classifier(other);
        Assert.True(((ISpecializedNetwork)kernel).AcceptsNetwork(other, fused.Layers));
        foreach (int[] sample in Samples(c, 200))
        {
            generic.Classify(sample);
            fused.Classify(sample);
            AssertSame(generic, fused, other);
        }
    }

    [Fact]
    public void DataModeNetwork_GivenAModelWithAnotherShift_DeclinesItAndTheClassifierStaysBitExact()
    {
        ConvertedModel c = conversions.Get("digits_mlp");
        ModelDefinition other = Copy(c.Blob.Model);
        other.Layers[0].Shift[3] += 1;
        ISpecializedKernel kernel = c.NewKernel();
        var special = new Classifier(other, kernel);
        var generic = new Classifier(other);

        Assert.True(kernel.Accepts(0, special.Layers[0]));
        Assert.False(((ISpecializedNetwork)kernel).AcceptsNetwork(other, special.Layers));
        foreach (int[] sample in c.TestSamples)
        {
            generic.Classify(sample);
            special.Classify(sample);
            AssertSame(generic, special, other);
        }
    }

    [Theory]
    [InlineData("digits_cnn")]
    [InlineData("digits_conv1d")]
    public void Kernel_OfAModelWithConvLayers_HasNoFusedNetwork(string key)
    {
        ConvertedModel c = conversions.Get(key);

        Assert.False(c.NewKernel() is ISpecializedNetwork network && network.AcceptsNetwork(c.Blob.Model, new Classifier(c.Blob.Model).Layers));
    }

    private static void AssertSame(Classifier expected, Classifier actual, ModelDefinition model)
    {
        int outputs = model.Layers[^1].OutputLength;
        Assert.Equal(expected.QuantizedInput.Take(model.InputLength), actual.QuantizedInput.Take(model.InputLength));
        Assert.Equal(expected.Outputs.Take(outputs), actual.Outputs.Take(outputs));
        Assert.Equal(
            (expected.PredictedClass, expected.RunnerUpClass, expected.ConfidenceQ15, expected.MarginQ15),
            (actual.PredictedClass, actual.RunnerUpClass, actual.ConfidenceQ15, actual.MarginQ15));
    }

    /// <summary>The test samples, then copies pushed to the clamp and wrap edges of the input quantizer.</summary>
    private static IEnumerable<int[]> Samples(ConvertedModel c, int extremes)
    {
        foreach (int[] sample in c.TestSamples)
        {
            yield return sample;
        }

        var random = new Random(2026);
        int[] edges = [int.MinValue, int.MaxValue, 0, -1, 1 << 30, -(1 << 30), 123456789, -987654321];
        for (int n = 0; n < extremes; n++)
        {
            int[] sample = (int[])c.TestSamples[n % c.TestSamples.Length].Clone();
            for (int f = 0; f < sample.Length; f++)
            {
                int pick = random.Next(4);
                sample[f] = pick == 0 ? edges[random.Next(edges.Length)] : pick == 1 ? unchecked(sample[f] * random.Next(-64, 64)) : sample[f];
            }

            yield return sample;
        }
    }

    private static ModelDefinition Copy(ModelDefinition model)
    {
        byte[] bytes = ModelSerializer.ToBytes(model);
        return ModelSerializer.Read(new ByteReader(bytes, 0, bytes.Length));
    }
}
