using System.Text.Json;

namespace EdgeMicro.Data;

/// <summary>
/// Per-feature standardization x_norm = (x - mean) / std (scikit-learn StandardScaler convention), applied to the
/// raw CSV features before the input layout. The converter folds it into the model's input quantizer, so the device
/// feeds raw sensor values.
/// </summary>
/// <param name="Mean">Mean per feature.</param>
/// <param name="Std">Standard deviation per feature (non-zero).</param>
public sealed record Normalization(double[] Mean, double[] Std)
{
    /// <summary>The identity (no normalization) for n features.</summary>
    /// <param name="n">Feature count.</param>
    /// <returns>Mean 0, std 1.</returns>
    public static Normalization Identity(int n) => new(new double[n], Enumerable.Repeat(1.0, n).ToArray());

    /// <summary>Reads a JSON file with "mean" and "std" arrays.</summary>
    /// <param name="path">The file.</param>
    /// <param name="featureCount">Expected number of features.</param>
    /// <returns>The normalization.</returns>
    public static Normalization Load(string path, int featureCount)
    {
        InputFiles.RequireFile(path, "normalization JSON");
        return Parse(File.ReadAllText(path), path, featureCount);
    }

    /// <summary>Parses normalization JSON text (what <see cref="Load"/> reads from a file).</summary>
    /// <param name="json">The JSON text.</param>
    /// <param name="path">The file it came from, for messages.</param>
    /// <param name="featureCount">Expected number of features.</param>
    /// <returns>The normalization.</returns>
    /// <exception cref="InputDataException">The text is not valid normalization JSON.</exception>
    public static Normalization Parse(string json, string path, int featureCount)
    {
        try
        {
            using JsonDocument doc = JsonDocument.Parse(json);
            double[] mean = ReadArray(doc.RootElement, "mean", path);
            double[] std = ReadArray(doc.RootElement, "std", path);
            if (mean.Length != featureCount || std.Length != featureCount)
            {
                throw new InputDataException($"{path}: mean has {mean.Length} and std {std.Length} values, the data has {featureCount} features");
            }

            int bad = Array.FindIndex(std, s => !(s > 0) || !double.IsFinite(s));
            if (bad >= 0)
            {
                throw new InputDataException($"{path}: std[{bad}] = {std[bad]} must be a positive number");
            }

            return new Normalization(mean, std);
        }
        catch (JsonException e)
        {
            throw new InputDataException($"{path}:{e.LineNumber + 1}:{e.BytePositionInLine + 1}: invalid JSON: {e.Message}", e);
        }
    }

    /// <summary>Checks that every mean fits the device's raw input: int32 in Q(<paramref name="fractionBits"/>) fixed point
    /// (the converter folds the mean into an int32 input offset).</summary>
    /// <param name="fractionBits">Fraction bits of the raw samples.</param>
    /// <param name="source">The normalization file, for messages.</param>
    /// <exception cref="InputDataException">A mean cannot be represented.</exception>
    public void CheckFixedPoint(int fractionBits, string source)
    {
        double unit = Math.Pow(2, fractionBits);
        int bad = Array.FindIndex(Mean, m => !(Math.Abs(Math.Round(m * unit)) < int.MaxValue));
        if (bad >= 0)
        {
            throw new InputDataException($"{source}: mean[{bad}] = {Mean[bad]:G6} cannot be represented: the device takes raw features as int32 Q{fractionBits} fixed point (|mean| < {int.MaxValue / unit:G6})");
        }
    }

    /// <summary>Applies the standardization to one raw sample.</summary>
    /// <param name="raw">Raw features.</param>
    /// <returns>Standardized features.</returns>
    public double[] Apply(double[] raw)
    {
        var result = new double[raw.Length];
        for (int i = 0; i < raw.Length; i++)
        {
            result[i] = (raw[i] - Mean[i]) / Std[i];
        }

        return result;
    }

    private static double[] ReadArray(JsonElement root, string name, string path)
    {
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty(name, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new InputDataException($"{path}: expected an object with a numeric array '{name}'");
        }

        return array.EnumerateArray().Select((e, i) => e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double v) && double.IsFinite(v)
            ? v
            : throw new InputDataException($"{path}: {name}[{i}] = {e.GetRawText()} is not a finite number")).ToArray();
    }
}
