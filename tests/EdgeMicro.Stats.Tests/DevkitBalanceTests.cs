using EdgeMicro.Cli;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Stats;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Stats;
using Xunit.Abstractions;

namespace EdgeMicro.Stats.Tests;

/// <summary>`balance` on every devkit model, including those whose hidden layers are wider than their input (the
/// activation buffers are longer than the model input: DataHealth and the device's limit counts once ran over them), each
/// also converted with 16-bit activations.</summary>
public sealed class DevkitBalanceTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgemicro-devkit-balance-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Theory]
    [MemberData(nameof(DevkitModels.NamesWithInt16), MemberType = typeof(DevkitModels))]
    public void Balance_WhenRunOnAnyDevkitModel_WritesAPlan(string name)
    {
        DevkitModels.Converted m = DevkitModels.Get(name);
        var classifier = new Classifier(m.Blob.Model);
        output.WriteLine($"{name}: input {m.Blob.Model.InputLength}, activation buffer {classifier.QuantizedInput.Length}");
        LabeledDataset test = CsvDatasetReader.Read(m.TestPath, "label", m.Blob.Model.ClassNames, m.Blob.Model.ClassCount);
        int[][] raw = test.Features.Select(f => RawSamples.ToFixed(f, m.Blob.Model.InputFractionBits)).ToArray();
        string db = Path.Combine(_dir, "stats.db");
        using (var store = new StatsStore(db))
        {
            for (int d = 0; d < 2; d++)
            {
                var stats = new DeviceStatistics(m.Blob, (uint)(d + 1)) { FeatureStride = 1 };
                var random = new Random(d);
                long atLimits = 0;
                for (int n = 0; n < 300; n++)
                {
                    int i = random.Next(raw.Length);
                    classifier.Classify(raw[i]);
                    atLimits += classifier.QuantizedInput.Take(m.Blob.Model.InputLength).Count(v => v is -128 or 127);
                    stats.OnInference(raw[i], classifier, (uint)((d * 1000) + n), n);
                }

                // The device counts limit hits of the model input only, not of the rest of the activation buffer.
                Assert.Equal(atLimits, stats.Counters.FeatureAtLow.Sum(v => (long)v) + stats.Counters.FeatureAtHigh.Sum(v => (long)v));

                store.Add(stats.Pull("dev" + d), out _);
            }
        }

        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = EdgeMicroApp.Run(["balance", "--store", db, "--model", m.Directory, "--train", m.TrainPath, "--holdout", m.TestPath, "--budget", "20", "--out", Path.Combine(_dir, "plan")], stdout, stderr);

        Assert.True(code == 0, stderr.ToString());
        Assert.True(File.Exists(Path.Combine(_dir, "plan", "plan.json")));
    }
}
