using System.Reflection;
using EdgeMicro.Core.Inference;
using EdgeMicro.Conversion.Export;
using EdgeMicro.IlCounting;

namespace EdgeMicro.Conversion.Evaluation;

/// <summary>
/// Counts the IL instructions the firmware core executes per inference: the core assembly (and a generated
/// specialized kernel) are instrumented per basic block (<see cref="IlExecutionCounter"/>), a classifier is built
/// inside the instrumented copy from the model blob, and <c>Classify</c> runs on real samples. Since the
/// nanoFramework interpreter's cost is proportional to executed IL instructions, this is the device cost measure.
/// </summary>
public static class InterpreterCostMeter
{
    private static readonly string[] KernelTypes = ["DenseKernel::", "ConvKernel::", "LaneWriter::", "Requantizer::"];

    /// <summary>Measures the average cost over samples.</summary>
    /// <param name="blob">The model blob bytes.</param>
    /// <param name="samples">Raw fixed-point samples.</param>
    /// <param name="kernel">Compiled specialized kernel, or null for the generic kernels.</param>
    /// <returns>The cost.</returns>
    public static InterpreterCost Measure(byte[] blob, IReadOnlyList<int[]> samples, CompiledKernel? kernel)
    {
        var images = new List<(string Name, byte[] Image)> { ("EdgeMicro.Core", File.ReadAllBytes(typeof(Classifier).Assembly.Location)) };
        string? kernelAssembly = kernel?.AssemblyName;
        if (kernel != null)
        {
            images.Add((kernel.AssemblyName, kernel.Image));
        }

        using var counter = new IlExecutionCounter(images, IlCountingMode.PerMethod);
        Assembly core = counter.GetAssembly("EdgeMicro.Core");
        object parsed = core.GetType("EdgeMicro.Core.Format.ModelBlobReader")!.GetMethod("Read")!.Invoke(null, [blob])!;
        object model = parsed.GetType().GetProperty("Model")!.GetValue(parsed)!;
        object? special = kernel == null ? null : Activator.CreateInstance(counter.GetAssembly(kernel.AssemblyName).GetType(kernel.TypeName)!);
        object classifier = Activator.CreateInstance(core.GetType("EdgeMicro.Core.Inference.Classifier")!, model, special)!;
        MethodInfo classify = classifier.GetType().GetMethod("Classify", [typeof(int[])])!;
        classify.Invoke(classifier, [samples[0]]);
        counter.Reset();
        foreach (int[] sample in samples)
        {
            classify.Invoke(classifier, [sample]);
        }

        double total = counter.ExecutedInstructions / (double)samples.Count;
        double kernelIl = counter.PerMethod()
            .Where(kv => KernelTypes.Any(t => kv.Key.Contains(t, StringComparison.Ordinal)) || (kernelAssembly != null && kv.Key.StartsWith("[" + kernelAssembly + "]", StringComparison.Ordinal)))
            .Sum(kv => kv.Value) / (double)samples.Count;
        long macs = ((Array)model.GetType().GetProperty("Layers")!.GetValue(model)!).Cast<object>()
            .Sum(l => (long)l.GetType().GetProperty("Macs")!.GetValue(l)!);
        return new InterpreterCost(total, kernelIl, macs);
    }

    /// <summary>
    /// Measures the device statistics update (<c>DeviceStatistics.OnInference</c>, default settings) that follows
    /// every inference on the device, in executed IL instructions per update, averaged over the samples.
    /// </summary>
    /// <param name="blob">The model blob bytes.</param>
    /// <param name="samples">Raw fixed-point samples.</param>
    /// <returns>IL instructions per statistics update.</returns>
    public static double MeasureStatisticsUpdate(byte[] blob, IReadOnlyList<int[]> samples)
    {
        var images = new List<(string Name, byte[] Image)> { ("EdgeMicro.Core", File.ReadAllBytes(typeof(Classifier).Assembly.Location)) };
        using var counter = new IlExecutionCounter(images, IlCountingMode.Total);
        Assembly core = counter.GetAssembly("EdgeMicro.Core");
        object parsed = core.GetType("EdgeMicro.Core.Format.ModelBlobReader")!.GetMethod("Read")!.Invoke(null, [blob])!;
        object model = parsed.GetType().GetProperty("Model")!.GetValue(parsed)!;
        object classifier = Activator.CreateInstance(core.GetType("EdgeMicro.Core.Inference.Classifier")!, model, null)!;
        object stats = Activator.CreateInstance(core.GetType("EdgeMicro.Core.Stats.DeviceStatistics")!, parsed, 1u)!;
        MethodInfo classify = classifier.GetType().GetMethod("Classify", [typeof(int[])])!;
        MethodInfo update = stats.GetType().GetMethod("OnInference")!;
        long total = 0;
        int rounds = Math.Max(64, samples.Count);
        for (int n = 0; n < rounds; n++)
        {
            int[] sample = samples[n % samples.Count];
            classify.Invoke(classifier, [sample]);
            counter.Reset();
            update.Invoke(stats, [sample, classifier, (uint)n, (long)n]);
            total += counter.ExecutedInstructions;
        }

        return total / (double)rounds;
    }
}
