using System.Diagnostics;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Tests.Reference;
using EdgeMicro.Core.Tests.Support;
using Xunit.Abstractions;

namespace EdgeMicro.Core.Tests;

/// <summary>
/// Property tests: on random valid models the fast SWAR kernels (through <see cref="Classifier"/>) and the plain
/// reference agree exactly on the quantized input, every layer output and the output head.
/// </summary>
public sealed class ClassifierPropertyTests
{
    private const int Seeds = 500;
    private const int SamplesPerModel = 3;

    private readonly ITestOutputHelper _output;

    public ClassifierPropertyTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public void Classifier_WhenRunOnRandomModels_MatchesTheReferenceExactly()
    {
        var lanes = new Dictionary<string, int>();
        var kinds = new HashSet<int>();
        int leaky = 0, gathered = 0, binary = 0, depthwise = 0, paddingWindows = 0, tails = 0;
        var clock = Stopwatch.StartNew();
        for (int seed = 1; seed <= Seeds; seed++)
        {
            ModelDefinition m = RandomModels.Create(seed);
            Classifier classifier;
            try
            {
                ModelValidator.Validate(m);
                classifier = new Classifier(m);
            }
            catch (ModelFormatException e)
            {
                throw new Xunit.Sdk.XunitException("seed " + seed + ": generated model rejected: " + e.Message);
            }

            for (int i = 0; i < m.Layers.Length; i++)
            {
                LayerDefinition l = m.Layers[i];
                kinds.Add(l.Kind);
                leaky += l.NegativeMultiplier != null ? 1 : 0;
                depthwise += l.Kind == LayerKind.Conv && l.Groups == l.InChannels && l.Groups > 1 ? 1 : 0;
                paddingWindows += l.Kind == LayerKind.AveragePool && (l.PadLeft >= l.KernelWidth || l.PadRight >= l.KernelWidth) ? 1 : 0;
                tails += classifier.Layers[i].TailRows;
                if (classifier.Layers[i].Lanes != 0)
                {
                    string key = LayerKind.Name(l.Kind) + " SWAR" + classifier.Layers[i].Lanes;
                    lanes[key] = lanes.GetValueOrDefault(key) + 1;
                }
            }

            gathered += m.InputGather != null ? 1 : 0;
            binary += m.Layers[^1].OutputLength == 1 ? 1 : 0;
            // The same model as an --weights int8 table holds it (Dense rows read as int8, no packed copy).
            var int8Rows = new Classifier(SwarPacker.PackModel(m, null, true));
            var random = new Random(seed * 7919);
            for (int s = 0; s < SamplesPerModel; s++)
            {
                int[] sample = RandomModels.Sample(m, random);
                CheckSample(seed, s, m, classifier, sample);
                CheckSample(seed, s, m, int8Rows, sample);
            }
        }

        _output.WriteLine($"{Seeds} models x {SamplesPerModel} samples in {clock.ElapsedMilliseconds} ms; " + string.Join(", ", lanes.OrderBy(p => p.Key).Select(p => p.Key + "=" + p.Value)) + $"; leaky={leaky} depthwise={depthwise} gathered={gathered} binary={binary} pads>=kernel={paddingWindows} tail rows={tails}");
        Assert.True(lanes.GetValueOrDefault("Dense SWAR3") > 0 && lanes.GetValueOrDefault("Dense SWAR2") > 0, "Dense layers must exercise SWAR3 and SWAR2");
        Assert.True(lanes.GetValueOrDefault("Conv SWAR3") > 0 && lanes.GetValueOrDefault("Conv SWAR2") > 0, "Conv layers must exercise SWAR3 and SWAR2");
        Assert.Equal(4, kinds.Count);
        Assert.True(leaky > 0 && depthwise > 0 && gathered > 0 && binary > 0 && paddingWindows > 0 && tails > 0, "generator coverage");
    }

    private static void CheckSample(int seed, int sampleIndex, ModelDefinition m, Classifier classifier, int[] sample)
    {
        string where = "seed " + seed + ", sample " + sampleIndex;
        var capture = m.Layers.Select(l => new sbyte[l.OutputLength]).ToArray();
        classifier.Classify(sample, capture);
        ReferenceResult expected;
        try
        {
            expected = ReferenceInt8.Run(m, sample);
        }
        catch (InvalidOperationException e)
        {
            throw new Xunit.Sdk.XunitException(where + ": reference: " + e.Message);
        }

        Same(where + ", quantized input", expected.Input, classifier.QuantizedInput);
        for (int i = 0; i < m.Layers.Length; i++)
        {
            LayerDefinition l = m.Layers[i];
            Same(where + ", layer " + i + " (" + LayerKind.Name(l.Kind) + ")", expected.Layers[i]!, capture[i]);
            int outside = Array.FindIndex(capture[i], v => v < l.ActivationMin || v > l.ActivationMax);
            Assert.True(outside < 0, where + ", layer " + i + ": output " + outside + " outside [" + l.ActivationMin + ", " + l.ActivationMax + "]");
        }

        Assert.True(expected.PredictedClass == classifier.PredictedClass, where + ": class " + classifier.PredictedClass + ", reference " + expected.PredictedClass);
        Assert.True(expected.RunnerUpClass == classifier.RunnerUpClass, where + ": runner-up " + classifier.RunnerUpClass + ", reference " + expected.RunnerUpClass);
        Assert.True(expected.ConfidenceQ15 == classifier.ConfidenceQ15, where + ": confidence " + classifier.ConfidenceQ15 + ", reference " + expected.ConfidenceQ15);
        Assert.True(expected.MarginQ15 == classifier.MarginQ15, where + ": margin " + classifier.MarginQ15 + ", reference " + expected.MarginQ15);
    }

    private static void Same(string where, sbyte[] expected, sbyte[] actual)
    {
        for (int k = 0; k < expected.Length; k++)
        {
            if (expected[k] != actual[k])
            {
                throw new Xunit.Sdk.XunitException(where + ": element " + k + " is " + actual[k] + ", reference " + expected[k]);
            }
        }
    }
}
