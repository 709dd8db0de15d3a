using EdgeMicro.Core.Device.Ports;


namespace EdgeMicro.Device.Simulation;

/// <summary>The device's <c>I:\</c> drive mapped to a directory (one per virtual device).</summary>
public sealed class DirectoryStorage : IModelStorage
{
    /// <summary>Creates the directory if needed.</summary>
    /// <param name="directory">Directory standing for I:\.</param>
    public DirectoryStorage(string directory)
    {
        Directory = System.IO.Directory.CreateDirectory(directory).FullName;
    }

    /// <summary>The directory.</summary>
    public string Directory { get; }

    /// <inheritdoc/>
    public bool Exists(string name) => File.Exists(PathOf(name));

    /// <inheritdoc/>
    public byte[] Read(string name) => File.ReadAllBytes(PathOf(name));

    /// <inheritdoc/>
    public void Write(string name, byte[] data, int offset, int count)
    {
        using var f = new FileStream(PathOf(name), FileMode.Create, FileAccess.Write);
        f.Write(data, offset, count);
        f.Flush(flushToDisk: true);
    }

    /// <inheritdoc/>
    public void Append(string name, byte[] data, int offset, int count)
    {
        using var f = new FileStream(PathOf(name), FileMode.Append, FileAccess.Write);
        f.Write(data, offset, count);
        f.Flush(flushToDisk: true);
    }

    /// <inheritdoc/>
    public void Delete(string name) => File.Delete(PathOf(name));

    /// <inheritdoc/>
    public void Rename(string from, string to) => File.Move(PathOf(from), PathOf(to), overwrite: false);

    private string PathOf(string name)
    {
        if (name.Length == 0 || name.IndexOfAny(['/', '\\', ':']) >= 0 || name is "." or "..")
        {
            throw new ArgumentException("Storage names are plain file names: " + name, nameof(name));
        }

        return Path.Combine(Directory, name);
    }
}
