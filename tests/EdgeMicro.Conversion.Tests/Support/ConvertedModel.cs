using System.Diagnostics;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Data;

namespace EdgeMicro.Conversion.Tests.Support;

/// <summary>
/// One devkit model converted by <see cref="ConvertPipeline.Run"/>, plus what the tests derive from its output files
/// (computed once, lazily): blob, model built by the compiled weight table, compiled kernel, test samples.
/// </summary>
public sealed class ConvertedModel
{
    private readonly Lazy<ModelBlob> _blob;
    private readonly Lazy<ModelDefinition> _tableModel;
    private readonly Lazy<byte[]> _kernelImage;
    private readonly Lazy<Type> _kernelType;
    private readonly Lazy<LabeledDataset> _test;
    private readonly Lazy<int[][]> _testSamples;

    private ConvertedModel(DevkitModel model, ConversionReport report, string outputDirectory, TimeSpan elapsed)
    {
        Model = model;
        Report = report;
        OutputDirectory = outputDirectory;
        Elapsed = elapsed;
        _blob = new(() => ModelBlobReader.Read(File.ReadAllBytes(PathOf(model.BlobFile))));
        _tableModel = new(() => GeneratedCode.CreateModel(GeneratedCode.LoadType(
            GeneratedCode.Compile("EdgeMicro.Tests.Table." + model.Name, File.ReadAllText(PathOf(model.TableFile))), model.Name + "Model")));
        _kernelImage = new(() => GeneratedCode.Compile("EdgeMicro.Tests.Kernel." + model.Name, File.ReadAllText(PathOf(model.KernelFile))));
        _kernelType = new(() => GeneratedCode.LoadType(KernelImage, model.Name + "Kernel"));
        _test = new(() => CsvDatasetReader.Read(model.TestPath, "label", null, Blob.Model.ClassCount));
        _testSamples = new(() => Test.Features.Select(f => RawSamples.ToFixed(f, Blob.Model.InputFractionBits)).ToArray());
    }

    /// <summary>The devkit model.</summary>
    public DevkitModel Model { get; }

    /// <summary>The pipeline's report.</summary>
    public ConversionReport Report { get; }

    /// <summary>Where the files were written.</summary>
    public string OutputDirectory { get; }

    /// <summary>Conversion wall time.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The .emm blob as read by the firmware's reader.</summary>
    public ModelBlob Blob => _blob.Value;

    /// <summary>The model built by the compiled <c>&lt;Name&gt;Model.g.cs</c>.</summary>
    public ModelDefinition TableModel => _tableModel.Value;

    /// <summary>The compiled <c>&lt;Name&gt;Kernel.g.cs</c>.</summary>
    public byte[] KernelImage => _kernelImage.Value;

    /// <summary>The test CSV.</summary>
    public LabeledDataset Test => _test.Value;

    /// <summary>The test CSV as the device sees it (fixed point).</summary>
    public int[][] TestSamples => _testSamples.Value;

    /// <summary>Converts a model.</summary>
    /// <param name="model">The model.</param>
    /// <param name="outputDirectory">Output directory.</param>
    /// <returns>The conversion (data mode).</returns>
    public static ConvertedModel Convert(DevkitModel model, string outputDirectory) => Convert(model, outputDirectory, WeightsMode.Data);

    /// <summary>Converts a model with a weights mode.</summary>
    /// <param name="model">The model.</param>
    /// <param name="outputDirectory">Output directory.</param>
    /// <param name="weights">Where the weights go.</param>
    /// <returns>The conversion.</returns>
    public static ConvertedModel Convert(DevkitModel model, string outputDirectory, WeightsMode weights)
    {
        var watch = Stopwatch.StartNew();
        ConversionReport report = ConvertPipeline.Run(model.Options(outputDirectory) with { Weights = weights });
        return new ConvertedModel(model, report, outputDirectory, watch.Elapsed);
    }

    /// <summary>A new instance of the compiled specialized kernel.</summary>
    /// <returns>The kernel.</returns>
    public ISpecializedKernel NewKernel() => (ISpecializedKernel)Activator.CreateInstance(_kernelType.Value)!;

    /// <summary>Path of an output file.</summary>
    /// <param name="name">File name.</param>
    /// <returns>The path.</returns>
    public string PathOf(string name) => Path.Combine(OutputDirectory, name);

    /// <summary>The headline figures, for assertion messages and test output.</summary>
    /// <returns>Text.</returns>
    public string Figures()
    {
        ConversionReport r = Report;
        return FormattableString.Invariant(
            $"{Model.Key}: float {r.FloatAccuracy:P2}, int8 {r.Int8Accuracy:P2} ({(r.Int8Accuracy - r.FloatAccuracy) * 100:+0.00;-0.00} pp), agreement {r.Agreement:P2} on {r.Samples} samples; ") +
            FormattableString.Invariant(
            $"kernel IL/MAC {r.KernelIlPerMac:F2} specialized / {r.GenericKernelIlPerMac:F2} generic; est. ESP32 {r.EstimatedEsp32Ms:F2} ms (generic {r.GenericEstimatedEsp32Ms:F2} ms); {r.Macs} MACs; converted in {Elapsed.TotalSeconds:F1} s");
    }
}
