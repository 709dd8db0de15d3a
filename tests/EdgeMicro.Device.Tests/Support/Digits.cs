using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Core.Device.Update;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Data;
using EdgeMicro.TestKit;

namespace EdgeMicro.Device.Tests.Support;

/// <summary>
/// The devkit digits MLP converted once per test run (edgemicro convert's pipeline, into a temporary directory),
/// with variants derived from its blob: other versions, and a blob whose self-test vectors no longer match.
/// </summary>
public static class Digits
{
    public static readonly byte[] FleetKey = Convert.FromHexString("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");

    private static readonly Lazy<(string Dir, byte[] Blob)> Converted = new(ConvertOnce);

    public static string OutputDirectory => Converted.Value.Dir;

    /// <summary>The converted blob, version 1.</summary>
    public static byte[] BlobV1 => Converted.Value.Blob;

    public static string TestCsv => RepoPaths.Combine("models", "data", "digits_test.csv");

    /// <summary>The same model re-versioned (re-serialized: header, model CRC and file CRC all valid).</summary>
    public static byte[] WithVersion(uint version)
    {
        ModelBlob blob = ModelBlobReader.Read(BlobV1);
        blob.Model.ModelVersion = version;
        return ModelBlobWriter.Write(blob);
    }

    /// <summary>A well-formed blob (valid CRCs) whose first self-test expects a different class confidence.</summary>
    public static byte[] WithBrokenSelfTest(uint version)
    {
        ModelBlob blob = ModelBlobReader.Read(BlobV1);
        blob.Model.ModelVersion = version;
        blob.SelfTestConfidences[0] += 1;
        return ModelBlobWriter.Write(blob);
    }

    public static ActiveModel Compiled() => new(new Classifier(ModelBlobReader.Read(BlobV1).Model), ActiveModel.SourceCompiled);

    /// <summary>The first <paramref name="count"/> test rows as the device sees them (fixed point, F of the model).</summary>
    public static int[][] Samples(int count)
    {
        int f = ModelBlobReader.Read(BlobV1).Model.InputFractionBits;
        LabeledDataset data = CsvDatasetReader.Read(TestCsv, "label", null, 10);
        return data.Features.Take(count).Select(row => RawSamples.ToFixed(row, f)).ToArray();
    }

    private static (string, byte[]) ConvertOnce()
    {
        string dir = Path.Combine(Path.GetTempPath(), "edgemicro-device-tests-" + Environment.ProcessId);
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
                // Best effort.
            }
        };
        string model = RepoPaths.Combine("models", "digits_mlp_dev");
        ConvertPipeline.Run(new ConvertOptions
        {
            ModelPath = Path.Combine(model, "model.onnx"),
            CalibrationPath = RepoPaths.Combine("models", "data", "digits_calib.csv"),
            TestPath = TestCsv,
            NormalizationPath = Path.Combine(model, "normalization.json"),
            Name = "Digits",
            OutputDirectory = dir,
        });
        return (dir, File.ReadAllBytes(Path.Combine(dir, "digits.emm")));
    }
}
