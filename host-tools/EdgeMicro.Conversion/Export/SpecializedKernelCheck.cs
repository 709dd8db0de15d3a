using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Conversion.Export;

/// <summary>Checks that a generated specialized kernel is bit-exact with the generic kernels on real samples.</summary>
public static class SpecializedKernelCheck
{
    /// <summary>Runs both on every sample and compares every output; throws on the first difference.</summary>
    /// <param name="model">The model.</param>
    /// <param name="kernel">The compiled kernel.</param>
    /// <param name="samples">Raw fixed-point samples.</param>
    /// <param name="tableModel">The model as the compiled-in table builds it (packed weights, or weights in code), run
    /// with the kernel; null to run <paramref name="model"/>.</param>
    public static void AssertBitExact(ModelDefinition model, CompiledKernel kernel, IReadOnlyList<int[]> samples, ModelDefinition? tableModel = null)
    {
        var generic = new Classifier(model);
        var special = new Classifier(tableModel ?? model, kernel.Instantiate());
        int outputs = model.Layers[^1].OutputLength;
        for (int n = 0; n < samples.Count; n++)
        {
            generic.Classify(samples[n]);
            special.Classify(samples[n]);
            for (int i = 0; i < outputs; i++)
            {
                if (generic.Outputs[i] != special.Outputs[i])
                {
                    throw new InvalidOperationException($"internal error: specialized kernel {kernel.TypeName} differs from the generic kernel on sample {n}, output {i}");
                }
            }
        }
    }
}
