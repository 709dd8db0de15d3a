using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Quantization;
using EdgeMicro.Data;
using EdgeMicro.Onnx.Graph;
using EdgeMicro.Onnx.Ir;

namespace EdgeMicro.Conversion.Tests.Fuzz;

/// <summary>
/// Issue 9: seeded fuzz of weights, biases, attributes and normalization over every devkit model and synthetic ones.
/// Each case runs what <c>convert</c> runs before evaluation (lowering, normalization check, heap estimate and budget,
/// quantization with a tiny calibration set, the core's classifier, inference) and must end in success or one
/// <see cref="InputDataException"/> naming the file; never an OverflowException, ModelFormatException or other
/// internal error. Every success also checks that the heap estimated before calibration brackets the exact figure.
/// </summary>
public sealed class ConverterFuzzTests
{
    private const int Seed = 9009;
    private const int Cases = 10_080;

    [Fact]
    public void Convert_WhenWeightsBiasesAttributesOrNormalizationAreMutated_SucceedsOrRejectsWithOneTypedClearError()
    {
        IReadOnlyList<FuzzBase> bases = FuzzBase.All();
        string normPath = Path.Combine("fuzz", "normalization.json");
        var outcomes = new Dictionary<string, int>(StringComparer.Ordinal);
        int successes = 0;
        for (int i = 0; i < Cases; i++)
        {
            var rng = new Random(Seed + i);
            FuzzBase b = bases[i % bases.Count];
            OnnxGraph graph = b.Graph;
            string? json = null;
            var what = new List<string>();
            int kind = (i / bases.Count) % 4;
            if (kind is 0 or 3)
            {
                graph = GraphMutator.MutateValues(graph, rng, out string w);
                what.Add(w);
            }

            if (kind is 1 or 3)
            {
                graph = GraphMutator.MutateAttributes(graph, rng, out string w);
                what.Add(w);
            }

            if (kind == 2)
            {
                json = GraphMutator.MutateNormalization(b.Normalization.Mean, b.Normalization.Std, rng, out string w);
                what.Add(w);
            }

            string label = $"case {i} (seed {Seed + i}) on {b.Name}: {string.Join("; ", what)}";
            string? error = Run(b, graph, json, normPath, label);
            if (error == null)
            {
                successes++;
            }
            else
            {
                string category = Category(error);
                outcomes[category] = outcomes.GetValueOrDefault(category) + 1;
            }
        }

        int rejected = outcomes.Values.Sum();
        Assert.Equal(Cases, successes + rejected);
        Assert.True(Cases >= 10_000);

        // Both outcomes are common, and every kind of refusal the converter owes occurs.
        Assert.True(successes > Cases / 20, $"{successes} successes");
        Assert.True(rejected > Cases / 5, $"{rejected} rejections");
        foreach (string expected in new[] { "non-finite constant", "attribute", "int32", "normalization value" })
        {
            Assert.True(outcomes.GetValueOrDefault(expected) > 0, $"no '{expected}' refusal among {string.Join(", ", outcomes.Select(kv => kv.Key + "=" + kv.Value))}");
        }
    }

    /// <summary>Runs one case; returns null on success or the error message (after checking it).</summary>
    private static string? Run(FuzzBase b, OnnxGraph graph, string? json, string normPath, string label)
    {
        try
        {
            FloatModel model = ConversionInputs.Lower(() => graph, b.Path);
            int features = b.Calibration[0].Length;
            InputLayout layout = InputLayout.Parse(b.Layout, model.InputDims, features);
            Normalization normalization = b.Normalization;
            string normSource = b.Path + " normalization";
            if (json != null)
            {
                normalization = Normalization.Parse(json, normPath, features);
                normSource = normPath;
            }

            double maxAbs = b.Calibration.SelectMany(r => r).Concat(normalization.Mean).Max(Math.Abs);
            int fractionBits = RawSamples.ChooseFractionBits(maxAbs);
            normalization.CheckFixedPoint(fractionBits, normSource);
            var request = new QuantizationRequest(model, "fuzz", 1, b.ClassNames, normalization, layout, fractionBits, b.Calibration);
            BudgetedModel m = BudgetedQuantizer.Quantize(request, b.Path, new ConvertOptions { ModelPath = "", CalibrationPath = "", OutputDirectory = "" }.RamBudgetBytes);
            foreach (double[] row in b.Calibration)
            {
                m.Classifier.Classify(RawSamples.ToFixed(row, fractionBits));
            }

            Assert.InRange(m.HeapBytes, m.Estimate.LowBytes, m.Estimate.HighBytes);
            return null;
        }
        catch (InputDataException e)
        {
            string first = e.Message.Split('\n')[0];
            Assert.True(
                first.StartsWith(b.Path + ":", StringComparison.Ordinal) || first.StartsWith(normPath + ":", StringComparison.Ordinal) || first.StartsWith("--input-layout", StringComparison.Ordinal),
                $"{label}: the error does not name the file: {e.Message}");
            Assert.DoesNotContain("Exception", e.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("   at ", e.Message, StringComparison.Ordinal);
            return e.Message;
        }
        catch (Exception e) when (e is not Xunit.Sdk.XunitException)
        {
            Assert.Fail($"{label}: {e.GetType().Name}: {e.Message} {e.StackTrace?.Split('\n').FirstOrDefault()}");
            throw;
        }
    }

    private static string Category(string message) =>
        message.Contains("non-finite value", StringComparison.Ordinal) && message.Contains("constant '", StringComparison.Ordinal) ? "non-finite constant"
        : message.Contains("attribute", StringComparison.Ordinal) ? "attribute"
        : message.Contains("int32 accumulator", StringComparison.Ordinal) || message.Contains("int32 Q", StringComparison.Ordinal) ? "int32"
        : message.Contains("normalization", StringComparison.Ordinal) || message.Contains("is not a finite number", StringComparison.Ordinal) || message.Contains("must be a positive number", StringComparison.Ordinal) ? "normalization value"
        : "other";
}
