using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Stats;

namespace EdgeMicro.Conversion.Evaluation;

/// <summary>
/// Device heap of a converted model, from the core's own <c>HeapBytes</c> figures (one memory model,
/// <see cref="HeapSize"/>): what stays resident, and the peak during an over-the-air update, when the running model,
/// classifier and statistics are joined by the received blob bytes, the parsed candidate blob and its classifier.
/// </summary>
/// <param name="ModelBytes">The model definition as the compiled-in weight table builds it (packed weights, biases...).</param>
/// <param name="ClassifierBytes">The classifier: prepared layers (sharing the table's packed weights), activations, scratch.</param>
/// <param name="PackedWeightsBytes">Of which the prepared layers.</param>
/// <param name="ActivationBytes">Of which the activation buffers and scratch.</param>
/// <param name="StatisticsBytes">Device statistics with the default settings.</param>
/// <param name="UpdateExtraBytes">Added during an update to a model of the same size (blob bytes, parsed blob with its
/// int8 weights, candidate classifier with its packed copy).</param>
/// <param name="WeightStorageBytes">Heap of the weight arrays of the running compiled-in model: the table's packed
/// weights or int8 rows (the one copy the kernels read).</param>
/// <param name="Weights">Number of weights of the model.</param>
public sealed record DeviceMemory(long ModelBytes, long ClassifierBytes, long PackedWeightsBytes, long ActivationBytes, long StatisticsBytes, long UpdateExtraBytes, long WeightStorageBytes, long Weights)
{
    /// <summary>Resident heap: model + classifier + statistics.</summary>
    public long ResidentBytes => ModelBytes + ClassifierBytes + StatisticsBytes;

    /// <summary>Peak heap during an over-the-air update.</summary>
    public long UpdatePeakBytes => ResidentBytes + UpdateExtraBytes;

    /// <summary>Heap bytes of weight storage per weight (the table's packed SWAR copy: at least 8/3 for three rows per
    /// 64-bit word, more where a row group has empty lanes, 4 for two-lane layers; 1 for int8 rows, plus the array
    /// headers).</summary>
    public double BytesPerWeight => Weights == 0 ? 0 : WeightStorageBytes / (double)Weights;

    /// <summary>Computes the figures.</summary>
    /// <param name="model">The model.</param>
    /// <param name="blobBytes">The model's .emm blob.</param>
    /// <param name="inCode">Per layer: weights compiled into <paramref name="kernel"/> (<c>--weights code</c>); null for none.</param>
    /// <param name="kernel">The generated kernel the firmware runs the table with, or null.</param>
    /// <param name="int8Dense">The table keeps Dense layers' int8 rows unpacked (<c>--weights int8</c>).</param>
    /// <returns>The memory figures.</returns>
    public static DeviceMemory Of(ModelDefinition model, byte[] blobBytes, bool[]? inCode = null, ISpecializedKernel? kernel = null, bool int8Dense = false)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(blobBytes);
        ModelDefinition table = SwarPacker.PackModel(model, inCode, int8Dense);
        var classifier = new Classifier(table, kernel);
        ModelBlob blob = ModelBlobReader.Read(blobBytes);
        var statistics = new DeviceStatistics(blob, 1u);
        long packed = classifier.Layers.Sum(l => (long)l.HeapBytes);
        long update = HeapSize.Array(blobBytes.Length, 1) + blob.HeapBytes + new Classifier(blob.Model).HeapBytes;
        long weights = model.Layers.Sum(l => (long)(l.Weights?.Length ?? 0));
        long storage = table.Layers.Sum(l => (long)HeapSize.Of(l.Weights) + HeapSize.Of(l.PackedWeights));
        return new DeviceMemory(table.HeapBytes, classifier.HeapBytes, packed, classifier.ActivationBytes, statistics.HeapBytes, update, storage, weights);
    }
}
