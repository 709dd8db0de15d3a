using System.Reflection;
using EdgeMicro.Core.Model;
using EdgeMicro.Conversion.Export;

namespace EdgeMicro.Conversion.Tests.Support;

/// <summary>Compiles generated firmware sources (weight tables, kernels) the way the host does and loads them.</summary>
public static class GeneratedCode
{
    /// <summary>Namespace of generated classes.</summary>
    public const string Namespace = WeightTableWriter.Namespace;

    /// <summary>Compiles a source with <see cref="KernelCompiler"/>.</summary>
    /// <param name="assemblyName">Assembly name.</param>
    /// <param name="source">C# source.</param>
    /// <returns>The PE image.</returns>
    public static byte[] Compile(string assemblyName, string source) => KernelCompiler.Compile(assemblyName, source);

    /// <summary>Loads an image (own load context; EdgeMicro.Core resolves to the tests' copy) and finds a type.</summary>
    /// <param name="image">PE image.</param>
    /// <param name="className">Class name in <see cref="Namespace"/>.</param>
    /// <returns>The type.</returns>
    public static Type LoadType(byte[] image, string className) =>
        Assembly.Load(image).GetType(Namespace + "." + className, throwOnError: true)!;

    /// <summary>Calls the generated weight table's <c>Create()</c>.</summary>
    /// <param name="table">The generated model class.</param>
    /// <returns>The model it builds.</returns>
    public static ModelDefinition CreateModel(Type table)
    {
        MethodInfo create = table.GetMethod("Create", BindingFlags.Public | BindingFlags.Static, Type.EmptyTypes)
            ?? throw new InvalidOperationException($"{table.FullName} has no public static Create()");
        return (ModelDefinition)create.Invoke(null, null)!;
    }
}
