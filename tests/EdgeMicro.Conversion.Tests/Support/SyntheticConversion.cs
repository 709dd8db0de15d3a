using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Quantization;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Data;
using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Conversion.Tests.Support;

/// <summary>A synthetic three-class graph quantized as <c>convert</c> does (identity normalization, the input's own
/// layout), with the samples the kernel checks run on: calibration-like rows, then saturating rows of random signs so
/// that accumulators reach far into their lanes.</summary>
public static class SyntheticConversion
{
    /// <summary>Calibrates on <paramref name="rows"/> uniform rows in [-2, 2) and quantizes.</summary>
    /// <param name="graph">The graph (one input of <paramref name="features"/> values, three outputs).</param>
    /// <param name="name">Model name (also the file named in messages, with .onnx).</param>
    /// <param name="features">Input values.</param>
    /// <param name="rows">Calibration rows; as many saturating rows are added to the samples.</param>
    /// <param name="rng">Random source (the caller's seed).</param>
    /// <param name="wideActivations">Quantize with 16-bit activations (<c>--activations int16</c>).</param>
    /// <returns>The quantized model, its classifier and the fixed-point samples.</returns>
    public static (QuantizedModel Q, Classifier Classifier, int[][] Samples) Quantize(OnnxGraph graph, string name, int features, int rows, Random rng, bool wideActivations = false)
    {
        ArgumentNullException.ThrowIfNull(rng);
        double[][] calibration = Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, features).Select(_ => (rng.NextDouble() * 4) - 2).ToArray()).ToArray();
        FloatModel model = ConversionInputs.Lower(() => graph, name + ".onnx");
        InputLayout layout = InputLayout.Parse(null, model.InputDims, features);
        int fractionBits = RawSamples.ChooseFractionBits(calibration.SelectMany(r => r).Max(Math.Abs));
        var request = new QuantizationRequest(model, name, 1, ["a", "b", "c"], Normalization.Identity(features), layout, fractionBits, calibration) { WideActivations = wideActivations };
        BudgetedModel m = BudgetedQuantizer.Quantize(request, name + ".onnx", long.MaxValue);
        double big = calibration.SelectMany(r => r).Max(Math.Abs);
        double[][] extreme = Enumerable.Range(0, rows).Select(_ => Enumerable.Range(0, features).Select(_ => rng.Next(2) == 0 ? -big : big).ToArray()).ToArray();
        return (m.Quantized, m.Classifier, calibration.Concat(extreme).Select(r => RawSamples.ToFixed(r, fractionBits)).ToArray());
    }

    /// <summary>Generates the firmware code of a weights mode as convert does, and the classifier the device builds from
    /// its table with its kernel.</summary>
    /// <param name="mode">Weights mode.</param>
    /// <param name="q">The quantized model.</param>
    /// <param name="classifier">Its classifier (int8 weights, packed at load).</param>
    /// <param name="name">Class name prefix.</param>
    /// <returns>The generated code, the table's model and the device's classifier.</returns>
    public static (GeneratedFirmwareCode Generated, ModelDefinition Table, Classifier Device) Generate(WeightsMode mode, QuantizedModel q, Classifier classifier, string name)
    {
        ArgumentNullException.ThrowIfNull(q);
        ArgumentNullException.ThrowIfNull(classifier);
        GeneratedFirmwareCode generated = GeneratedFirmwareCode.Create(mode, q.Definition, classifier.Layers, name, "test " + name);
        ModelDefinition table = generated.TableModel(q.Definition);
        return (generated, table, new Classifier(table, generated.Kernel.Instantiate()));
    }
}
