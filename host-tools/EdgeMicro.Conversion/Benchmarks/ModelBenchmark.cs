using System.Diagnostics;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Evaluation;
using EdgeMicro.Conversion.Export;
using EdgeMicro.Data;
using EdgeMicro.IlCounting;

namespace EdgeMicro.Conversion.Benchmarks;

/// <summary>Benchmark figures of one converted model.</summary>
/// <param name="Name">Example name.</param>
/// <param name="Macs">MACs per inference.</param>
/// <param name="GenericPerSecond">Host-twin inferences per second, generic kernels.</param>
/// <param name="SpecializedPerSecond">Host-twin inferences per second, specialized kernel.</param>
/// <param name="Generic">Interpreter cost, generic kernels.</param>
/// <param name="Specialized">Interpreter cost, specialized kernel.</param>
/// <param name="KernelLimits">nanoFramework limits of the whole firmware assembly: weight table + specialized kernel + the app.</param>
/// <param name="StatisticsIlPerUpdate">Executed IL of the device statistics update after each inference.</param>
/// <param name="Memory">Device heap figures (the core's HeapBytes).</param>
/// <param name="Compiled">Interpreter cost with the weights compiled into the kernel (<c>--weights code</c>).</param>
/// <param name="CompiledLimits">nanoFramework limits of the whole firmware assembly in code mode.</param>
/// <param name="CompiledMemory">Device heap figures in code mode.</param>
/// <param name="Int8">The conversion with the Dense rows kept int8 (<c>--weights int8</c>): its IL, latency and heap.</param>
/// <param name="Int16">The conversion with 16-bit activations (<c>--activations int16</c>): accuracy, IL, latency, heap.</param>
/// <param name="Int16Code">The same with the Dense layers' weights compiled in (<c>--activations int16 --weights code</c>).</param>
public sealed record BenchmarkResult(
    string Name, long Macs, double GenericPerSecond, double SpecializedPerSecond,
    InterpreterCost Generic, InterpreterCost Specialized, NanoFrameworkLimitsReport KernelLimits, double StatisticsIlPerUpdate, DeviceMemory Memory,
    InterpreterCost Compiled, NanoFrameworkLimitsReport CompiledLimits, DeviceMemory CompiledMemory, ConversionReport Int8, ConversionReport Int16, ConversionReport Int16Code)
{
    /// <summary>Host-twin MAC/s with the specialized kernel.</summary>
    public double SpecializedMacsPerSecond => SpecializedPerSecond * Macs;
}

/// <summary>
/// <c>edgemicro bench</c>: converts each example, then measures host-twin throughput (desktop .NET, informative
/// only) and counts the IL instructions the firmware core executes per inference - the figure that predicts
/// nanoFramework speed - for the generic kernels, the generated specialized kernel (weights as data) and the kernel
/// with the weights compiled in (<c>--weights code</c>, converted into a sibling directory), and the reports of the
/// int8-row conversion (<c>--weights int8</c>) and of the 16-bit activation conversion (<c>--activations int16</c>,
/// with the weights as data and compiled in), three more siblings.
/// </summary>
public static class ModelBenchmark
{
    /// <summary>Benchmarks one example (converted into its output directory first).</summary>
    /// <param name="options">Convert options of the example.</param>
    /// <param name="seconds">Wall time per throughput measurement.</param>
    /// <returns>The figures.</returns>
    public static BenchmarkResult Run(ConvertOptions options, double seconds = 0.5)
    {
        ConvertPipeline.Run(options);
        ModelFile model = ModelFile.Load(options.OutputDirectory);
        string kernelPath = Directory.GetFiles(options.OutputDirectory, "*Kernel.g.cs").Single();
        byte[] blobBytes = model.Bytes;
        ModelBlob blob = model.Blob;
        string className = Path.GetFileName(kernelPath)[..^".g.cs".Length];
        string assembly = "EdgeMicro.Generated." + className;
        string source = File.ReadAllText(kernelPath);
        var kernel = new CompiledKernel(assembly, WeightTableWriter.Namespace + "." + className, KernelCompiler.Compile(assembly, source), source);
        int[][] samples = blob.SelfTestSamples;
        double generic = Throughput(new Classifier(blob.Model), samples, seconds);
        double special = Throughput(new Classifier(blob.Model, kernel.Instantiate()), samples, seconds);
        InterpreterCost genericCost = InterpreterCostMeter.Measure(blobBytes, samples, null);
        InterpreterCost specialCost = InterpreterCostMeter.Measure(blobBytes, samples, kernel);
        double statistics = InterpreterCostMeter.MeasureStatistics(blobBytes, samples, rounds: Math.Max(64, samples.Length)).UpdateIl;
        NanoFrameworkLimitsReport limits = FirmwareAssembly.Check("EdgeMicro.Firmware", File.ReadAllText(Directory.GetFiles(options.OutputDirectory, "*Model.g.cs").Single()), source);

        ConvertOptions codeOptions = options with { Weights = WeightsMode.Code, OutputDirectory = options.OutputDirectory + "-code" };
        ConvertPipeline.Run(codeOptions);
        string codeSource = File.ReadAllText(Path.Combine(codeOptions.OutputDirectory, className + ".g.cs"));
        var compiled = new CompiledKernel(assembly + "Code", kernel.TypeName, KernelCompiler.Compile(assembly + "Code", codeSource), codeSource);
        InterpreterCost compiledCost = InterpreterCostMeter.Measure(blobBytes, samples, compiled);
        bool[] inCode = [.. new Classifier(blob.Model).Layers.Select(CompiledWeightsGenerator.IsCompiled)];
        NanoFrameworkLimitsReport compiledLimits = FirmwareAssembly.Check(
            "EdgeMicro.Firmware", File.ReadAllText(Directory.GetFiles(codeOptions.OutputDirectory, "*Model.g.cs").Single()), codeSource);
        ConversionReport int8 = ConvertPipeline.Run(options with { Weights = WeightsMode.Int8, OutputDirectory = options.OutputDirectory + "-int8" });
        ConversionReport int16 = ConvertPipeline.Run(options with { WideActivations = true, OutputDirectory = options.OutputDirectory + "-int16" });
        ConversionReport int16Code = ConvertPipeline.Run(options with { WideActivations = true, Weights = WeightsMode.Code, OutputDirectory = options.OutputDirectory + "-int16-code" });
        return new BenchmarkResult(
            options.Name ?? className, specialCost.Macs, generic, special, genericCost, specialCost, limits, statistics, DeviceMemory.Of(blob.Model, blobBytes),
            compiledCost, compiledLimits, DeviceMemory.Of(blob.Model, blobBytes, inCode, compiled.Instantiate()), int8, int16, int16Code);
    }

    private static double Throughput(Classifier classifier, int[][] samples, double seconds)
    {
        for (int i = 0; i < 200; i++)
        {
            classifier.Classify(samples[i % samples.Length]);
        }

        long count = 0;
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed.TotalSeconds < seconds)
        {
            for (int i = 0; i < 100; i++)
            {
                classifier.Classify(samples[(int)(count++ % samples.Length)]);
            }
        }

        return count / watch.Elapsed.TotalSeconds;
    }
}
