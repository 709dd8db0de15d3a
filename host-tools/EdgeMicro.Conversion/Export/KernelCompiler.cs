using System.Reflection;
using EdgeMicro.Core.Inference;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace EdgeMicro.Conversion.Export;

/// <summary>
/// Compiles generated firmware sources (specialized kernels, weight tables) on the host with Roslyn, C# 9, release
/// optimizations, against the desktop build of the firmware core: the same compiler and IL the nanoFramework build
/// uses, so the host can run, count and check them.
/// </summary>
public static class KernelCompiler
{
    /// <summary>Compiles sources into an assembly image.</summary>
    /// <param name="assemblyName">Assembly name.</param>
    /// <param name="sources">C# sources.</param>
    /// <returns>The PE image.</returns>
    public static byte[] Compile(string assemblyName, params string[] sources)
    {
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s, new CSharpParseOptions(LanguageVersion.CSharp9))).ToArray();
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) == "netstandard.dll" || Path.GetFileName(p) == "mscorlib.dll")
            .Append(typeof(Classifier).Assembly.Location)
            .Distinct()
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            assemblyName,
            trees,
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, optimizationLevel: OptimizationLevel.Release, deterministic: true));
        using var stream = new MemoryStream();
        var result = compilation.Emit(stream);
        if (!result.Success)
        {
            string errors = string.Join(Environment.NewLine, result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(10));
            throw new InvalidOperationException($"generated code of {assemblyName} does not compile:{Environment.NewLine}{errors}");
        }

        return stream.ToArray();
    }

    /// <summary>Loads a compiled image and instantiates a type from it (host use: check bit-exactness).</summary>
    /// <param name="image">PE image.</param>
    /// <param name="typeName">Full type name.</param>
    /// <returns>The instance.</returns>
    public static object CreateInstance(byte[] image, string typeName)
    {
        Assembly assembly = Assembly.Load(image);
        Type type = assembly.GetType(typeName) ?? throw new InvalidOperationException($"{typeName} not found in generated code");
        return Activator.CreateInstance(type)!;
    }
}
