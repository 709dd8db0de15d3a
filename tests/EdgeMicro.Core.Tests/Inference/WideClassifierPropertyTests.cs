using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Tests.Reference;
using EdgeMicro.Core.Tests.Support;
using Xunit.Abstractions;

namespace EdgeMicro.Core.Tests.Inference;

/// <summary>
/// Property test: random models with 16-bit activations (<see cref="WideModels"/>: Dense, Conv of any groups, padding,
/// pools, LeakyRelu) run by <see cref="Classifier"/> on its int16 kernels (<see cref="WideKernels"/>) agree exactly with
/// the plain reference, which carries activations as int values, on every layer's output and the output head.
/// </summary>
public sealed class WideClassifierPropertyTests(ITestOutputHelper output)
{
    private const int Seeds = 300;

    [Fact]
    public void Classifier_OnRandomModelsWith16BitActivations_MatchesTheReferenceExactly()
    {
        int checkedModels = 0, refused = 0, beyondInt8 = 0;
        var kinds = new HashSet<int>();
        for (int seed = 1; seed <= Seeds; seed++)
        {
            ModelDefinition int8 = RandomModels.Create(seed);
            if (int8.Layers.Length < 2)
            {
                continue;
            }

            ModelDefinition m = WideModels.Widen(int8);
            if (!m.HasWideActivations)
            {
                continue; // no layer before a Dense or Conv (e.g. a single Dense layer and a pool)
            }

            Classifier classifier;
            try
            {
                ModelValidator.Validate(m);
                classifier = new Classifier(m);
            }
            catch (ModelFormatException e) when (e.Message.Contains("int32", StringComparison.Ordinal))
            {
                // 16 times wider inputs can take a layer's accumulator out of int32: refused at load, as it must be.
                refused++;
                continue;
            }

            checkedModels++;
            var random = new Random(seed * 104729);
            short[][] capture = [.. m.Layers.Select(l => new short[l.OutputLength])];
            for (int s = 0; s < 3; s++)
            {
                int[] sample = RandomModels.Sample(m, random);
                string where = "seed " + seed + ", sample " + s;
                classifier.Classify(sample, capture);
                ReferenceResult expected = ReferenceInt8.Run(m, sample);
                for (int i = 0; i < m.Layers.Length; i++)
                {
                    kinds.Add(m.Layers[i].Kind);
                    int[] values = expected.Values[i];
                    short[] actual = capture[i];
                    int differs = Enumerable.Range(0, values.Length).FirstOrDefault(k => values[k] != actual[k], -1);
                    Assert.True(differs < 0, where + ", layer " + i + " (" + LayerKind.Name(m.Layers[i].Kind) + "): element " + differs + " differs from the reference");
                    beyondInt8 += m.Layers[i].WideOutput && values.Any(v => v is < -128 or > 127) ? 1 : 0;
                }

                Assert.True(expected.PredictedClass == classifier.PredictedClass && expected.RunnerUpClass == classifier.RunnerUpClass
                    && expected.ConfidenceQ15 == classifier.ConfidenceQ15 && expected.MarginQ15 == classifier.MarginQ15, where + ": output head differs from the reference");
            }
        }

        output.WriteLine($"{checkedModels} models checked, {refused} refused at load (accumulator outside int32), {beyondInt8} 16-bit layer outputs beyond the int8 range");
        Assert.True(checkedModels > Seeds / 2, $"only {checkedModels} of {Seeds} widened models could be checked");
        Assert.True(beyondInt8 > checkedModels, "16-bit layers must produce values beyond the int8 range");
        Assert.Equal(4, kinds.Count);
    }
}
