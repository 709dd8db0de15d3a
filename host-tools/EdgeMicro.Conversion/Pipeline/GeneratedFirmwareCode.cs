using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Conversion.Export;
using EdgeMicro.IlCounting;

namespace EdgeMicro.Conversion.Pipeline;

/// <summary>
/// The generated weight table and kernel of one weights mode, placed so the firmware assembly's bytecode fits: while
/// the whole assembly (table + kernel + app) is over nanoFramework's 64 KB of bytecode, the layer with the most
/// weights among those the kernel still generates code for goes back to the generic kernels (data mode) or to packed
/// data (code mode). <see cref="Limits"/> is the final check; convert refuses the model when it is still over a limit.
/// </summary>
/// <param name="Kernel">The compiled kernel.</param>
/// <param name="InCode">Per layer: weights compiled into the kernel (code mode), or null (data mode).</param>
/// <param name="Table">The weight table source.</param>
/// <param name="Limits">The whole firmware assembly's limits report.</param>
public sealed record GeneratedFirmwareCode(CompiledKernel Kernel, bool[]? InCode, string Table, NanoFrameworkLimitsReport Limits)
{
    /// <summary>Generates, compiles and places the table and kernel for a weights mode.</summary>
    /// <param name="mode">Weights mode.</param>
    /// <param name="model">The int8 model.</param>
    /// <param name="layers">Its prepared layers.</param>
    /// <param name="name">Model name (class name prefix).</param>
    /// <param name="provenance">Provenance line.</param>
    /// <returns>The generated code.</returns>
    public static GeneratedFirmwareCode Create(WeightsMode mode, ModelDefinition model, PreparedLayer[] layers, string name, string provenance)
    {
        bool code = mode == WeightsMode.Code;
        var off = new bool[layers.Length];
        while (true)
        {
            bool[] generated = [.. layers.Select((l, i) => !off[i] && (code ? CompiledWeightsGenerator.IsCompiled(l) : KernelGenerator.IsSpecialized(l)))];
            CompiledKernel kernel = code
                ? CompiledKernel.CreateCompiledWeights(layers, name + "Kernel", provenance, model, off)
                : CompiledKernel.Create(layers, name + "Kernel", provenance, model, off);
            bool[]? inCode = code ? generated : null;
            string table = WeightTableWriter.Generate(model, name + "Model", provenance, inCode);
            NanoFrameworkLimitsReport limits = FirmwareAssembly.Check("EdgeMicro.Firmware", table, kernel.Source);
            int largest = Enumerable.Range(0, layers.Length).Where(i => generated[i]).OrderByDescending(i => layers[i].Definition.Weights?.Length ?? 0).DefaultIfEmpty(-1).First();
            if (limits.TotalIlBytes <= NanoFrameworkLimits.MaxAssemblyBytecodeBytes || largest < 0)
            {
                return new(kernel, inCode, table, limits);
            }

            off[largest] = true;
        }
    }
}
