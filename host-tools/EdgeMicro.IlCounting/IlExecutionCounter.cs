using System.Reflection;
using Mono.Cecil;

namespace EdgeMicro.IlCounting;

/// <summary>
/// Counts executed IL instructions exactly: rewrites assemblies with Mono.Cecil so that every basic block adds
/// its number of original IL instructions to a counter, and loads the rewritten images into a collectible
/// load context.
/// </summary>
/// <remarks>
/// <para><b>Counting rules.</b></para>
/// <list type="bullet">
/// <item>The instructions counted are the IL of the methods with a body in the instrumented assemblies, as
/// compiled (so the count models an IL interpreter such as nanoCLR). Every instruction counts 1, including
/// prefixes (<c>constrained.</c>, <c>volatile.</c>, ...) and <c>nop</c>; the injected probes do not count.</item>
/// <item>A <c>call</c>/<c>callvirt</c>/<c>newobj</c> into an uninstrumented assembly (e.g. the BCL) counts
/// 1 and nothing for the callee; a call into another instrumented assembly also counts the callee's IL.
/// Instrumented code reached from uninstrumented code (a lambda run by LINQ, an override called by the BCL,
/// a static constructor or finalizer run by the runtime) counts like any other method. Compiler-generated
/// methods and types (closures, iterators, <c>&lt;PrivateImplementationDetails&gt;</c>) are counted too.
/// Debug builds contain <c>nop</c>s that count: measure Release builds.</item>
/// <item>Counts are added per basic block when the block is entered. Leaders are: the first instruction,
/// every branch/leave/switch target, the instruction after any branch, switch, ret, throw, rethrow, leave,
/// endfinally or endfilter, and every try start, handler start and filter start (plus try/handler ends).
/// Hence a block interrupted by an exception (e.g. a throwing <c>div</c> or a callee that throws) counts in
/// full: its instructions after the faulting one are counted although they never ran.</item>
/// <item>Counters are plain (non-atomic) <c>long</c> additions: with several threads running instrumented
/// code concurrently, increments can be lost. Measure single-threaded.</item>
/// </list>
/// <para>References between the instrumented assemblies (by simple name) resolve to the instrumented copies,
/// so a generated assembly that calls an instrumented library runs the instrumented library; every other
/// reference resolves from the default load context. Types of the instrumented copies are distinct from those
/// of the same assembly loaded in the default context: call them through reflection or shared interfaces
/// defined in an uninstrumented assembly. C# never emits <c>tail.</c> calls; IL whose <c>tail.</c> call is
/// followed by a <c>ret</c> that is a branch target cannot be instrumented validly.</para>
/// </remarks>
public sealed class IlExecutionCounter : IDisposable
{
    private readonly List<ModuleCounter> _counters = [];
    private InstrumentedLoadContext? _context;

    /// <summary>Instruments the assemblies stored at <paramref name="assemblyPaths"/>.</summary>
    /// <param name="assemblyPaths">Paths of the assemblies to instrument (not modified on disk).</param>
    /// <param name="mode">Whether to keep per-method counts.</param>
    public IlExecutionCounter(IEnumerable<string> assemblyPaths, IlCountingMode mode = IlCountingMode.Total)
        : this(ReadFiles(assemblyPaths), mode)
    {
    }

    /// <summary>Instruments in-memory assembly images.</summary>
    /// <param name="images">
    /// Pairs of assembly simple name and PE image; the name must match the image's assembly name.
    /// </param>
    /// <param name="mode">Whether to keep per-method counts.</param>
    public IlExecutionCounter(
        IEnumerable<(string Name, byte[] Image)> images, IlCountingMode mode = IlCountingMode.Total)
    {
        ArgumentNullException.ThrowIfNull(images);
        Mode = mode;

        var instrumented = new Dictionary<string, byte[]>(StringComparer.OrdinalIgnoreCase);
        var methodNames = new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase);
        var order = new List<string>();
        using (var resolver = new DefaultAssemblyResolver())
        {
            resolver.AddSearchDirectory(Path.GetDirectoryName(typeof(object).Assembly.Location));
            foreach (var (name, image) in images)
            {
                ArgumentNullException.ThrowIfNull(image);
                var (actualName, rewritten, methods) = Rewrite(image, mode, resolver);
                if (!string.Equals(name, actualName, StringComparison.OrdinalIgnoreCase))
                {
                    throw new ArgumentException(
                        $"Image named '{name}' contains assembly '{actualName}'.", nameof(images));
                }

                if (!instrumented.TryAdd(actualName, rewritten))
                {
                    throw new ArgumentException($"Assembly '{actualName}' was given twice.", nameof(images));
                }

                methodNames.Add(actualName, methods);
                order.Add(actualName);
            }
        }

        _context = new InstrumentedLoadContext(instrumented);
        foreach (var name in order)
        {
            var assembly = _context.LoadInstrumented(name);
            var counterType = assembly.GetType(IlInstrumenter.CounterTypeName, throwOnError: true)!;
            _counters.Add(new ModuleCounter(name, counterType, methodNames[name], mode));
        }
    }

    /// <summary>The counting mode chosen at construction.</summary>
    public IlCountingMode Mode { get; }

    /// <summary>Simple names of the instrumented assemblies, in input order.</summary>
    public IReadOnlyList<string> AssemblyNames => _counters.Select(c => c.AssemblyName).ToList();

    /// <summary>
    /// Executed IL instructions summed over all instrumented assemblies since construction or the last
    /// <see cref="Reset"/>.
    /// </summary>
    public long ExecutedInstructions
    {
        get
        {
            ThrowIfDisposed();
            return _counters.Sum(c => c.Read());
        }
    }

    /// <summary>Returns the instrumented copy of the assembly with the given simple name.</summary>
    /// <param name="simpleName">Assembly simple name (case-insensitive), e.g. <c>EdgeMicro.Core</c>.</param>
    /// <exception cref="ArgumentException">The assembly is not one of the instrumented assemblies.</exception>
    public Assembly GetAssembly(string simpleName)
    {
        ArgumentNullException.ThrowIfNull(simpleName);
        var context = ThrowIfDisposed();
        if (!_counters.Any(c => string.Equals(c.AssemblyName, simpleName, StringComparison.OrdinalIgnoreCase)))
        {
            throw new ArgumentException($"'{simpleName}' is not an instrumented assembly.", nameof(simpleName));
        }

        return context.LoadInstrumented(simpleName);
    }

    /// <summary>Sets every counter (total and per-method) back to zero.</summary>
    public void Reset()
    {
        ThrowIfDisposed();
        foreach (var counter in _counters)
        {
            counter.Clear();
        }
    }

    /// <summary>
    /// Executed instructions per method since the last <see cref="Reset"/>, for methods executed at least once.
    /// Keys are <c>[AssemblySimpleName] ReturnType Namespace.Type::Method(ParameterTypes)</c> (Cecil full names).
    /// </summary>
    /// <exception cref="InvalidOperationException">The counter was not created in
    /// <see cref="IlCountingMode.PerMethod"/>.</exception>
    public IReadOnlyDictionary<string, long> PerMethod()
    {
        ThrowIfDisposed();
        if (Mode != IlCountingMode.PerMethod)
        {
            throw new InvalidOperationException("Per-method counts need IlCountingMode.PerMethod.");
        }

        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var counter in _counters)
        {
            counter.AddPerMethod(result);
        }

        return result;
    }

    /// <summary>Unloads the instrumented assemblies (the collectible context is unloaded).</summary>
    public void Dispose()
    {
        var context = _context;
        _context = null;
        _counters.Clear();
        context?.Unload();
    }

    private InstrumentedLoadContext ThrowIfDisposed() =>
        _context ?? throw new ObjectDisposedException(nameof(IlExecutionCounter));

    private static IEnumerable<(string Name, byte[] Image)> ReadFiles(IEnumerable<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        foreach (var path in paths.ToList())
        {
            var image = File.ReadAllBytes(path);
            using var module = ModuleDefinition.ReadModule(new MemoryStream(image));
            yield return (module.Assembly.Name.Name, image);
        }
    }

    private static (string Name, byte[] Image, IReadOnlyList<string> Methods) Rewrite(
        byte[] image, IlCountingMode mode, IAssemblyResolver resolver)
    {
        var parameters = new ReaderParameters(ReadingMode.Immediate) { AssemblyResolver = resolver };
        using var module = ModuleDefinition.ReadModule(new MemoryStream(image, writable: false), parameters);
        if (module.Assembly is null)
        {
            throw new BadImageFormatException("Only assembly manifests can be instrumented, not netmodules.");
        }

        var methods = IlInstrumenter.Instrument(module, mode);
        using var output = new MemoryStream();
        module.Write(output);
        return (module.Assembly.Name.Name, output.ToArray(), methods);
    }

    /// <summary>The injected counter of one loaded instrumented assembly.</summary>
    private sealed class ModuleCounter
    {
        private readonly FieldInfo? _total;
        private readonly long[]? _perMethod;
        private readonly IReadOnlyList<string> _methods;

        internal ModuleCounter(string assemblyName, Type counterType, IReadOnlyList<string> methods, IlCountingMode mode)
        {
            AssemblyName = assemblyName;
            _methods = methods;
            if (mode == IlCountingMode.Total)
            {
                _total = counterType.GetField(IlInstrumenter.TotalFieldName)!;
            }
            else
            {
                _perMethod = (long[])counterType.GetField(IlInstrumenter.PerMethodFieldName)!.GetValue(null)!;
            }
        }

        internal string AssemblyName { get; }

        internal long Read() => _total is not null ? (long)_total.GetValue(null)! : _perMethod!.Sum();

        internal void Clear()
        {
            if (_total is not null)
            {
                _total.SetValue(null, 0L);
            }
            else
            {
                Array.Clear(_perMethod!);
            }
        }

        internal void AddPerMethod(Dictionary<string, long> result)
        {
            for (var slot = 0; slot < _methods.Count; slot++)
            {
                if (_perMethod![slot] != 0)
                {
                    result[$"[{AssemblyName}] {_methods[slot]}"] = _perMethod[slot];
                }
            }
        }
    }
}
