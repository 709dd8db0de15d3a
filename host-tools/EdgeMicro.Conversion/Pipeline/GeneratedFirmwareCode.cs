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
/// <param name="InCode">Per layer: weights compiled into the kernel (code mode), or null (data and int8 modes).</param>
/// <param name="Table">The weight table source.</param>
/// <param name="Limits">The whole firmware assembly's limits report.</param>
/// <param name="Int8Dense">Whether the table keeps Dense layers' int8 rows unpacked (int8 mode).</param>
public sealed record GeneratedFirmwareCode(CompiledKernel Kernel, bool[]? InCode, string Table, NanoFrameworkLimitsReport Limits, bool Int8Dense = false)
{
    /// <summary>The model as this table builds it on the device (packed weights, weights in code or int8 rows).</summary>
    /// <param name="model">The int8 model.</param>
    /// <returns>The table's model.</returns>
    public ModelDefinition TableModel(ModelDefinition model) => SwarPacker.PackModel(model, InCode, Int8Dense);

    /// <summary>Generates, compiles and places the table and kernel for a weights mode.</summary>
    /// <param name="mode">Weights mode.</param>
    /// <param name="model">The int8 model.</param>
    /// <param name="layers">Its prepared layers.</param>
    /// <param name="name">Model name (class name prefix).</param>
    /// <param name="provenance">Provenance line.</param>
    /// <returns>The generated code.</returns>
    public static GeneratedFirmwareCode Create(WeightsMode mode, ModelDefinition model, PreparedLayer[] layers, string name, string provenance)
    {
        ArgumentNullException.ThrowIfNull(layers);
        bool code = mode == WeightsMode.Code, int8 = mode == WeightsMode.Int8;
        if (int8)
        {
            // The kernel is specialized to the layers as the table prepares them (Dense layers: one lane, int8 rows).
            layers = new Classifier(SwarPacker.PackModel(model, null, true)).Layers;
        }

        bool wide = model.HasWideActivations;

        // 16-bit activations run the generic WideKernels (only the input quantizer and the head are specialized), or,
        // in code mode, the Dense layers with their weights compiled in (WideKernelGenerator).
        bool[] off = [.. layers.Select(_ => wide && !code)];
        while (true)
        {
            bool[] generated = [.. layers.Select((l, i) => !off[i] && (wide ? WideKernelGenerator.IsCompiled(l) : code ? CompiledWeightsGenerator.IsCompiled(l) : KernelGenerator.IsSpecialized(l)))];
            CompiledKernel kernel = code
                ? CompiledKernel.CreateCompiledWeights(layers, name + "Kernel", provenance, model, off)
                : CompiledKernel.Create(layers, name + "Kernel", provenance, model, off);
            bool[]? inCode = code ? generated : null;
            string table = WeightTableWriter.Generate(model, name + "Model", provenance, inCode, int8);
            NanoFrameworkLimitsReport limits = FirmwareAssembly.Check("EdgeMicro.Firmware", table, kernel.Source);
            int largest = Enumerable.Range(0, layers.Length).Where(i => generated[i]).OrderByDescending(i => layers[i].Definition.Weights?.Length ?? 0).DefaultIfEmpty(-1).First();
            if (limits.TotalIlBytes <= NanoFrameworkLimits.MaxAssemblyBytecodeBytes || largest < 0)
            {
                return new(kernel, inCode, table, limits, int8);
            }

            off[largest] = true;
        }
    }
}
