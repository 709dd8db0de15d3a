using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Conversion.Export;

/// <summary>Checks that a generated specialized kernel is bit-exact with the generic kernels on real samples.</summary>
public static class SpecializedKernelCheck
{
    /// <summary>Runs both on every sample and compares every layer's outputs and the head's results, stage by stage
    /// and through the kernel's fused whole inference (when it has one: quantized input, last outputs, head); throws
    /// on the first difference.</summary>
    /// <param name="model">The model.</param>
    /// <param name="kernel">The compiled kernel.</param>
    /// <param name="samples">Raw fixed-point samples.</param>
    /// <param name="tableModel">The model as the compiled-in table builds it (packed weights, or weights in code), run
    /// with the kernel; null to run <paramref name="model"/>.</param>
    public static void AssertBitExact(ModelDefinition model, CompiledKernel kernel, IReadOnlyList<int[]> samples, ModelDefinition? tableModel = null)
    {
        var generic = new Classifier(model);
        var special = new Classifier(tableModel ?? model, kernel.Instantiate());
        short[][] expected = model.Layers.Select(l => new short[l.OutputLength]).ToArray();
        short[][] actual = model.Layers.Select(l => new short[l.OutputLength]).ToArray();
        for (int n = 0; n < samples.Count; n++)
        {
            generic.Classify(samples[n], expected);
            special.Classify(samples[n], actual);
            for (int i = 0; i < expected.Length; i++)
            {
                if (!expected[i].AsSpan().SequenceEqual(actual[i]))
                {
                    throw new InvalidOperationException($"internal error: specialized kernel {kernel.TypeName} differs from the generic kernel on sample {n}, layer {i}");
                }
            }

            if (generic.PredictedClass != special.PredictedClass || generic.RunnerUpClass != special.RunnerUpClass
                || generic.ConfidenceQ15 != special.ConfidenceQ15 || generic.MarginQ15 != special.MarginQ15)
            {
                throw new InvalidOperationException($"internal error: specialized kernel {kernel.TypeName} differs from the generic kernel on sample {n}, output head");
            }

            // Without capture the fused whole-inference method runs when the kernel has one (ISpecializedNetwork).
            special.Classify(samples[n]);
            int outputs = model.Layers[^1].OutputLength;
            if (!generic.QuantizedInput.AsSpan(0, model.InputLength).SequenceEqual(special.QuantizedInput.AsSpan(0, model.InputLength))
                || !generic.Outputs.AsSpan(0, outputs).SequenceEqual(special.Outputs.AsSpan(0, outputs))
                || generic.PredictedClass != special.PredictedClass || generic.RunnerUpClass != special.RunnerUpClass
                || generic.ConfidenceQ15 != special.ConfidenceQ15 || generic.MarginQ15 != special.MarginQ15)
            {
                throw new InvalidOperationException($"internal error: specialized kernel {kernel.TypeName} differs from the generic kernel on sample {n} in the whole inference");
            }
        }
    }
}
