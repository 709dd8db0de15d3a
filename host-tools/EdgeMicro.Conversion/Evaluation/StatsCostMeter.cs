using System.Reflection;
using EdgeMicro.Core.Inference;
using EdgeMicro.IlCounting;

namespace EdgeMicro.Conversion.Evaluation;

/// <summary>Executed IL instructions per inference and per statistics update (the nanoFramework interpreter's cost).</summary>
/// <param name="InferenceIl">Mean IL of <c>Classifier.Classify</c> (generic kernels).</param>
/// <param name="UpdateIl">Mean IL of <c>DeviceStatistics.OnInference</c>.</param>
/// <param name="MaxUpdateIl">Largest IL of one update.</param>
/// <param name="Samples">Samples measured.</param>
public sealed record StatsCost(double InferenceIl, double UpdateIl, long MaxUpdateIl, int Samples)
{
    /// <summary>Update cost relative to the inference.</summary>
    public double Ratio => InferenceIl == 0 ? 0 : UpdateIl / InferenceIl;
}

/// <summary>
/// Counts the IL the firmware core executes for one inference and for the statistics update that follows it, with
/// <see cref="IlExecutionCounter"/> over an instrumented copy of EdgeMicro.Core (as <c>InterpreterCostMeter</c>
/// does for Classify): both run inside the instrumented copy on the same samples, in stream order, so the update
/// cost includes buffer admissions and the diversity gate as they happen.
/// </summary>
public static class StatsCostMeter
{
    /// <summary>Measures over samples.</summary>
    /// <param name="blob">Model blob bytes.</param>
    /// <param name="samples">Raw samples, in stream order.</param>
    /// <param name="featureStride">DeviceStatistics.FeatureStride to measure with.</param>
    /// <returns>The cost.</returns>
    public static StatsCost Measure(byte[] blob, IReadOnlyList<int[]> samples, int featureStride = 1)
    {
        ArgumentNullException.ThrowIfNull(samples);
        using var counter = new IlExecutionCounter([("EdgeMicro.Core", File.ReadAllBytes(typeof(Classifier).Assembly.Location))]);
        Assembly core = counter.GetAssembly("EdgeMicro.Core");
        object parsed = core.GetType("EdgeMicro.Core.Format.ModelBlobReader")!.GetMethod("Read")!.Invoke(null, [blob])!;
        object model = parsed.GetType().GetProperty("Model")!.GetValue(parsed)!;
        Type classifierType = core.GetType("EdgeMicro.Core.Inference.Classifier")!;
        object classifier = Activator.CreateInstance(classifierType, model)!;
        object stats = Activator.CreateInstance(core.GetType("EdgeMicro.Core.Stats.DeviceStatistics")!, parsed, 1u)!;
        stats.GetType().GetProperty("FeatureStride")!.SetValue(stats, featureStride);
        MethodInfo classify = classifierType.GetMethod("Classify", [typeof(int[])])!;
        MethodInfo update = stats.GetType().GetMethod("OnInference")!;
        long inference = 0, updates = 0, max = 0;
        for (int n = 0; n < samples.Count; n++)
        {
            counter.Reset();
            classify.Invoke(classifier, [samples[n]]);
            inference += counter.ExecutedInstructions;
            counter.Reset();
            update.Invoke(stats, [samples[n], classifier, (uint)n, (long)n]);
            long u = counter.ExecutedInstructions;
            updates += u;
            max = Math.Max(max, u);
        }

        return new StatsCost(inference / (double)samples.Count, updates / (double)samples.Count, max, samples.Count);
    }
}
