using System.Diagnostics;
using EdgeMicro.Onnx.Evaluation;
using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Ir;
using EdgeMicro.Onnx.Lowering;
using EdgeMicro.Onnx.Protos;
using Xunit.Abstractions;

namespace EdgeMicro.Onnx.Tests;

public sealed class FuzzTests(ITestOutputHelper output)
{
    private const int CasesPerFile = 1500;
    private const long EvaluationWorkLimit = 2_000_000;
    private const int MaxEvaluatedInput = 1 << 20;

    [Fact]
    public void LoadLowerEvaluate_WhenDevkitModelsMutated_OnlyImportExceptionsEscape()
    {
        string[] files = DevkitModels.All.Select(m => DevkitModels.Path(m.Model, m.File)).ToArray();
        byte[][] corpus = files.Select(File.ReadAllBytes).ToArray();
        ModelProto[] parsed = corpus.Select(b => ModelProto.Parser.ParseFrom(b)).ToArray();
        var stats = new Dictionary<string, int>(StringComparer.Ordinal);
        var failures = new List<string>();
        var watch = Stopwatch.StartNew();
        int cases = 0;

        for (int f = 0; f < files.Length; f++)
        {
            for (int i = 0; i < CasesPerFile; i++, cases++)
            {
                int seed = (f * 1_000_003) + i;
                var rng = new Random(seed);
                string description;
                bool byteLevel = rng.Next(2) == 0;
                byte[] mutated = byteLevel
                    ? ByteMutator.Mutate(corpus[f], corpus, rng, out description)
                    : ProtoMutator.Mutate(parsed[f], rng, out description);
                string outcome = (byteLevel ? "bytes: " : "proto: ") + RunCase(mutated, out Exception? unexpected);
                stats[outcome] = stats.GetValueOrDefault(outcome) + 1;
                if (unexpected != null && failures.Count < 20)
                {
                    failures.Add($"{Path.GetFileName(Path.GetDirectoryName(files[f]))}/{Path.GetFileName(files[f])} seed {seed} ({description}): {unexpected}");
                }
            }
        }

        watch.Stop();
        output.WriteLine($"{cases} mutated models in {watch.Elapsed.TotalSeconds:F1} s");
        foreach (var (outcome, count) in stats.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  {count,6}  {outcome}");
        }

        Assert.True(cases >= 10_000);
        Assert.True(failures.Count == 0, string.Join(Environment.NewLine + Environment.NewLine, failures));
    }

    /// <summary>Loads, evaluates, lowers and runs one model; returns the outcome of each stage.</summary>
    private static string RunCase(byte[] bytes, out Exception? unexpected)
    {
        unexpected = null;
        string stage = "load", outcome = "";
        try
        {
            OnnxGraph graph = OnnxModelLoader.Load(bytes);
            stage = "evaluate";
            outcome = EvaluateGraph(graph, out float[]? expected);
            stage = "lower";
            FloatModel model = OnnxLowering.Lower(graph);
            stage = "run lowered";
            float[]? actual = RunLowered(model);
            if (expected != null && actual != null && !Agree(expected, actual))
            {
                unexpected = new InvalidOperationException(
                    $"lowered model disagrees with the evaluator: [{string.Join(", ", expected.Take(8))}] vs [{string.Join(", ", actual.Take(8))}]");
            }

            return $"{outcome}, lowered, {(actual == null ? "too large to run" : "ran")}";
        }
        catch (OnnxImportException ex)
        {
            if (string.IsNullOrWhiteSpace(ex.Message))
            {
                unexpected = new InvalidOperationException($"empty message at {stage}", ex);
            }

            return stage == "load" ? "load rejected" : $"{outcome}, lowering rejected";
        }
        catch (Exception ex)
        {
            unexpected = new InvalidOperationException($"unexpected exception at {stage}", ex);
            return $"CRASH at {stage}";
        }
    }

    private static string EvaluateGraph(OnnxGraph graph, out float[]? result)
    {
        result = null;
        try
        {
            var evaluator = new OnnxFloatEvaluator(graph, EvaluationWorkLimit);
            if (evaluator.InputLength > MaxEvaluatedInput)
            {
                return "loaded (input too large to evaluate)";
            }

            result = evaluator.Evaluate(Input(evaluator.InputLength));
            return "loaded+evaluated";
        }
        catch (OnnxImportException ex) when (!string.IsNullOrWhiteSpace(ex.Message))
        {
            // The evaluator may reject what the lowering accepts or rejects: go on to the lowering.
            return "loaded (evaluation rejected)";
        }
    }

    private static float[]? RunLowered(FloatModel model)
    {
        long macs = model.Layers.Sum(l => l.Macs);
        bool small = model.InputLength <= MaxEvaluatedInput && model.Layers.All(l => l.OutputShape.Length <= MaxEvaluatedInput);
        return small && macs <= EvaluationWorkLimit ? new FloatModelRunner(model).Predict(Input(model.InputLength)) : null;
    }

    /// <summary>Differential check: same length, and close wherever both sides are finite and of sane magnitude.</summary>
    private static bool Agree(float[] expected, float[] actual)
    {
        if (expected.Length != actual.Length)
        {
            return false;
        }

        bool sane = expected.Concat(actual).All(v => float.IsFinite(v) && Math.Abs(v) < 1e6f);
        return !sane || expected.Zip(actual).All(p => Math.Abs(p.First - p.Second) <= 1e-3 * (1 + Math.Abs(p.First)));
    }

    private static float[] Input(int length) => Enumerable.Range(0, length).Select(i => MathF.Sin(i)).ToArray();
}
