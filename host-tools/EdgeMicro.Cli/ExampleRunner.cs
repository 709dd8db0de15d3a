using System.CommandLine;
using EdgeMicro.Conversion.Pipeline;

namespace EdgeMicro.Cli;

/// <summary>Runs a benchmark over the example models with progress, in a temporary directory removed afterwards.</summary>
public static class ExampleRunner
{
    /// <summary>A fresh temporary root for the examples' outputs (created by the work, deleted by <see cref="Run{T}"/>).</summary>
    /// <returns>The path.</returns>
    public static string NewRoot() => Path.Combine(Path.GetTempPath(), "edgemicro-bench-" + Guid.NewGuid().ToString("N")[..8]);

    /// <summary>Runs <paramref name="work"/> on each example, one progress step each.</summary>
    /// <typeparam name="T">Result type.</typeparam>
    /// <param name="parse">Parse result (writers, verbosity).</param>
    /// <param name="root">The temporary root the examples write into (this run's own: deleted at the end).</param>
    /// <param name="examples">The examples.</param>
    /// <param name="label">Progress label, e.g. "Benchmarking".</param>
    /// <param name="work">The work per example.</param>
    /// <returns>The results, in order.</returns>
    public static List<T> Run<T>(ParseResult parse, string root, IReadOnlyList<ConvertOptions> examples, string label, Func<ConvertOptions, T> work)
    {
        try
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
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true); // this run's temporary directory, nothing else
            }
        }
    }
}
