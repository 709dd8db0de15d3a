using System.Reflection;
using System.Runtime.Loader;

namespace EdgeMicro.IlCounting;

/// <summary>
/// Collectible load context holding the instrumented images. A reference to any assembly in the set (by simple
/// name, version ignored) resolves to the instrumented copy; every other reference falls back to the default
/// context.
/// </summary>
internal sealed class InstrumentedLoadContext : AssemblyLoadContext
{
    private readonly IReadOnlyDictionary<string, byte[]> _images;
    private readonly Dictionary<string, Assembly> _loaded = new(StringComparer.OrdinalIgnoreCase);
    private readonly object _gate = new();

    /// <summary>Creates the context over instrumented images keyed by assembly simple name.</summary>
    internal InstrumentedLoadContext(IReadOnlyDictionary<string, byte[]> images)
        : base("EdgeMicro.IlCounting#" + Guid.NewGuid().ToString("N"), isCollectible: true)
    {
        _images = images;
    }

    /// <summary>Returns the instrumented assembly named <paramref name="simpleName"/>, loading it on first use.</summary>
    internal Assembly LoadInstrumented(string simpleName)
    {
        lock (_gate)
        {
            if (_loaded.TryGetValue(simpleName, out var assembly))
            {
                return assembly;
            }

            using var stream = new MemoryStream(_images[simpleName], writable: false);
            assembly = LoadFromStream(stream);
            _loaded.Add(simpleName, assembly);
            return assembly;
        }
    }

    /// <inheritdoc />
    protected override Assembly? Load(AssemblyName assemblyName)
    {
        var name = assemblyName.Name;
        return name is not null && _images.ContainsKey(name) ? LoadInstrumented(name) : null;
    }
}
