using EdgeMicro.Conversion.Quantization;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Data;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Conversion.Evaluation;

/// <summary>Heap of one layer in each packing the core may choose (<see cref="SwarPacker"/>): its packed weights and
/// biases in the table and its prepared layer.</summary>
/// <param name="Name">Layer name.</param>
/// <param name="ThreeLanes">SWAR3 (accumulators within 21 bits) with the output zero point folded into the rounding terms.</param>
/// <param name="ThreeLanesUnfolded">SWAR3 without the folded rounding terms (a shift above 54 or LeakyRelu).</param>
/// <param name="TwoLanes">SWAR2 (wider accumulators).</param>
/// <param name="WithoutTailRow">Added to either SWAR3 figure when the layer could pack its last row along its inputs
/// (<see cref="SwarTailRow"/>, included in those figures) but the row is not exact that way; 0 for other layers.</param>
public sealed record LayerHeap(string Name, int ThreeLanes, int ThreeLanesUnfolded, int TwoLanes, int WithoutTailRow)
{
    /// <summary>The smallest figure.</summary>
    public int Low => Math.Min(ThreeLanes, Math.Min(ThreeLanesUnfolded, TwoLanes));

    /// <summary>The largest figure.</summary>
    public int High => Math.Max(ThreeLanes + WithoutTailRow, Math.Max(ThreeLanesUnfolded + WithoutTailRow, TwoLanes));
}

/// <summary>
/// Device heap of a model estimated from its layer shapes alone, before calibration: the core's own
/// <c>HeapBytes</c> figures (<see cref="ModelDefinition.HeapBytes"/> of the compiled-in table, weights packed once, +
/// <see cref="Classifier.HeapBytes"/> of the classifier reading it: the same sum <c>convert</c> checks against the
/// budget after quantization) of placeholder layers with the real array sizes.
/// Only the packing of each layer depends on the quantized values, so the figure after calibration lies in
/// [<see cref="LowBytes"/>, <see cref="HighBytes"/>] and equals <see cref="ModelBytes"/> + <see cref="ClassifierBaseBytes"/>
/// + one of each layer's three <see cref="LayerHeap"/> figures.
/// </summary>
/// <param name="ModelBytes">The table without its packed weights and biases (exact: these arrays do not depend on values).</param>
/// <param name="ClassifierBaseBytes">The classifier without its prepared layers (activations, scratch, tables; exact).</param>
/// <param name="Layers">Each prepared layer's heap per packing.</param>
public sealed record HeapEstimate(long ModelBytes, long ClassifierBaseBytes, IReadOnlyList<LayerHeap> Layers)
{
    /// <summary>The least the model can need.</summary>
    public long LowBytes => ModelBytes + ClassifierBaseBytes + Layers.Sum(l => (long)l.Low);

    /// <summary>The most the model can need.</summary>
    public long HighBytes => ModelBytes + ClassifierBaseBytes + Layers.Sum(l => (long)l.High);

    /// <summary>Estimates the heap of a quantization request without calibrating (the calibration set is not read).</summary>
    /// <param name="request">Model and preprocessing.</param>
    /// <param name="int8Dense">The table keeps Dense layers' int8 rows unpacked (<c>--weights int8</c>).</param>
    /// <returns>The estimate.</returns>
    /// <exception cref="InputDataException">The model cannot be represented by the core (too many weights, too large tensors...).</exception>
    public static HeapEstimate Of(QuantizationRequest request, bool int8Dense = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        IReadOnlyList<Stage> stages = Stage.Split(request.Model);
        Classifier folded = Build(request, stages, 0, 31, int8Dense);
        Classifier unfolded = Build(request, stages, 0, 60, int8Dense);
        Classifier wide = Build(request, stages, 1 << 20, 31, int8Dense);
        var layers = new LayerHeap[stages.Count];
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i] = new LayerHeap(stages[i].Layer.Name, LayerBytes(folded, i), LayerBytes(unfolded, i), LayerBytes(wide, i), WithoutTailRow(folded.Layers[i]));
        }

        long packed = folded.Model.Layers.Sum(l => (long)PackedBytes(l));
        long prepared = folded.Layers.Sum(l => (long)l.HeapBytes);
        return new HeapEstimate(folded.Model.HeapBytes - packed, folded.HeapBytes - prepared, layers);
    }

    /// <summary>Heap of one layer that depends on its packing: the table's packed arrays and the prepared layer.</summary>
    /// <param name="c">A classifier of a compiled-in table.</param>
    /// <param name="i">Layer index.</param>
    /// <returns>Bytes.</returns>
    public static int LayerBytes(Classifier c, int i)
    {
        ArgumentNullException.ThrowIfNull(c);
        return PackedBytes(c.Model.Layers[i]) + c.Layers[i].HeapBytes;
    }

    /// <summary>Bytes a layer packed with a tail row would need more in plain row groups: one more row group instead of
    /// the tail's words (the bias count is the same).</summary>
    /// <param name="p">A prepared layer.</param>
    /// <returns>Bytes (0 without a tail row).</returns>
    public static int WithoutTailRow(PreparedLayer p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p.TailRows == 0 ? 0 : HeapSize.Array((p.RowGroups + 1) * p.Stride, 8) - HeapSize.Array((p.RowGroups * p.Stride) + p.TailWords, 8);
    }

    private static int PackedBytes(LayerDefinition l) => HeapSize.Of(l.PackedWeights) + HeapSize.Of(l.PackedBias) + (l.PackedLanes == 1 ? HeapSize.Of(l.Weights) : 0);

    private static Classifier Build(QuantizationRequest request, IReadOnlyList<Stage> stages, int biasSteps, int shift, bool int8Dense)
    {
        var layers = new List<LayerDefinition>();
        int inMin = -128, inMax = 127;
        bool[] wide = request.WideOutputs(stages);
        bool wideIn = false;
        for (int s = 0; s < stages.Count; s++)
        {
            bool wideOut = stages[s].Layer is PoolLayer ? wideIn : wide[s];
            LayerDefinition layer = LayerQuantizer.Placeholder(stages[s], inMin, inMax, biasSteps, shift, wideIn, wideOut);
            layers.Add(layer);
            (inMin, inMax, wideIn) = (layer.ActivationMin, layer.ActivationMax, layer.WideOutput);
        }

        int n = request.Model.InputLength;
        double unit = Math.Pow(2, request.FractionBits);

        // Input scales chosen so every input multiplier is 1: representable whatever the normalization.
        var input = new AffineQuantization[n];
        for (int j = 0; j < n; j++)
        {
            int f = request.Layout.Gather?[j] ?? j;
            input[j] = new AffineQuantization(1.0 / (request.Normalization.Std[f] * unit), 0);
        }

        ModelDefinition definition = ModelQuantizer.Assemble(request, layers, input, new AffineQuantization(1, 0));
        try
        {
            return new Classifier(SwarPacker.PackModel(definition, null, int8Dense));
        }
        catch (ModelFormatException e)
        {
            throw new InputDataException($"the model cannot run on the device: {e.Message}", e);
        }
    }
}
