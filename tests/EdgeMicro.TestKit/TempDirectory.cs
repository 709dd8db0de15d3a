namespace EdgeMicro.TestKit;

/// <summary>A fresh directory under the system temp path, deleted on dispose.</summary>
public sealed class TempDirectory : IDisposable
{
    /// <summary>Initializes a new instance of the <see cref="TempDirectory"/> class.</summary>
    /// <param name="prefix">Name prefix.</param>
    public TempDirectory(string prefix = "edgemicro-tests")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), prefix + "-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path);
    }

    /// <summary>Absolute path.</summary>
    public string Path { get; }

    /// <summary>Joins a relative path onto <see cref="Path"/>.</summary>
    /// <param name="parts">Parts.</param>
    /// <returns>The path.</returns>
    public string Combine(params string[] parts) => System.IO.Path.Combine([Path, .. parts]);

    /// <summary>Writes a text file (LF line ends).</summary>
    /// <param name="name">File name.</param>
    /// <param name="lines">Lines.</param>
    /// <returns>Its path.</returns>
    public string WriteLines(string name, params string[] lines)
    {
        string path = Combine(name);
        File.WriteAllText(path, string.Join("\n", lines) + "\n");
        return path;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover temp directory must not fail a test.
        }
    }
}
