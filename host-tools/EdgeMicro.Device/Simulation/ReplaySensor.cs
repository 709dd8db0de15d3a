using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Data;

namespace EdgeMicro.Device.Simulation;

/// <summary>
/// Replays CSV rows (physical units, model-input column order, optional label column) as sensor samples, converted
/// to fixed point exactly as the host twin does (<see cref="RawSamples.ToFixed(double[], int)"/>). When the file has
/// labels and <see cref="PressLabels"/> is set, each row's label is given as if a person pressed the label button
/// after that sample (<see cref="ILabelInput"/>).
/// </summary>
public sealed class ReplaySensor : ISensor, ILabelInput
{
    private readonly LabeledDataset _data;
    private readonly bool _loop;
    private int _next;
    private int _pendingLabel = -1;

    /// <summary>Loads the rows.</summary>
    /// <param name="csvPath">CSV file.</param>
    /// <param name="classCount">Class count of the model (validates labels).</param>
    /// <param name="loop">Start over at the end instead of finishing.</param>
    /// <param name="labelColumn">Label column name.</param>
    /// <param name="featureCount">Features the device's model takes (checked on the CSV header), or -1.</param>
    public ReplaySensor(string csvPath, int classCount, bool loop, string labelColumn = "label", int featureCount = -1)
    {
        _data = CsvDatasetReader.Read(csvPath, labelColumn, null, classCount, requireLabels: false, expectedFeatures: featureCount);
        _loop = loop;
        if (_data.Count == 0)
        {
            throw new InputDataException($"{csvPath} has no rows.");
        }
    }

    /// <summary>Give labelled rows' labels as button presses.</summary>
    public bool PressLabels { get; init; } = true;

    /// <summary>Rows in the file.</summary>
    public int RowCount => _data.Count;

    /// <summary>Rows read so far.</summary>
    public int Reads { get; private set; }

    /// <summary>True when every row was read and looping is off.</summary>
    public bool Finished => !_loop && _next >= _data.Count;

    /// <inheritdoc/>
    public int FeatureCount => _data.FeatureCount;

    /// <summary>The replayed rows (physical units).</summary>
    public LabeledDataset Data => _data;

    /// <inheritdoc/>
    public bool Read(int[] sample, int fractionBits)
    {
        if (Finished)
        {
            return false;
        }

        int row = _next++ % _data.Count;
        double[] values = _data.Features[row];
        for (int i = 0; i < sample.Length; i++)
        {
            sample[i] = RawSamples.ToFixed(values[i], fractionBits);
        }

        _pendingLabel = PressLabels ? _data.Labels[row] : -1;
        Reads++;
        return true;
    }

    /// <inheritdoc/>
    public int Poll(long nowMs)
    {
        int label = _pendingLabel;
        _pendingLabel = -1;
        return label;
    }
}
