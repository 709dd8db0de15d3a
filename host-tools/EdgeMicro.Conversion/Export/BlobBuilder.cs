using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Data;

namespace EdgeMicro.Conversion.Export;

/// <summary>Assembles the <c>.emm</c> blob: model, self-test vectors computed by the host twin, feature bin edges.</summary>
public static class BlobBuilder
{
    /// <summary>Number of bin edges per feature (16 bins), the device statistics' reference histogram.</summary>
    public const int EdgesPerFeature = 15;

    /// <summary>Builds the blob.</summary>
    /// <param name="model">The model.</param>
    /// <param name="selfTestSamples">Raw samples (physical units) to use as self-test vectors (at most 16 used).</param>
    /// <param name="referenceSamples">Raw samples whose per-feature quantiles become the bin edges.</param>
    /// <returns>The blob.</returns>
    public static ModelBlob Build(ModelDefinition model, IReadOnlyList<double[]> selfTestSamples, IReadOnlyList<double[]> referenceSamples)
    {
        var classifier = new Classifier(model);
        int count = Math.Min(16, selfTestSamples.Count);
        var blob = new ModelBlob
        {
            Model = model,
            SelfTestSamples = new int[count][],
            SelfTestClasses = new int[count],
            SelfTestConfidences = new int[count],
            SelfTestMargins = new int[count],
            SelfTestOutputs = new sbyte[count][],
        };
        int outputs = model.Layers[^1].OutputLength;
        for (int v = 0; v < count; v++)
        {
            int[] raw = RawSamples.ToFixed(selfTestSamples[v], model.InputFractionBits);
            classifier.Classify(raw);
            blob.SelfTestSamples[v] = raw;
            blob.SelfTestClasses[v] = classifier.PredictedClass;
            blob.SelfTestConfidences[v] = classifier.ConfidenceQ15;
            blob.SelfTestMargins[v] = classifier.MarginQ15;
            blob.SelfTestOutputs[v] = classifier.Outputs.Take(outputs).ToArray();
        }

        if (referenceSamples.Count > 0)
        {
            blob.EdgesPerFeature = EdgesPerFeature;
            blob.FeatureBinEdges = BinEdges(model, referenceSamples);
        }

        return blob;
    }

    private static int[] BinEdges(ModelDefinition model, IReadOnlyList<double[]> samples)
    {
        var edges = new int[model.FeatureCount * EdgesPerFeature];
        for (int f = 0; f < model.FeatureCount; f++)
        {
            int[] values = samples.Select(s => RawSamples.ToFixed(s[f], model.InputFractionBits)).Order().ToArray();
            for (int k = 0; k < EdgesPerFeature; k++)
            {
                double pos = (k + 1) * (values.Length - 1) / (double)(EdgesPerFeature + 1);
                edges[(f * EdgesPerFeature) + k] = values[(int)Math.Round(pos, MidpointRounding.ToEven)];
            }
        }

        return edges;
    }
}
