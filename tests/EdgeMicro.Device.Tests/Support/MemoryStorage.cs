using EdgeMicro.Core.Device.Ports;


namespace EdgeMicro.Device.Tests.Support;

/// <summary>
/// In-memory <see cref="IModelStorage"/> with power-cut injection: when armed with <see cref="FailAt"/> = k, the k-th
/// mutating operation (write, append, delete, rename; counted from 1) fails and so does everything after it, as if
/// power had gone. A failing write or append leaves a torn file: the first <see cref="TornBytes"/> of the new bytes
/// (half when negative), as flash may. Renames and deletes are atomic (littlefs) unless <see cref="NonAtomic"/>: then
/// a cut rename leaves the source and a torn copy at the target, and a cut delete leaves the file torn.
/// <see cref="Reboot"/> restores power with the files as they are.
/// </summary>
public sealed class MemoryStorage : IModelStorage
{
    private readonly Dictionary<string, byte[]> _files = new(StringComparer.Ordinal);

    /// <summary>Mutating operation that fails (1-based), or 0 for never.</summary>
    public int FailAt { get; set; }

    /// <summary>Mutating operations attempted since the last reset.</summary>
    public int Mutations { get; private set; }

    /// <summary>Bytes a cut write, append, non-atomic rename or delete keeps of the new content (negative: half).</summary>
    public int TornBytes { get; set; } = -1;

    /// <summary>Whether renames and deletes cut by power leave partial results (FAT-like storage).</summary>
    public bool NonAtomic { get; set; }

    /// <summary>True once the injected failure happened.</summary>
    public bool PoweredOff { get; private set; }

    public IReadOnlyCollection<string> Names => _files.Keys;

    public byte[] this[string name] => _files[name];

    public void Reboot()
    {
        PoweredOff = false;
        FailAt = 0;
        Mutations = 0;
    }

    /// <summary>Restores power and arms the next cut at the k-th mutation from now (0: none).</summary>
    public void RebootAndCutAt(int k)
    {
        Reboot();
        FailAt = k;
    }

    public void ResetCounter() => Mutations = 0;

    public MemoryStorage Clone()
    {
        var copy = new MemoryStorage { TornBytes = TornBytes, NonAtomic = NonAtomic };
        foreach (KeyValuePair<string, byte[]> f in _files)
        {
            copy._files[f.Key] = (byte[])f.Value.Clone();
        }

        return copy;
    }

    public bool Exists(string name)
    {
        ThrowIfOff();
        return _files.ContainsKey(name);
    }

    public byte[] Read(string name)
    {
        ThrowIfOff();
        return _files.TryGetValue(name, out byte[]? data) ? (byte[])data.Clone() : throw new IOException(name + " not found");
    }

    public void Write(string name, byte[] data, int offset, int count)
    {
        if (Cut())
        {
            _files[name] = data.AsSpan(offset, Kept(count)).ToArray();
            throw new IOException("power cut during write of " + name);
        }

        _files[name] = data.AsSpan(offset, count).ToArray();
    }

    public void Append(string name, byte[] data, int offset, int count)
    {
        byte[] old = _files.TryGetValue(name, out byte[]? existing) ? existing : [];
        bool cut = Cut();
        int n = cut ? Kept(count) : count;
        _files[name] = [.. old, .. data.AsSpan(offset, n)];
        if (cut)
        {
            throw new IOException("power cut during append to " + name);
        }
    }

    public void Delete(string name)
    {
        if (Cut())
        {
            if (NonAtomic && _files.TryGetValue(name, out byte[]? old))
            {
                _files[name] = old[..Kept(old.Length)];
            }

            throw new IOException("power cut during delete of " + name);
        }

        _files.Remove(name);
    }

    public void Rename(string from, string to)
    {
        if (Cut())
        {
            if (NonAtomic && _files.TryGetValue(from, out byte[]? src) && !_files.ContainsKey(to))
            {
                _files[to] = src[..Kept(src.Length)];
            }

            throw new IOException("power cut during rename of " + from);
        }

        if (_files.ContainsKey(to) || !_files.Remove(from, out byte[]? data))
        {
            throw new IOException("cannot rename " + from + " to " + to);
        }

        _files[to] = data;
    }

    private int Kept(int count) => TornBytes < 0 ? count / 2 : Math.Min(TornBytes, count);

    private bool Cut()
    {
        ThrowIfOff();
        Mutations++;
        if (FailAt > 0 && Mutations >= FailAt)
        {
            PoweredOff = true;
            return true;
        }

        return false;
    }

    private void ThrowIfOff()
    {
        if (PoweredOff)
        {
            throw new IOException("no power");
        }
    }
}
