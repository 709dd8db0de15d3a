using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Data;
using EdgeMicro.Conversion.Evaluation;
using EdgeMicro.Conversion.Export;
using EdgeMicro.Conversion.Quantization;

namespace EdgeMicro.Conversion.Pipeline;

/// <summary>
/// <c>edgemicro convert</c>: ONNX + calibration CSV -> int8 model, checked and measured with the firmware core
/// (host twin), written atomically as weight table, specialized kernel, blob and reports.
/// </summary>
public static class ConvertPipeline
{
    /// <summary>Runs a conversion.</summary>
    /// <param name="options">Options.</param>
    /// <param name="progress">Receives (step description, fraction done of that step).</param>
    /// <returns>The report.</returns>
    public static ConversionReport Run(ConvertOptions options, Action<string, double>? progress = null)
    {
        progress?.Invoke("Loading model and data", 0);
        ConversionInputs inputs = ConversionInputs.Load(options);
        string modelId = inputs.Name.ToLowerInvariant();
        string[] files = OutputFiles(inputs.Name);
        OutputDirectory.Check(options.OutputDirectory, files, options.Force);
        var request = new QuantizationRequest(
            inputs.Model, modelId, options.ModelVersion, inputs.ClassNames, inputs.Normalization, inputs.Layout,
            inputs.FractionBits, inputs.Calibration.Features) { WideActivations = options.WideActivations };
        progress?.Invoke("Estimating device memory", 0);
        bool int8 = options.Weights == WeightsMode.Int8;
        BudgetedModel Quantize(QuantizationRequest r) =>
            BudgetedQuantizer.Quantize(r, options.ModelPath, options.RamBudgetBytes, () => progress?.Invoke("Calibrating and quantizing" + (r.WideActivations ? " (16-bit activations)" : string.Empty), 0), int8);

        BudgetedModel budgeted = Quantize(request);
        LabeledDataset eval = inputs.Test ?? inputs.Calibration;
        if (inputs.Test == null && eval.Labels.Any(l => l < 0))
        {
            throw new InputDataException($"{eval.Path}: no --test given and the calibration set has no labels to report accuracy on");
        }

        TwinEvaluation Evaluate(BudgetedModel m) =>
            TwinEvaluator.Evaluate(m.Quantized, eval, inputs.Normalization, inputs.Layout, n => progress?.Invoke("Evaluating float and quantized (host twin)", (double)n / eval.Count));

        TwinEvaluation evaluation = Evaluate(budgeted);
        string activations = options.WideActivations ? "int16" : "int8";
        if (options.AutoActivations)
        {
            (budgeted, evaluation, activations) = ActivationChoice.Choose(budgeted, evaluation, () =>
            {
                BudgetedModel wide = Quantize(request with { WideActivations = true });
                return (wide, Evaluate(wide));
            });
        }

        QuantizedModel q = budgeted.Quantized;
        Classifier classifier = budgeted.Classifier;
        long tableBytes = ModelSerializer.ToBytes(q.Definition).Length;

        progress?.Invoke("Generating and checking the specialized kernel", 0);
        string provenance = $"Model {modelId} v{options.ModelVersion} from {Path.GetFileName(options.ModelPath)} (sha256 {inputs.ModelSha256}); format {ModelBlobFormat.Version}.";
        GeneratedFirmwareCode generated = GeneratedFirmwareCode.Create(options.Weights, q.Definition, classifier.Layers, inputs.Name, provenance);
        FirmwareAssemblyCheck.Refuse(
            options.ModelPath, generated.Limits, () => FirmwareAssemblyCheck.Alternative(options.Weights, q.Definition, classifier.Layers, inputs.Name, provenance));
        CompiledKernel kernel = generated.Kernel;
        bool[]? inCode = generated.InCode;
        string table = generated.Table;
        int[][] rawEval = eval.Features.Select(f => RawSamples.ToFixed(f, q.Definition.InputFractionBits)).ToArray();
        SpecializedKernelCheck.AssertBitExact(q.Definition, kernel, rawEval, generated.TableModel(q.Definition));

        // In int8 mode the blob says so (header flag), so a device loading it over the air keeps the int8 rows too.
        ModelBlob blob = BlobBuilder.Build(int8 ? SwarPacker.PackModel(q.Definition, null, true) : q.Definition, eval.Features, inputs.Calibration.Features);
        byte[] blobBytes = ModelBlobWriter.Write(blob);
        progress?.Invoke("Counting interpreter cost", 0);
        int[][] costSamples = rawEval.Take(16).ToArray();
        InterpreterCost special = InterpreterCostMeter.Measure(blobBytes, costSamples, kernel);
        InterpreterCost generic = InterpreterCostMeter.Measure(blobBytes, costSamples, null);

        ConversionReport report = ReportBuilder.Build(new ReportInputs(
            q, evaluation, classifier, kernel, special, generic, eval.Path, Path.GetFileName(options.ModelPath) + " sha256 " + inputs.ModelSha256,
            tableBytes, blobBytes.Length, DeviceMemory.Of(q.Definition, blobBytes, inCode, kernel.Instantiate(), int8), [.. files, OutputDirectory.ManifestName], options.Weights, activations));

        progress?.Invoke("Writing " + options.OutputDirectory, 0);
        using (var output = new OutputDirectory(options.OutputDirectory, "edgemicro convert", files, options.Force))
        {
            output.WriteText(files[0], table);
            output.WriteText(files[1], kernel.Source);
            output.WriteBytes(files[2], blobBytes);
            output.WriteText(files[3], ReportWriter.ToJson(report));
            output.WriteText(files[4], ReportWriter.ToMarkdown(report));
            output.Commit();
        }

        progress?.Invoke("Done", 1);
        return report;
    }

    /// <summary>The files convert writes for a model name: weight table, kernel, blob, reports.</summary>
    /// <param name="name">Model name (class name prefix).</param>
    /// <returns>File names.</returns>
    public static string[] OutputFiles(string name) =>
        [name + "Model.g.cs", name + "Kernel.g.cs", name.ToLowerInvariant() + ".emm", "report.json", "report.md"];
}
