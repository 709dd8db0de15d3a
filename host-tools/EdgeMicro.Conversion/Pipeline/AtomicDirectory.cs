using EdgeMicro.Data;

namespace EdgeMicro.Conversion.Pipeline;

/// <summary>
/// Writes a set of files as a directory that appears complete or not at all: files go to a hidden sibling staging
/// directory, which is renamed into place at the end (an existing directory is moved aside first and deleted after).
/// A failure before <see cref="Commit"/> leaves no partial directory.
/// </summary>
public sealed class AtomicDirectory : IDisposable
{
    private readonly string _target;
    private readonly string _staging;
    private bool _committed;

    /// <summary>Initializes a new instance of the <see cref="AtomicDirectory"/> class.</summary>
    /// <param name="target">Final directory path.</param>
    public AtomicDirectory(string target)
    {
        _target = Path.GetFullPath(target);
        string parent = Path.GetDirectoryName(_target) ?? throw new InputDataException($"{target}: invalid output directory");
        if (File.Exists(_target))
        {
            throw new InputDataException($"{target}: exists and is a file, not a directory");
        }

        try
        {
            Directory.CreateDirectory(parent);
            _staging = Path.Combine(parent, "." + Path.GetFileName(_target) + ".staging-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(_staging);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"{target}: cannot create output directory: {e.Message}", e);
        }
    }

    /// <summary>Writes a text file into the staging directory.</summary>
    /// <param name="name">File name.</param>
    /// <param name="text">Content (UTF-8, no BOM).</param>
    public void WriteText(string name, string text) => File.WriteAllText(Path.Combine(_staging, name), text);

    /// <summary>Writes a binary file into the staging directory.</summary>
    /// <param name="name">File name.</param>
    /// <param name="bytes">Content.</param>
    public void WriteBytes(string name, byte[] bytes) => File.WriteAllBytes(Path.Combine(_staging, name), bytes);

    /// <summary>Moves the staging directory into place.</summary>
    public void Commit()
    {
        string? aside = null;
        if (Directory.Exists(_target))
        {
            aside = _staging + ".old";
            Directory.Move(_target, aside);
        }

        try
        {
            Directory.Move(_staging, _target);
        }
        catch (Exception) when (aside != null)
        {
            Directory.Move(aside, _target); // put the previous output back: never leave the user with none
            throw;
        }

        _committed = true;
        if (aside != null)
        {
            Directory.Delete(aside, recursive: true);
        }
    }

    /// <summary>Deletes the staging directory when not committed.</summary>
    public void Dispose()
    {
        if (!_committed && Directory.Exists(_staging))
        {
            Directory.Delete(_staging, recursive: true);
        }
    }
}
