using EdgeMicro.Core.Inference;
using EdgeMicro.Conversion.Export;

namespace EdgeMicro.Conversion.Pipeline;

/// <summary>The generated kernel of one weights mode and which layers have their weights compiled into it.</summary>
/// <param name="Kernel">The compiled kernel.</param>
/// <param name="InCode">Per layer: weights compiled into the kernel (code mode), or null (data mode).</param>
public sealed record GeneratedFirmwareCode(CompiledKernel Kernel, bool[]? InCode)
{
    /// <summary>Generates and compiles the kernel for a weights mode.</summary>
    /// <param name="mode">Weights mode.</param>
    /// <param name="layers">Prepared layers of the int8 model.</param>
    /// <param name="name">Model name (class name prefix).</param>
    /// <param name="provenance">Provenance line.</param>
    /// <returns>The generated code.</returns>
    public static GeneratedFirmwareCode Create(WeightsMode mode, PreparedLayer[] layers, string name, string provenance) =>
        mode == WeightsMode.Code
            ? new(CompiledKernel.CreateCompiledWeights(layers, name + "Kernel", provenance), [.. layers.Select(CompiledWeightsGenerator.IsCompiled)])
            : new(CompiledKernel.Create(layers, name + "Kernel", provenance), null);
}
