using System.Collections.Concurrent;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Core.Format;
using EdgeMicro.Data;
using EdgeMicro.TestKit;

namespace EdgeMicro.Stats.Tests;

/// <summary>Every devkit example of models/examples.json, converted once per converter build into a temporary directory.</summary>
public static class DevkitModels
{
    private static readonly ConcurrentDictionary<string, Lazy<Converted>> Cache = new();

    /// <summary>Gets the example names of the manifest.</summary>
    public static IEnumerable<object[]> Names => Manifest("unused").Select(o => new object[] { o.Name! });

    /// <summary>The example names of the manifest, each also with 16-bit activations ("Name+int16").</summary>
    public static IEnumerable<object[]> NamesWithInt16 => Names.Concat(Names.Select(n => new object[] { n[0] + WideSuffix }));

    /// <summary>Suffix of an example name converted with <c>--activations int16</c>.</summary>
    public const string WideSuffix = "+int16";

    /// <summary>Converts (or reuses) one example.</summary>
    /// <param name="name">Example name, with <see cref="WideSuffix"/> for 16-bit activations.</param>
    /// <returns>Directory, blob, and the dataset's CSV paths.</returns>
    public static Converted Get(string name) => Cache.GetOrAdd(name, n => new Lazy<Converted>(() => Convert(n), LazyThreadSafetyMode.ExecutionAndPublication)).Value;

    private static IReadOnlyList<ConvertOptions> Manifest(string root) => ExampleManifest.Load(RepoPaths.Combine("models", "examples.json"), root);

    private static Converted Convert(string name)
    {
        string build = typeof(ConvertPipeline).Assembly.ManifestModule.ModuleVersionId.ToString("N")[..12];
        string root = Path.Combine(Path.GetTempPath(), "edgemicro-devkit-" + build);
        bool wide = name.EndsWith(WideSuffix, StringComparison.Ordinal);
        string example = wide ? name[..^WideSuffix.Length] : name;
        ConvertOptions o = Manifest(root).Single(e => e.Name == example);
        if (wide)
        {
            o = o with { WideActivations = true, OutputDirectory = o.OutputDirectory + "-int16" };
        }

        if (!Directory.Exists(o.OutputDirectory) || Directory.GetFiles(o.OutputDirectory, "*.emm").Length == 0)
        {
            ConvertPipeline.Run(o with { Force = true });
        }

        ModelBlob blob = ModelFile.Load(o.OutputDirectory).Blob;
        string test = o.TestPath!;
        string train = test.Replace("_test.csv", "_train.csv", StringComparison.Ordinal);
        return new Converted(o.OutputDirectory, blob, train, test);
    }

    /// <summary>A converted example.</summary>
    /// <param name="Directory">Converted model directory.</param>
    /// <param name="Blob">Its blob.</param>
    /// <param name="TrainPath">Training CSV of its dataset.</param>
    /// <param name="TestPath">Test CSV of its dataset.</param>
    public sealed record Converted(string Directory, ModelBlob Blob, string TrainPath, string TestPath);
}
