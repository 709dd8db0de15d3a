using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Conversion.Evaluation;
using EdgeMicro.Conversion.Export;
using EdgeMicro.Conversion.Quantization;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Conversion.Pipeline;

/// <summary>What the report is built from.</summary>
/// <param name="Quantized">Quantized model.</param>
/// <param name="Evaluation">Twin evaluation.</param>
/// <param name="Classifier">Prepared classifier (packing per layer).</param>
/// <param name="Kernel">Specialized kernel.</param>
/// <param name="Special">Cost with the specialized kernel.</param>
/// <param name="Generic">Cost with the generic kernels.</param>
/// <param name="EvaluatedOn">Evaluation CSV path.</param>
/// <param name="Source">Source description.</param>
/// <param name="TableBytes">Canonical model bytes.</param>
/// <param name="BlobBytes">Blob bytes.</param>
/// <param name="Memory">Device heap figures.</param>
/// <param name="Files">Output files.</param>
/// <param name="Weights">Where the weights are (convert --weights).</param>
/// <param name="Activations">Activation width and, for --activations auto, why (<see cref="ActivationChoice"/>).</param>
public sealed record ReportInputs(
    QuantizedModel Quantized, TwinEvaluation Evaluation, Classifier Classifier, CompiledKernel Kernel,
    InterpreterCost Special, InterpreterCost Generic, string EvaluatedOn, string Source,
    long TableBytes, long BlobBytes, DeviceMemory Memory, string[] Files, WeightsMode Weights = WeightsMode.Data, string Activations = "int8");

/// <summary>Builds the <see cref="ConversionReport"/>.</summary>
public static class ReportBuilder
{
    /// <summary>Builds the report.</summary>
    /// <param name="r">Inputs.</param>
    /// <returns>The report.</returns>
    public static ConversionReport Build(ReportInputs r)
    {
        ModelDefinition m = r.Quantized.Definition;
        TwinEvaluation e = r.Evaluation;
        var layers = new LayerReport[m.Layers.Length];
        ISpecializedKernel accepted = r.Kernel.Instantiate();
        // The layers as the table prepares them (int8 mode: Dense rows read unpacked, one lane).
        PreparedLayer[] prepared = r.Weights == WeightsMode.Int8 ? new Classifier(SwarPacker.PackModel(m, null, true)).Layers : r.Classifier.Layers;
        for (int i = 0; i < layers.Length; i++)
        {
            LayerDefinition l = m.Layers[i];
            Stage stage = r.Quantized.Stages[i];
            double sqnr = e.Layers[i].SqnrDb;
            string act = stage.Activation == null ? string.Empty : "+" + (stage.Activation.Kind == ActivationKind.Clip ? $"Clip({stage.Activation.Min:G3},{stage.Activation.Max:G3})" : stage.Activation.Kind.ToString());
            PreparedLayer p = prepared[i];
            layers[i] = new LayerReport
            {
                Index = i,
                Name = stage.Layer.Name,
                Kind = LayerKind.Name(l.Kind) + act,
                InputShape = stage.Layer.InputShape.ToString(),
                OutputShape = stage.Layer.OutputShape.ToString(),
                Macs = l.Macs,
                Weights = l.Weights?.Length ?? 0,
                SqnrDb = double.IsFinite(sqnr) ? Math.Round(sqnr, 2) : null,
                Saturation = e.Layers[i].SaturationFraction,
                RangeMethod = r.Quantized.RangeMethods[i].ToString(),
                ActivationBits = l.WideOutput ? 16 : 8,
                SwarLanes = l.Kind is LayerKind.Dense or LayerKind.Conv && WideCompiled(accepted, i, p) ? 2 : p.Lanes,
                RowsRequantizedForThreeLanes = ThreeLaneFit.RowsRequantized(l),
                Specialized = m.HasWideActivations ? WideCompiled(accepted, i, p) : accepted.Accepts(i, p),
                Il = Math.Round(r.Special.LayerIl[i], 1),
                IlPerMac = l.Macs == 0 ? null : Math.Round(r.Special.LayerIl[i] / l.Macs, 3),
            };
        }

        return new ConversionReport
        {
            ModelId = m.ModelId,
            ModelVersion = m.ModelVersion,
            WeightsMode = FirmwareAssemblyCheck.Name(r.Weights),
            Activations = r.Activations,
            Source = r.Source,
            EvaluatedOn = Path.GetFileName(r.EvaluatedOn),
            Samples = (int)e.Int8.Count,
            FloatAccuracy = e.Float.Accuracy,
            Int8Accuracy = e.Int8.Accuracy,
            Agreement = e.Agreement,
            Classes = m.ClassNames,
            FloatRecall = Nullable(e.Float.Recall()),
            Int8Recall = Nullable(e.Int8.Recall()),
            ConfusionMatrix = e.Int8.Confusion(),
            Layers = layers,
            WeightsBytes = m.Layers.Sum(l => (long)(l.Weights?.Length ?? 0) + (4L * (l.Bias?.Length ?? 0))),
            TableBytes = r.TableBytes,
            BlobBytes = r.BlobBytes,
            PackedWeightsBytes = r.Memory.PackedWeightsBytes,
            ActivationBytes = r.Memory.ActivationBytes,
            RamBytes = r.Memory.ModelBytes + r.Memory.ClassifierBytes,
            ModelHeapBytes = r.Memory.ModelBytes,
            ClassifierHeapBytes = r.Memory.ClassifierBytes,
            StatisticsHeapBytes = r.Memory.StatisticsBytes,
            ResidentHeapBytes = r.Memory.ResidentBytes,
            UpdatePeakHeapBytes = r.Memory.UpdatePeakBytes,
            HeapBytesPerWeight = Math.Round(r.Memory.BytesPerWeight, 3),
            Macs = r.Special.Macs,
            IlPerInference = Math.Round(r.Special.IlPerInference, 1),
            IlPerMac = Math.Round(r.Special.IlPerMac, 3),
            KernelIlPerMac = Math.Round(r.Special.KernelIlPerMac, 3),
            InputIl = Math.Round(r.Special.InputIl, 1),
            HeadIl = Math.Round(r.Special.HeadIl, 1),
            OutsideKernelsShare = Math.Round(r.Special.OutsideKernelsShare, 4),
            FusedNetwork = r.Special.Fused,
            StagedIlPerInference = Math.Round(r.Special.StagedIl, 1),
            GenericIlPerMac = Math.Round(r.Generic.IlPerMac, 3),
            EstimatedEsp32Ms = Math.Round(r.Special.EstimatedMs, 3),
            EstimatedEsp32MsRange = [Math.Round(r.Special.EstimatedMsLow, 3), Math.Round(r.Special.EstimatedMsHigh, 3)],
            GenericIlPerInference = Math.Round(r.Generic.IlPerInference, 1),
            GenericKernelIlPerMac = Math.Round(r.Generic.KernelIlPerMac, 3),
            GenericEstimatedEsp32Ms = Math.Round(r.Generic.EstimatedMs, 3),
            Files = r.Files,
        };
    }

    private static double?[] Nullable(double[] values) => values.Select(v => double.IsNaN(v) ? (double?)null : Math.Round(v, 6)).ToArray();

    /// <summary>Whether a layer of a model with 16-bit activations runs with its weights compiled in (two rows per word).</summary>
    private static bool WideCompiled(ISpecializedKernel kernel, int i, PreparedLayer p) => kernel is ISpecializedWideKernel w && w.AcceptsWide(i, p);
}
