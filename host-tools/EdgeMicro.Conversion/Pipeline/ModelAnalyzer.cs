using System.Security.Cryptography;
using System.Text.Json;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Data;
using EdgeMicro.Conversion.Evaluation;
using EdgeMicro.Conversion.Export;
using EdgeMicro.Conversion.Quantization;
using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Ir;
using EdgeMicro.Onnx.Lowering;

namespace EdgeMicro.Conversion.Pipeline;

/// <summary>
/// <c>edgemicro analyze</c>: what a model would cost on the device, from the ONNX file alone (like
/// <c>stedgeai analyze</c>). Every unsupported node and attribute is listed; a supported model is quantized with a
/// synthetic calibration set drawn from its input shape (ranges and so accuracy are meaningless, but shapes, memory
/// and executed IL are not: the kernels' control flow does not depend on the values), then measured with the core's
/// own figures (<see cref="HeapEstimate"/>, <see cref="DeviceMemory"/>) and the IL counter.
/// </summary>
public static class ModelAnalyzer
{
    /// <summary>Samples in the synthetic calibration set (seeded, uniform in [-1, 1]): as many as convert embeds as self-tests, so the blob has its size.</summary>
    public const int SyntheticSamples = 16;

    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower, WriteIndented = true };

    /// <summary>Analyzes a model.</summary>
    /// <param name="modelPath">The ONNX file.</param>
    /// <param name="ramBudgetBytes">The device heap budget to compare with.</param>
    /// <param name="progress">Receives step descriptions.</param>
    /// <param name="weights">The weights mode to analyze (as convert's <c>--weights</c>).</param>
    /// <param name="wideActivations">Analyze with 16-bit activations (as convert's <c>--activations int16</c>).</param>
    /// <returns>The analysis; <see cref="ModelAnalysis.Problems"/> lists why a model cannot be converted.</returns>
    /// <exception cref="InputDataException">The file cannot be read as ONNX, or the model cannot be represented.</exception>
    public static ModelAnalysis Analyze(string modelPath, long ramBudgetBytes, Action<string>? progress = null, WeightsMode weights = WeightsMode.Data, bool wideActivations = false)
    {
        InputFiles.RequireFile(modelPath, "ONNX model");
        string sha = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(modelPath)));
        progress?.Invoke("Checking operators and attributes");
        FloatModel model;
        try
        {
            model = ConversionInputs.Lower(() => OnnxModelLoader.Load(modelPath), modelPath);
        }
        catch (InputDataException e) when (e.InnerException is OnnxUnsupportedModelException u)
        {
            return new ModelAnalysis { Model = modelPath, Sha256 = sha, Supported = false, Problems = u.Nodes.Select(n => n.ToString()).ToArray() };
        }

        int outputs = model.OutputLength;
        int classCount = outputs == 1 && model.Output == OutputActivation.Sigmoid ? 2 : outputs;
        if (classCount < 2)
        {
            return new ModelAnalysis { Model = modelPath, Sha256 = sha, Supported = false, Problems = [$"(graph): the model has {outputs} output; a classifier needs at least 2 classes (or 1 sigmoid output)."] };
        }

        progress?.Invoke("Quantizing with a synthetic calibration set");
        var rng = new Random(1);
        double[][] samples = Enumerable.Range(0, SyntheticSamples).Select(_ => Enumerable.Range(0, model.InputLength).Select(_ => (rng.NextDouble() * 2) - 1).ToArray()).ToArray();
        int fractionBits = RawSamples.ChooseFractionBits(1);
        string[] classes = Enumerable.Range(0, classCount).Select(k => k.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        var request = new QuantizationRequest(model, "analyze", 1, classes, Normalization.Identity(model.InputLength), InputLayout.Parse(null, model.InputDims, model.InputLength), fractionBits, samples) { WideActivations = wideActivations };
        bool int8 = weights == WeightsMode.Int8;
        BudgetedModel b = BudgetedQuantizer.Quantize(request, modelPath, long.MaxValue, null, int8);
        ModelDefinition m = b.Quantized.Definition;

        progress?.Invoke("Generating the firmware code and counting executed IL");
        GeneratedFirmwareCode generated = GeneratedFirmwareCode.Create(weights, m, b.Classifier.Layers, "Analyze", "edgemicro analyze");
        byte[] blob = ModelBlobWriter.Write(BlobBuilder.Build(int8 ? SwarPacker.PackModel(m, null, true) : m, samples, samples));
        CompiledKernel kernel = generated.Kernel;
        DeviceMemory memory = DeviceMemory.Of(m, blob, generated.InCode, kernel.Instantiate(), int8);
        long ram = memory.ModelBytes + memory.ClassifierBytes;
        int[][] raw = samples.Select(s => RawSamples.ToFixed(s, fractionBits)).ToArray();
        InterpreterCost special = InterpreterCostMeter.Measure(blob, raw, kernel);
        InterpreterCost generic = InterpreterCostMeter.Measure(blob, raw, null);
        return new ModelAnalysis
        {
            Model = modelPath,
            Sha256 = sha,
            Supported = true,
            Problems = [],
            Input = string.Join("x", model.InputDims),
            Classes = classCount,
            Output = model.Output.ToString(),
            Layers = m.Layers.Select((l, i) => new AnalyzedLayer
            {
                Index = i,
                Name = b.Quantized.Stages[i].Layer.Name,
                Kind = LayerKind.Name(l.Kind) + (b.Quantized.Stages[i].Activation is { } a ? "+" + a.Kind : string.Empty),
                OutputShape = b.Quantized.Stages[i].Layer.OutputShape.ToString(),
                ActivationBits = l.WideOutput ? 16 : 8,
                Macs = l.Macs,
                Weights = l.Weights?.Length ?? 0,
                Il = Math.Round(special.LayerIl[i], 1),
            }).ToArray(),
            Macs = special.Macs,
            Weights = memory.Weights,
            WeightsBytes = m.Layers.Sum(l => (long)(l.Weights?.Length ?? 0) + (4L * (l.Bias?.Length ?? 0))),
            TableBytes = ModelSerializer.ToBytes(m).Length,
            BlobBytes = blob.Length,
            WeightsMode = FirmwareAssemblyCheck.Name(weights),
            Activations = m.HasWideActivations ? "int16" : "int8",
            FitsFirmwareAssembly = generated.Limits.IsWithinLimits,
            FirmwareAssemblyViolations = [.. generated.Limits.Violations],
            RamBytes = ram,
            RamEstimateBytes = [b.Estimate.LowBytes, b.Estimate.HighBytes],
            ModelHeapBytes = memory.ModelBytes,
            PackedWeightsBytes = memory.PackedWeightsBytes,
            ActivationBytes = memory.ActivationBytes,
            ResidentHeapBytes = memory.ResidentBytes,
            UpdatePeakHeapBytes = memory.UpdatePeakBytes,
            RamBudgetBytes = ramBudgetBytes,
            FitsBudget = weights == WeightsMode.Code ? (ram <= ramBudgetBytes ? "yes" : "no")
                : b.Estimate.HighBytes <= ramBudgetBytes ? "yes" : b.Estimate.LowBytes > ramBudgetBytes ? "no" : "depends on calibration",
            IlPerInference = Math.Round(special.IlPerInference, 1),
            IlPerMac = Math.Round(special.IlPerMac, 3),
            GenericIlPerInference = Math.Round(generic.IlPerInference, 1),
            EstimatedEsp32Ms = Math.Round(special.EstimatedMs, 3),
            EstimatedEsp32MsRange = [Math.Round(special.EstimatedMsLow, 3), Math.Round(special.EstimatedMsHigh, 3)],
            GenericEstimatedEsp32Ms = Math.Round(generic.EstimatedMs, 3),
        };
    }

    /// <summary>Serializes an analysis (snake_case, like report.json).</summary>
    /// <param name="analysis">The analysis.</param>
    /// <returns>JSON text.</returns>
    public static string ToJson(ModelAnalysis analysis) => JsonSerializer.Serialize(analysis, Json) + "\n";
}
