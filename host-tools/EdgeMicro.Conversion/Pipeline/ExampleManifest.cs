using System.Text.Json;
using EdgeMicro.Data;

namespace EdgeMicro.Conversion.Pipeline;

/// <summary>
/// A JSON list of example models and how to convert them (<c>models/examples.json</c>): name, model, calibration,
/// test, normalization and input layout, paths relative to the manifest. Used by <c>edgemicro bench</c>.
/// </summary>
public static class ExampleManifest
{
    /// <summary>Reads the manifest into convert options (output directories under <paramref name="outputRoot"/>).</summary>
    /// <param name="path">Manifest path.</param>
    /// <param name="outputRoot">Where each example's output directory goes.</param>
    /// <returns>Options per example.</returns>
    public static IReadOnlyList<ConvertOptions> Load(string path, string outputRoot)
    {
        InputFiles.RequireFile(path, "--manifest");

        string dir = Path.GetDirectoryName(Path.GetFullPath(path))!;
        try
        {
            using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(path));
            var result = new List<ConvertOptions>();
            foreach (JsonElement e in doc.RootElement.GetProperty("examples").EnumerateArray())
            {
                string name = e.GetProperty("name").GetString()!;
                result.Add(new ConvertOptions
                {
                    Name = name,
                    ModelPath = Path.Combine(dir, e.GetProperty("model").GetString()!),
                    CalibrationPath = Path.Combine(dir, e.GetProperty("calibration").GetString()!),
                    TestPath = Optional(e, "test", dir),
                    NormalizationPath = Optional(e, "normalization", dir),
                    InputLayout = e.TryGetProperty("input_layout", out JsonElement l) ? l.GetString() : null,
                    OutputDirectory = Path.Combine(outputRoot, name),
                });
            }

            return result;
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InputDataException($"{path}: not a valid example manifest: {ex.Message}", ex);
        }
    }

    private static string? Optional(JsonElement e, string key, string dir) =>
        e.TryGetProperty(key, out JsonElement v) && v.GetString() is { } s ? Path.Combine(dir, s) : null;
}
