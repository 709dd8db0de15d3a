using System.Reflection;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Stats;
using EdgeMicro.Conversion.Export;
using EdgeMicro.IlCounting;

namespace EdgeMicro.Conversion.Evaluation;

/// <summary>
/// Counts the IL instructions the firmware core executes: the core assembly (and a generated specialized kernel)
/// are instrumented per basic block (<see cref="IlExecutionCounter"/>), a classifier is built inside the
/// instrumented copy from the model blob, and it runs on real samples - the whole <c>Classify</c>, then its stages
/// one by one, and the device statistics update that follows every inference on the device. Since the
/// nanoFramework interpreter's cost is proportional to executed IL instructions, this is the device cost measure.
/// The instrumented copy's types are distinct from the host's, so they are reached by reflection - with names
/// taken from the host's types at compile time (<c>typeof</c>, <c>nameof</c>), never from strings.
/// </summary>
public static class InterpreterCostMeter
{
    /// <summary>Measures the average inference cost over samples, whole and per stage.</summary>
    /// <param name="blob">The model blob bytes.</param>
    /// <param name="samples">Raw fixed-point samples.</param>
    /// <param name="kernel">Compiled specialized kernel, or null for the generic kernels.</param>
    /// <returns>The cost.</returns>
    public static InterpreterCost Measure(byte[] blob, IReadOnlyList<int[]> samples, CompiledKernel? kernel)
    {
        ArgumentNullException.ThrowIfNull(samples);
        using var core = new InstrumentedCore(blob, kernel, IlCountingMode.Total);
        core.Classify(samples[0]);
        core.Counter.Reset();
        foreach (int[] sample in samples)
        {
            core.Classify(sample);
        }

        double n = samples.Count;
        double total = core.Counter.ExecutedInstructions / n;

        double input = 0, head = 0;
        var layers = new double[core.LayerCount];
        foreach (int[] sample in samples)
        {
            input += core.Count(() => core.Invoke(nameof(Classifier.QuantizeInput), sample));
            for (int i = 0; i < layers.Length; i++)
            {
                layers[i] += core.Count(() => core.Invoke(nameof(Classifier.RunLayer), i));
            }

            head += core.Count(() => core.Invoke(nameof(Classifier.EvaluateHead)));
        }

        // Kernel-only = the Dense/Conv layers (generic or generated kernel, its padding and dispatch); pools, input
        // quantization and head are outside, whether generated or generic.
        double kernelIl = layers.Where((_, i) => core.LayerKinds[i] == LayerKind.Dense || core.LayerKinds[i] == LayerKind.Conv).Sum() / n;
        return new InterpreterCost(total, kernelIl, core.Macs, input / n, layers.Select(l => l / n).ToArray(), head / n, core.Fused);
    }

    /// <summary>
    /// Measures the device statistics update (<c>DeviceStatistics.OnInference</c>) that follows every inference on
    /// the device, in stream order (so buffer admissions and the diversity gate happen as they would), with the
    /// generic kernels.
    /// </summary>
    /// <param name="blob">Model blob bytes.</param>
    /// <param name="samples">Raw samples, in stream order (cycled when <paramref name="rounds"/> is larger).</param>
    /// <param name="featureStride">DeviceStatistics.FeatureStride to measure with, or null for the device default.</param>
    /// <param name="rounds">Updates to measure (default: one per sample).</param>
    /// <returns>The cost.</returns>
    public static StatsCost MeasureStatistics(byte[] blob, IReadOnlyList<int[]> samples, int? featureStride = null, int? rounds = null)
    {
        ArgumentNullException.ThrowIfNull(samples);
        using var core = new InstrumentedCore(blob, null, IlCountingMode.Total);
        Type statsType = core.Type(typeof(DeviceStatistics));
        object stats = Activator.CreateInstance(statsType, core.Parsed, 1u)!;
        if (featureStride != null)
        {
            statsType.GetProperty(nameof(DeviceStatistics.FeatureStride))!.SetValue(stats, featureStride.Value);
        }

        MethodInfo update = statsType.GetMethod(nameof(DeviceStatistics.OnInference))!;
        int count = rounds ?? samples.Count;
        long inference = 0, updates = 0, max = 0;
        for (int n = 0; n < count; n++)
        {
            int[] sample = samples[n % samples.Count];
            inference += core.Count(() => core.Classify(sample));
            long u = core.Count(() => update.Invoke(stats, [sample, core.Classifier, (uint)n, (long)n]));
            updates += u;
            max = Math.Max(max, u);
        }

        return new StatsCost(inference / (double)count, updates / (double)count, max, count);
    }

    /// <summary>The instrumented core with a classifier built from a blob.</summary>
    private sealed class InstrumentedCore : IDisposable
    {
        private readonly Assembly _core;
        private readonly Type _classifierType;

        public InstrumentedCore(byte[] blob, CompiledKernel? kernel, IlCountingMode mode)
        {
            var images = new List<(string Name, byte[] Image)> { (typeof(Classifier).Assembly.GetName().Name!, File.ReadAllBytes(typeof(Classifier).Assembly.Location)) };
            if (kernel != null)
            {
                images.Add((kernel.AssemblyName, kernel.Image));
            }

            Counter = new IlExecutionCounter(images, mode);
            _core = Counter.GetAssembly(typeof(Classifier).Assembly.GetName().Name!);
            Parsed = Type(typeof(ModelBlobReader)).GetMethod(nameof(ModelBlobReader.Read))!.Invoke(null, [blob])!;
            object model = Parsed.GetType().GetProperty(nameof(ModelBlob.Model))!.GetValue(Parsed)!;

            object? special = kernel == null ? null : Activator.CreateInstance(Counter.GetAssembly(kernel.AssemblyName).GetType(kernel.TypeName)!);
            _classifierType = Type(typeof(Classifier));
            Classifier = Activator.CreateInstance(_classifierType, model, special)!;
            var layers = (Array)model.GetType().GetProperty(nameof(ModelDefinition.Layers))!.GetValue(model)!;
            LayerCount = layers.Length;
            LayerKinds = layers.Cast<object>().Select(l => (int)l.GetType().GetProperty(nameof(LayerDefinition.Kind))!.GetValue(l)!).ToArray();
            Macs = layers.Cast<object>().Sum(l => (long)l.GetType().GetProperty(nameof(LayerDefinition.Macs))!.GetValue(l)!);
        }

        public IlExecutionCounter Counter { get; }

        public object Parsed { get; }

        public object Classifier { get; }

        public int LayerCount { get; }

        public int[] LayerKinds { get; }

        public long Macs { get; }

        public bool Fused => (bool)_classifierType.GetProperty(nameof(EdgeMicro.Core.Inference.Classifier.FusedNetwork))!.GetValue(Classifier)!;

        public Type Type(Type hostType) => _core.GetType(hostType.FullName!, throwOnError: true)!;

        public void Classify(int[] sample) => Invoke(nameof(EdgeMicro.Core.Inference.Classifier.Classify), sample);

        public void Invoke(string method, params object[] args) =>
            _classifierType.GetMethod(method, args.Select(a => a.GetType()).ToArray())!.Invoke(Classifier, args);

        public long Count(Action action)
        {
            Counter.Reset();
            action();
            return Counter.ExecutedInstructions;
        }

        public void Dispose() => Counter.Dispose();
    }
}
