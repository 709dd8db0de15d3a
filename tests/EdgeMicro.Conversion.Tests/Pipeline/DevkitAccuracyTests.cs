using EdgeMicro.Core.Inference;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Tests.Support;
using Xunit.Abstractions;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary>Every devkit model converts and keeps its float accuracy on the test split (also calibrated on few rows).</summary>
[Collection(DevkitCollection.Name)]
public sealed class DevkitAccuracyTests(DevkitConversions conversions, ITestOutputHelper output)
{
    /// <summary>Largest allowed |int8 - float| top-1 accuracy difference (1 percentage point).</summary>
    private const double MaxAccuracyDelta = 0.01;

    /// <summary>Smallest allowed fraction of samples where float and int8 predict the same class.</summary>
    private const double MinAgreement = 0.98;

    /// <summary>Largest allowed loss of top-1 accuracy against float (0.5 percentage point, issue 13's bar; an int8
    /// model more accurate than float passes).</summary>
    private const double MaxLoss = 0.005;

    /// <summary>Calibration rows of the small-calibration case (a calibration set of 32 rows or fewer, wine: 18, is
    /// used whole): a tabular model calibrated by min/max on few rows used to clip its logits and lose 1.2 points.</summary>
    private const int FewRows = 32;

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

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void Convert_WhenDevkitModel_Int8LosesAtMostHalfAPoint(string key)
    {
        ConvertedModel c = conversions.Get(key);
        output.WriteLine(c.Figures());

        Assert.True(c.Report.FloatAccuracy - c.Report.Int8Accuracy <= MaxLoss + 1e-12, "int8 loses more than 0.5 point against float: " + c.Figures());
    }

    [Theory]
    [MemberData(nameof(DevkitModel.Keys), MemberType = typeof(DevkitModel))]
    public void Convert_WhenCalibratedOnTheFirst32Rows_Int8LosesAtMostHalfAPoint(string key)
    {
        DevkitModel model = DevkitModel.Get(key);
        string dir = conversions.NewPath(key + "-calib32");
        Directory.CreateDirectory(dir);
        string calibration = Path.Combine(dir, "calib32.csv");
        string[] lines = File.ReadAllLines(model.CalibrationPath);
        File.WriteAllLines(calibration, lines.Take(FewRows + 1));

        ConversionReport r = ConvertPipeline.Run(model.Options(Path.Combine(dir, "out")) with { CalibrationPath = calibration });
        output.WriteLine($"{key}: float {r.FloatAccuracy:P2}, int8 {r.Int8Accuracy:P2} calibrated on {Math.Min(FewRows, lines.Length - 1)} rows");

        Assert.True(r.FloatAccuracy - r.Int8Accuracy <= MaxLoss + 1e-12, $"{key}: calibrated on {FewRows} rows int8 is {r.Int8Accuracy:P2} against float {r.FloatAccuracy:P2}");
    }
}
