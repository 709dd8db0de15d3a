namespace EdgeMicro.Conversion.Export;

/// <summary>A generated specialized kernel compiled on the host.</summary>
/// <param name="AssemblyName">Assembly simple name.</param>
/// <param name="TypeName">Full name of the <c>ISpecializedKernel</c> type.</param>
/// <param name="Image">PE image.</param>
/// <param name="Source">The generated source.</param>
public sealed record CompiledKernel(string AssemblyName, string TypeName, byte[] Image, string Source)
{
    /// <summary>Generates and compiles the kernel for prepared layers.</summary>
    /// <param name="layers">Prepared layers of the model.</param>
    /// <param name="className">Kernel class name.</param>
    /// <param name="provenance">Provenance line.</param>
    /// <param name="model">The model, to specialize its input quantizer and output head too, or null.</param>
    /// <param name="generic">Per layer: leave it to the generic kernels; null for none.</param>
    /// <returns>The compiled kernel.</returns>
    public static CompiledKernel Create(
        EdgeMicro.Core.Inference.PreparedLayer[] layers, string className, string provenance, EdgeMicro.Core.Model.ModelDefinition? model = null, bool[]? generic = null)
    {
        string source = KernelGenerator.Generate(layers, className, provenance, model, generic);
        string assembly = "EdgeMicro.Generated." + className;
        return new CompiledKernel(assembly, WeightTableWriter.Namespace + "." + className, KernelCompiler.Compile(assembly, source), source);
    }

    /// <summary>Generates and compiles the kernel with the weights as IL constants (<c>--weights code</c>).</summary>
    /// <param name="layers">Prepared layers of the int8 model.</param>
    /// <param name="className">Kernel class name.</param>
    /// <param name="provenance">Provenance line.</param>
    /// <param name="model">The model, to specialize its input quantizer and output head too, or null.</param>
    /// <param name="asData">Per layer: keep its weights as data; null for none.</param>
    /// <returns>The compiled kernel.</returns>
    public static CompiledKernel CreateCompiledWeights(
        EdgeMicro.Core.Inference.PreparedLayer[] layers, string className, string provenance, EdgeMicro.Core.Model.ModelDefinition? model = null, bool[]? asData = null)
    {
        string source = CompiledWeightsGenerator.Generate(layers, className, provenance, model, asData);
        string assembly = "EdgeMicro.Generated." + className;
        return new CompiledKernel(assembly, WeightTableWriter.Namespace + "." + className, KernelCompiler.Compile(assembly, source), source);
    }

    /// <summary>Creates an instance in the default load context.</summary>
    /// <returns>The kernel.</returns>
    public EdgeMicro.Core.Inference.ISpecializedKernel Instantiate() =>
        (EdgeMicro.Core.Inference.ISpecializedKernel)KernelCompiler.CreateInstance(Image, TypeName);
}
