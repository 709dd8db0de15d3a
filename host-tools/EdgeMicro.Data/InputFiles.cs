namespace EdgeMicro.Data;

/// <summary>
/// Checks a command makes on its input paths before any work (connecting, uploading, calibrating, writing), each
/// failure one <see cref="InputDataException"/> naming the option and the path.
/// </summary>
public static class InputFiles
{
    /// <summary>Requires an existing, readable regular file.</summary>
    /// <param name="path">The path given.</param>
    /// <param name="option">The option or argument that gave it, e.g. "--config".</param>
    /// <returns>The path.</returns>
    /// <exception cref="InputDataException">Missing, a directory, or unreadable.</exception>
    public static string RequireFile(string path, string option)
    {
        if (Directory.Exists(path))
        {
            throw new InputDataException($"{path}: is a directory, not a file ({option})");
        }

        if (!File.Exists(path))
        {
            throw new InputDataException($"{path}: no such file ({option})");
        }

        try
        {
            using FileStream probe = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"{path}: cannot read ({option}): {e.Message}", e);
        }

        return path;
    }

    /// <summary>Requires an existing directory.</summary>
    /// <param name="path">The path given.</param>
    /// <param name="option">The option or argument that gave it.</param>
    /// <returns>The path.</returns>
    /// <exception cref="InputDataException">Missing or a file.</exception>
    public static string RequireDirectory(string path, string option)
    {
        if (File.Exists(path))
        {
            throw new InputDataException($"{path}: is a file, not a directory ({option})");
        }

        if (!Directory.Exists(path))
        {
            throw new InputDataException($"{path}: no such directory ({option})");
        }

        return path;
    }

    /// <summary>Requires that a path for a new or existing output file is not a directory and its folder exists or can be made.</summary>
    /// <param name="path">The path given.</param>
    /// <param name="option">The option that gave it.</param>
    /// <returns>The path.</returns>
    /// <exception cref="InputDataException">A directory stands there.</exception>
    public static string RequireFilePath(string path, string option)
    {
        if (Directory.Exists(path))
        {
            throw new InputDataException($"{path}: is a directory; {option} names a file");
        }

        return path;
    }
}
