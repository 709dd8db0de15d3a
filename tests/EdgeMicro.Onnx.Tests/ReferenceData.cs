using System.Globalization;

namespace EdgeMicro.Onnx.Tests;

/// <summary>reference_inputs.csv / reference_outputs.csv of a devkit model (columns test_row, source_row, label, values...).</summary>
internal sealed class ReferenceData
{
    private ReferenceData(float[][] inputs, float[][] outputs)
    {
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>Input tensors, flattened in C order.</summary>
    public float[][] Inputs { get; }

    /// <summary>Expected graph outputs.</summary>
    public float[][] Outputs { get; }

    /// <summary>Loads both files of a model directory.</summary>
    /// <param name="modelDir">Model directory.</param>
    /// <returns>The data.</returns>
    public static ReferenceData Load(string modelDir)
    {
        float[][] inputs = ReadValues(Path.Combine(modelDir, "reference_inputs.csv"));
        float[][] outputs = ReadValues(Path.Combine(modelDir, "reference_outputs.csv"));
        if (inputs.Length != outputs.Length || inputs.Length == 0)
        {
            throw new InvalidDataException($"{modelDir}: {inputs.Length} input rows, {outputs.Length} output rows.");
        }

        return new ReferenceData(inputs, outputs);
    }

    private static float[][] ReadValues(string path)
    {
        string[] lines = File.ReadAllLines(path).Where(l => l.Length > 0).ToArray();
        string[] header = lines[0].Split(',');
        if (header.Length < 4 || header[0] != "test_row" || header[1] != "source_row" || header[2] != "label")
        {
            throw new InvalidDataException($"{path}: unexpected header {lines[0]}");
        }

        return lines.Skip(1)
            .Select(l => l.Split(',').Skip(3).Select(v => float.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
    }
}
