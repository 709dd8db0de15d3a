using System.CommandLine;
using EdgeMicro.Conversion.Pipeline;

namespace EdgeMicro.Cli;

/// <summary>Runs a benchmark over the example models with progress, in a temporary directory removed afterwards.</summary>
public static class ExampleRunner
{
    /// <summary>Creates a fresh temporary root for the examples' outputs; disposing it deletes that directory (only a
    /// root made here can be deleted, so no caller can hand a directory of the user's to the recursive delete).</summary>
    /// <returns>The root.</returns>
    public static ExampleRoot NewRoot() => new(Directory.CreateTempSubdirectory("edgemicro-bench-").FullName);

    /// <summary>Runs <paramref name="work"/> on each example, one progress step each.</summary>
    /// <typeparam name="T">Result type.</typeparam>
    /// <param name="parse">Parse result (writers, verbosity).</param>
    /// <param name="examples">The examples.</param>
    /// <param name="label">Progress label, e.g. "Benchmarking".</param>
    /// <param name="work">The work per example.</param>
    /// <returns>The results, in order.</returns>
    public static List<T> Run<T>(ParseResult parse, IReadOnlyList<ConvertOptions> examples, string label, Func<ConvertOptions, T> work)
    {
        return ProgressHost.Run(parse, progress =>
        {
            var list = new List<T>();
            for (int i = 0; i < examples.Count; i++)
            {
                progress(label + " " + examples[i].Name, (double)i / examples.Count);
                list.Add(work(examples[i]));
            }

            progress("Done", 1);
            return list;
        });
    }
}

/// <summary>A temporary directory made by <see cref="ExampleRunner.NewRoot"/> for one run's example outputs.</summary>
public sealed class ExampleRoot : IDisposable
{
    internal ExampleRoot(string path) => Path = path;

    /// <summary>Gets the directory's path.</summary>
    public string Path { get; }

    /// <summary>Deletes the directory (this run's own, made fresh by <see cref="ExampleRunner.NewRoot"/>).</summary>
    public void Dispose()
    {
        if (Directory.Exists(Path))
        {
            Directory.Delete(Path, recursive: true);
        }
    }
}
