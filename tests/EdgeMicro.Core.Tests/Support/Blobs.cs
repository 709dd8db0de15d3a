using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Tests.Support;

/// <summary>Complete <see cref="ModelBlob"/>s for format tests: a random model, self-test vectors and feature bins.</summary>
public static class Blobs
{
    /// <summary>
    /// A blob of the seed's random model with <paramref name="vectors"/> self-test vectors whose expected results come
    /// from the classifier itself, and <paramref name="edges"/> ascending bin edges per feature (0: no bins section).
    /// </summary>
    public static ModelBlob Create(int seed, int vectors = 3, int edges = 4) => Create(RandomModels.Create(seed), seed, vectors, edges);

    /// <summary>A blob of a given model with self-test vectors computed by the core and random feature bins.</summary>
    /// <param name="m">The model.</param>
    /// <param name="seed">Seed of the vectors and bins.</param>
    /// <param name="vectors">Self-test vectors.</param>
    /// <param name="edges">Bin edges per feature (0 for none).</param>
    /// <returns>The blob.</returns>
    public static ModelBlob Create(ModelDefinition m, int seed, int vectors = 3, int edges = 4)
    {
        var classifier = new Classifier(m);
        var r = new Random(seed + 1_000_003);
        var blob = new ModelBlob
        {
            Model = m,
            SelfTestSamples = new int[vectors][],
            SelfTestClasses = new int[vectors],
            SelfTestConfidences = new int[vectors],
            SelfTestMargins = new int[vectors],
            SelfTestOutputs = new sbyte[vectors][],
        };
        int outputs = m.Layers[^1].OutputLength;
        for (int v = 0; v < vectors; v++)
        {
            int[] sample = RandomModels.Sample(m, r);
            classifier.Classify(sample);
            blob.SelfTestSamples[v] = sample;
            blob.SelfTestClasses[v] = classifier.PredictedClass;
            blob.SelfTestConfidences[v] = classifier.ConfidenceQ15;
            blob.SelfTestMargins[v] = classifier.MarginQ15;
            blob.SelfTestOutputs[v] = classifier.Outputs.Take(outputs).ToArray();
        }

        if (edges > 0)
        {
            blob.EdgesPerFeature = edges;
            blob.FeatureBinEdges = Enumerable.Range(0, m.FeatureCount)
                .SelectMany(_ => Enumerable.Range(0, edges).Select(_ => r.Next(-1_000_000, 1_000_000)).Order())
                .ToArray();
        }

        return blob;
    }

    /// <summary>Asserts two blobs hold the same model (canonical bytes), self-tests and bins.</summary>
    public static void AssertEqual(ModelBlob expected, ModelBlob actual)
    {
        Assert.Equal(ModelSerializer.ToBytes(expected.Model), ModelSerializer.ToBytes(actual.Model));
        Assert.Equal(expected.Model.ModelId, actual.Model.ModelId);
        Assert.Equal(expected.Model.ClassNames ?? Array.Empty<string>(), actual.Model.ClassNames ?? Array.Empty<string>());
        Assert.Equal(expected.SelfTestCount, actual.SelfTestCount);
        for (int v = 0; v < expected.SelfTestCount; v++)
        {
            Assert.Equal(expected.SelfTestSamples[v], actual.SelfTestSamples[v]);
            Assert.Equal(expected.SelfTestOutputs[v], actual.SelfTestOutputs[v]);
        }

        Assert.Equal(expected.SelfTestClasses ?? Array.Empty<int>(), actual.SelfTestClasses ?? Array.Empty<int>());
        Assert.Equal(expected.SelfTestConfidences ?? Array.Empty<int>(), actual.SelfTestConfidences ?? Array.Empty<int>());
        Assert.Equal(expected.SelfTestMargins ?? Array.Empty<int>(), actual.SelfTestMargins ?? Array.Empty<int>());
        Assert.Equal(expected.EdgesPerFeature, actual.EdgesPerFeature);
        Assert.Equal(expected.FeatureBinEdges ?? Array.Empty<int>(), actual.FeatureBinEdges ?? Array.Empty<int>());
    }
}
