using System.Security.Cryptography;
using System.Text.Json;

namespace EdgeMicro.Data;

/// <summary>
/// Writes a command's output files into a directory without ever deleting or overwriting what the command did not
/// create. Files are written to a hidden sibling staging directory first, so a failure leaves no partial output.
/// <list type="bullet">
/// <item>A new (or empty) directory receives the staged directory by one rename.</item>
/// <item>A directory this tool wrote before (it holds <see cref="ManifestName"/>, listing each file with its SHA-256)
/// is updated: its own files are replaced, the ones the new output no longer has are removed, anything else in it
/// (files the user added) is left as it is. When it holds only its own files the swap is one rename.</item>
/// <item>Any other non-empty directory is refused, before any work starts (<see cref="Check"/>); with
/// <c>force</c> the files are added beside the user's, and still never over a file the tool did not write.</item>
/// <item>An own file the user edited since (its hash differs) is replaced only with <c>force</c>.</item>
/// </list>
/// </summary>
public sealed class OutputDirectory : IDisposable
{
    /// <summary>The manifest a command leaves in its output directory: what it wrote, with SHA-256 hashes.</summary>
    public const string ManifestName = "edgemicro-output.json";

    private readonly string _target;
    private readonly string _staging;
    private readonly string _writer;
    private readonly bool _force;
    private readonly Dictionary<string, string> _written = new(StringComparer.Ordinal);

    /// <summary>Initializes a new instance of the <see cref="OutputDirectory"/> class (checks the target first).</summary>
    /// <param name="target">Output directory.</param>
    /// <param name="writer">What writes it, e.g. "edgemicro convert" (recorded in the manifest).</param>
    /// <param name="names">The file names that will be written (checked against the target now).</param>
    /// <param name="force">Write beside foreign files and replace own files the user edited.</param>
    /// <exception cref="InputDataException">The target cannot take the output.</exception>
    public OutputDirectory(string target, string writer, IReadOnlyCollection<string> names, bool force)
    {
        Check(target, names, force);
        _target = Path.GetFullPath(target);
        _writer = writer;
        _force = force;
        string parent = Path.GetDirectoryName(_target.TrimEnd(Path.DirectorySeparatorChar)) ?? throw new InputDataException($"{target}: invalid output directory");
        try
        {
            Directory.CreateDirectory(parent);
            _staging = Path.Combine(parent, "." + Path.GetFileName(_target.TrimEnd(Path.DirectorySeparatorChar)) + ".staging-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(_staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"{target}: cannot create output directory: {e.Message}", e);
        }
    }

    /// <summary>
    /// Checks, before any work, that <paramref name="names"/> can be written into <paramref name="target"/> under the
    /// rules above.
    /// </summary>
    /// <param name="target">Output directory.</param>
    /// <param name="names">File names to be written.</param>
    /// <param name="force">See the class summary.</param>
    /// <exception cref="InputDataException">One line saying what is in the way and what to do.</exception>
    public static void Check(string target, IReadOnlyCollection<string> names, bool force)
    {
        if (File.Exists(target))
        {
            throw new InputDataException($"{target}: exists and is a file, not a directory (choose a directory for the output)");
        }

        if (!Directory.Exists(target))
        {
            return;
        }

        Dictionary<string, string>? own = ReadManifest(target);
        string[] foreign = [.. Directory.EnumerateFileSystemEntries(target).Select(Path.GetFileName).OfType<string>()
            .Where(n => n != ManifestName && (own == null || !own.ContainsKey(n))).Order(StringComparer.Ordinal)];
        if (own == null && foreign.Length > 0 && !force)
        {
            throw new InputDataException(
                $"{target}: exists and holds {foreign.Length} entr{(foreign.Length == 1 ? "y" : "ies")} EdgeMicro did not write (e.g. '{foreign[0]}'); nothing was changed. " +
                "Choose a new or empty directory, or add --force to write EdgeMicro's files beside them (yours are never replaced)");
        }

        string? clash = names.FirstOrDefault(n => foreign.Contains(n, StringComparer.Ordinal));
        if (clash != null)
        {
            throw new InputDataException($"{Path.Combine(target, clash)}: exists and was not written by EdgeMicro; it is not replaced (move it, or choose another output directory)");
        }

        if (own != null && !force)
        {
            string? edited = names.FirstOrDefault(n => own.TryGetValue(n, out string? hash) && File.Exists(Path.Combine(target, n)) && Hash(File.ReadAllBytes(Path.Combine(target, n))) != hash);
            if (edited != null)
            {
                throw new InputDataException($"{Path.Combine(target, edited)}: changed since EdgeMicro wrote it; not replaced (keep a copy elsewhere, or add --force to replace EdgeMicro's own files)");
            }
        }
    }

    /// <summary>Writes a text file into the staging directory.</summary>
    /// <param name="name">File name.</param>
    /// <param name="text">Content (UTF-8, no BOM).</param>
    public void WriteText(string name, string text) => WriteBytes(name, new System.Text.UTF8Encoding(false).GetBytes(text));

    /// <summary>Writes a binary file into the staging directory.</summary>
    /// <param name="name">File name (no directory part).</param>
    /// <param name="bytes">Content.</param>
    public void WriteBytes(string name, byte[] bytes)
    {
        if (name == ManifestName || Path.GetFileName(name) != name)
        {
            throw new ArgumentException($"invalid output file name '{name}'", nameof(name));
        }

        File.WriteAllBytes(Path.Combine(_staging, name), bytes);
        _written[name] = Hash(bytes);
    }

    /// <summary>Moves the staged files into place (see the class summary).</summary>
    public void Commit()
    {
        Check(_target, _written.Keys, _force);
        File.WriteAllText(Path.Combine(_staging, ManifestName), ManifestJson());
        if (!Directory.Exists(_target))
        {
            Directory.Move(_staging, _target);
        }
        else if (OnlyOwnFiles(_target))
        {
            SwapWhole();
        }
        else
        {
            MergeInto();
        }

    }

    /// <summary>Deletes the staging directory when not committed (it holds only what this instance wrote).</summary>
    public void Dispose()
    {
        if (Directory.Exists(_staging))
        {
            Directory.Delete(_staging, recursive: true);
        }
    }

    private static string Hash(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    private static Dictionary<string, string>? ReadManifest(string directory)
    {
        string path = Path.Combine(directory, ManifestName);
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            using JsonDocument json = JsonDocument.Parse(File.ReadAllText(path));
            return json.RootElement.GetProperty("files").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString() ?? string.Empty, StringComparer.Ordinal);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or IOException)
        {
            throw new InputDataException($"{path}: not a readable EdgeMicro output manifest ({e.Message}); nothing was changed (choose another output directory)", e);
        }
    }

    private static bool OnlyOwnFiles(string directory)
    {
        Dictionary<string, string> own = ReadManifest(directory) ?? [];
        return Directory.EnumerateFileSystemEntries(directory).Select(Path.GetFileName).All(n => n == ManifestName || (n != null && own.ContainsKey(n) && File.Exists(Path.Combine(directory, n))));
    }

    private string ManifestJson() => JsonSerializer.Serialize(
        new { written_by = _writer, files = new SortedDictionary<string, string>(_written, StringComparer.Ordinal) },
        new JsonSerializerOptions { WriteIndented = true });

    /// <summary>The target holds nothing but a previous output (or nothing): replace it by one rename.</summary>
    private void SwapWhole()
    {
        string aside = _staging + ".old";
        Directory.Move(_target, aside);
        try
        {
            Directory.Move(_staging, _target);
        }
        catch (Exception)
        {
            Directory.Move(aside, _target); // put the previous output back: never leave the user with none
            throw;
        }

        Directory.Delete(aside, recursive: true); // only files EdgeMicro wrote (checked by OnlyOwnFiles)
    }

    /// <summary>The target holds files of the user too: move each own file in, leave theirs alone.</summary>
    private void MergeInto()
    {
        Dictionary<string, string> previous = ReadManifest(_target) ?? [];
        foreach (string name in _written.Keys)
        {
            File.Move(Path.Combine(_staging, name), Path.Combine(_target, name), overwrite: true);
        }

        foreach ((string name, string hash) in previous)
        {
            string path = Path.Combine(_target, name);
            if (!_written.ContainsKey(name) && File.Exists(path) && (_force || Hash(File.ReadAllBytes(path)) == hash))
            {
                File.Delete(path); // a file of the previous output the new one no longer has
            }
        }

        File.Move(Path.Combine(_staging, ManifestName), Path.Combine(_target, ManifestName), overwrite: true);
        Directory.Delete(_staging);
    }
}
