using EdgeMicro.Core.Inference;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Tests.Support;
using Xunit.Abstractions;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary>Every devkit model converts and keeps its float accuracy on the test split.</summary>
[Collection(DevkitCollection.Name)]
public sealed class DevkitAccuracyTests(DevkitConversions conversions, ITestOutputHelper output)
{
    /// <summary>Largest allowed |int8 - float| top-1 accuracy difference (1 percentage point).</summary>
    private const double MaxAccuracyDelta = 0.01;

    /// <summary>Smallest allowed fraction of samples where float and int8 predict the same class.</summary>
    private const double MinAgreement = 0.98;

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void Convert_WhenDevkitModel_Int8TopOneWithinOnePointOfFloat(string key)
    {
        ConvertedModel c = conversions.Get(key);
        output.WriteLine(c.Figures());

        double delta = Math.Abs(c.Report.Int8Accuracy - c.Report.FloatAccuracy);

        Assert.True(delta <= MaxAccuracyDelta + 1e-12, "int8 top-1 accuracy is more than 1 percentage point away from float: " + c.Figures());
    }

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void Convert_WhenDevkitModel_FloatAndInt8AgreeOnAtLeast98Percent(string key)
    {
        ConvertedModel c = conversions.Get(key);

        Assert.True(c.Report.Agreement >= MinAgreement, "float/int8 agreement is below 98%: " + c.Figures());
    }

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void Report_WhenInt8AccuracyIsRecomputedFromTheBlob_MatchesTheReport(string key)
    {
        ConvertedModel c = conversions.Get(key);
        var classifier = new Classifier(c.Blob.Model);
        int correct = 0;
        for (int n = 0; n < c.TestSamples.Length; n++)
        {
            classifier.Classify(c.TestSamples[n]);
            correct += classifier.PredictedClass == c.Test.Labels[n] ? 1 : 0;
        }

        ConversionReport r = c.Report;
        Assert.Equal(c.Test.Count, r.Samples);
        Assert.Equal((double)correct / c.Test.Count, r.Int8Accuracy, 12);
    }
}
