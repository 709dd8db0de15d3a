using System.Text.Json;

namespace EdgeMicro.Data;

/// <summary>
/// A class hierarchy: annotators pick the most specific (fine) label they can, the deployed model predicts merged
/// classes. The file is one JSON object mapping each fine label to a deployed class name, e.g.
/// <c>{ "tabby": "cat", "siamese": "cat", "beagle": "dog" }</c> (comments allowed). A deployed class name is always
/// accepted as a label of itself. Every defect is an <see cref="InputDataException"/> naming file:line:column.
/// <c>convert --ontology</c> takes the model's class names from it (<see cref="DeployedClasses"/>): the deployed
/// classes in the order they first appear as values, so list them first as labels of themselves, e.g.
/// <c>{ "cat": "cat", "dog": "dog", "tabby": "cat" }</c>. Shared by convert (EdgeMicro.Conversion) and the Fleet's
/// balance and label import, so it lives here.
/// </summary>
public sealed class ClassOntology
{
    private readonly Dictionary<string, int> _fine;

    private ClassOntology(IReadOnlyList<string> classes, Dictionary<string, int> fine, string? path)
    {
        Classes = classes;
        _fine = fine;
        Path = path;
    }

    /// <summary>Gets the deployed class names (the model's).</summary>
    public IReadOnlyList<string> Classes { get; }

    /// <summary>Gets the file the ontology came from (null for the flat one).</summary>
    public string? Path { get; }

    /// <summary>Gets the fine labels, each with its deployed class index, in file order.</summary>
    public IEnumerable<KeyValuePair<string, int>> FineLabels => _fine;

    /// <summary>The flat ontology: only the model's class names.</summary>
    /// <param name="classes">Deployed class names.</param>
    /// <returns>The ontology.</returns>
    public static ClassOntology Flat(IReadOnlyList<string> classes) => new(classes, new Dictionary<string, int>(StringComparer.Ordinal), null);

    /// <summary>Reads and validates a hierarchy file against the model's classes.</summary>
    /// <param name="path">JSON file.</param>
    /// <param name="classes">Deployed class names.</param>
    /// <returns>The ontology.</returns>
    public static ClassOntology Load(string path, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        InputFiles.RequireFile(path, "--ontology");
        byte[] bytes = File.ReadAllBytes(path);
        var fine = new Dictionary<string, int>(StringComparer.Ordinal);
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Error(path, bytes, reader.TokenStartIndex, "expected one JSON object mapping fine labels to deployed classes, e.g. {\"tabby\": \"cat\"}");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                long at = reader.TokenStartIndex;
                string label = reader.GetString()!.Trim();
                reader.Read();
                long valueAt = reader.TokenStartIndex;
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw Error(path, bytes, valueAt, $"fine label '{label}' must map to a deployed class name (a string)");
                }

                string deployed = reader.GetString()!.Trim();
                int k = IndexOf(classes, deployed);
                if (k < 0)
                {
                    throw Error(path, bytes, valueAt, $"'{deployed}' (for fine label '{label}') is not one of the model's classes ({string.Join(", ", classes)})");
                }

                int own = IndexOf(classes, label);
                if (label.Length == 0 || label.IndexOfAny([',', '"', '\n', '\r']) >= 0)
                {
                    throw Error(path, bytes, at, $"fine label '{label}' is empty or holds a comma, quote or line break");
                }

                if (own >= 0 && own != k)
                {
                    throw Error(path, bytes, at, $"fine label '{label}' is itself a deployed class, it cannot map to '{deployed}'");
                }

                if (!fine.TryAdd(label, k))
                {
                    throw Error(path, bytes, at, $"fine label '{label}' is listed twice");
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject)
            {
                throw Error(path, bytes, reader.TokenStartIndex, "expected one JSON object mapping fine labels to deployed classes, e.g. {\"tabby\": \"cat\"}");
            }
        }
        catch (JsonException e)
        {
            throw new InputDataException($"{path}:{e.LineNumber + 1}:{e.BytePositionInLine + 1}: not valid JSON: {e.Message}", e);
        }

        return new ClassOntology(classes, fine, path);
    }

    /// <summary>The deployed class names of a hierarchy file, in the order they first appear as values (the model's
    /// class order for <c>convert --ontology</c>); the file is then checked whole by <see cref="Load"/>.</summary>
    /// <param name="path">JSON file.</param>
    /// <returns>The deployed classes.</returns>
    public static IReadOnlyList<string> DeployedClasses(string path)
    {
        InputFiles.RequireFile(path, "--ontology");
        byte[] bytes = File.ReadAllBytes(path);
        var classes = new List<string>();
        var reader = new Utf8JsonReader(bytes, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw Error(path, bytes, reader.TokenStartIndex, "expected one JSON object mapping fine labels to deployed classes, e.g. {\"tabby\": \"cat\"}");
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string label = reader.GetString()!.Trim();
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw Error(path, bytes, reader.TokenStartIndex, $"fine label '{label}' must map to a deployed class name (a string)");
                }

                string deployed = reader.GetString()!.Trim();
                if (deployed.Length == 0 || deployed.IndexOfAny([',', '"', '\n', '\r']) >= 0)
                {
                    throw Error(path, bytes, reader.TokenStartIndex, $"deployed class '{deployed}' (for fine label '{label}') is empty or holds a comma, quote or line break");
                }

                if (IndexOf(classes, deployed) < 0)
                {
                    classes.Add(deployed);
                }
            }
        }
        catch (JsonException e)
        {
            throw new InputDataException($"{path}:{e.LineNumber + 1}:{e.BytePositionInLine + 1}: not valid JSON: {e.Message}", e);
        }

        return classes;
    }

    /// <summary>Resolves a label as an annotator wrote it: a fine label, a deployed class name, or a class index.</summary>
    /// <param name="label">The cell (trimmed).</param>
    /// <param name="deployed">The deployed class index.</param>
    /// <param name="fineLabel">The fine label, or empty when the annotator gave the deployed class.</param>
    /// <returns>True when the label is known.</returns>
    public bool TryResolve(string label, out int deployed, out string fineLabel)
    {
        ArgumentNullException.ThrowIfNull(label);
        fineLabel = string.Empty;
        deployed = IndexOf(Classes, label);
        if (deployed >= 0)
        {
            return true;
        }

        if (_fine.TryGetValue(label, out deployed))
        {
            fineLabel = label;
            return true;
        }

        if (int.TryParse(label, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out deployed) && deployed < Classes.Count)
        {
            return true;
        }

        deployed = -1;
        return false;
    }

    /// <summary>The labels an annotator may use, for error messages.</summary>
    /// <returns>Text.</returns>
    public string Describe() => _fine.Count == 0
        ? "the model's classes: " + string.Join(", ", Classes)
        : $"the model's classes ({string.Join(", ", Classes)}) or the fine labels of {Path} ({string.Join(", ", _fine.Keys)})";

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (int i = 0; i < names.Count; i++)
        {
            if (string.Equals(names[i], name, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }

    private static InputDataException Error(string path, byte[] bytes, long offset, string message)
    {
        int line = 1, column = 1;
        for (long i = 0; i < offset && i < bytes.Length; i++)
        {
            if (bytes[i] == (byte)'\n')
            {
                line++;
                column = 1;
            }
            else if ((bytes[i] & 0xC0) != 0x80)
            {
                column++;
            }
        }

        return new InputDataException($"{path}:{line}:{column}: {message}");
    }
}
