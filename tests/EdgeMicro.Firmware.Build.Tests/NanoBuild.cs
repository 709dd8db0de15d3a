using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Text.RegularExpressions;
using System.Xml.Linq;

using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace EdgeMicro.Firmware.Build.Tests;

/// <summary>
/// Compiles firmware sources the way the nanoFramework project system does, with Roslyn and no standard library: the
/// real nanoFramework mscorlib 1.17.11 (from the nanoFramework.CoreLibrary package), the stub assemblies in Stubs/
/// (one per real assembly, named like it), the C# version of nfproj.props and the NANOFRAMEWORK_1_0 symbol the
/// project system defines, plus the .nfproj's own DefineConstants.
/// </summary>
public static partial class NanoBuild
{
    /// <summary>Stub assemblies and the assemblies (besides mscorlib) each one references, as the real ones do.</summary>
    public static readonly IReadOnlyDictionary<string, string[]> StubReferences = new Dictionary<string, string[]>
    {
        ["nanoFramework.Runtime.Events"] = [],
        ["nanoFramework.Hardware.Esp32"] = [],
        ["System.Device.Gpio"] = ["nanoFramework.Runtime.Events"],
        ["System.Device.Adc"] = [],
        ["System.Device.I2c"] = [],
        ["System.Device.Wifi"] = ["System.Threading"],
        ["System.Threading"] = [],
        ["System.Net"] = [],
        ["System.IO.Streams"] = [],
        ["System.IO.FileSystem"] = ["System.IO.Streams"],
        ["System.IO.Ports"] = [],
        ["nanoFramework.M2Mqtt.Core"] = [],
        ["nanoFramework.M2Mqtt"] = ["nanoFramework.M2Mqtt.Core", "System.Net"],
    };

    private static readonly Lazy<MetadataReference> LazyMscorlib = new(() => MetadataReference.CreateFromFile(MscorlibPath));
    private static readonly ConcurrentDictionary<string, Lazy<Result>> Stubs = new(StringComparer.Ordinal);

    /// <summary>Gets the real nanoFramework mscorlib.dll, copied next to the tests from nanoFramework.CoreLibrary.</summary>
    public static string MscorlibPath => Path.Combine(AppContext.BaseDirectory, "nanoFramework", "mscorlib.dll");

    /// <summary>Gets the reference to the real mscorlib.</summary>
    public static MetadataReference Mscorlib => LazyMscorlib.Value;

    /// <summary>Gets the folder holding one sub-folder of stub sources per stub assembly.</summary>
    public static string StubsDirectory => RepoPaths.Combine("tests", "EdgeMicro.Firmware.Build.Tests", "Stubs");

    /// <summary>Gets the firmware directory.</summary>
    public static string FirmwareDirectory => RepoPaths.Combine("firmware");

    /// <summary>Compiles (once) the stub assembly of that name and those it references.</summary>
    public static Result Stub(string assemblyName) =>
        Stubs.GetOrAdd(assemblyName, name => new Lazy<Result>(() =>
        {
            var references = new List<MetadataReference> { Mscorlib };
            foreach (string dependency in StubReferences[name])
            {
                references.Add(Stub(dependency).Reference);
            }

            string[] sources = Directory.GetFiles(Path.Combine(StubsDirectory, name), "*.cs", SearchOption.AllDirectories);
            // Stubs carry no XML docs (the real libraries' docs live upstream): parsed, not diagnosed.
            return Compile(name, sources, references, OutputKind.DynamicallyLinkedLibrary, ["NANOFRAMEWORK_1_0"], DocumentationMode.Parse);
        })).Value;

    /// <summary>Compiles the portable core from EdgeMicro.Core.projitems against mscorlib, as EdgeMicro.Core.nfproj does.</summary>
    public static Result Core()
    {
        string projitems = Path.Combine(FirmwareDirectory, "EdgeMicro.Core", "EdgeMicro.Core.projitems");
        string nfproj = Path.Combine(FirmwareDirectory, "EdgeMicro.Core", "EdgeMicro.Core.nfproj");
        return Compile("EdgeMicro.Core", SourcesOf(projitems), [Mscorlib], OutputKind.DynamicallyLinkedLibrary, Defines(nfproj), Documentation(nfproj));
    }

    /// <summary>
    /// Compiles the firmware app from its .nfproj's Compile items against the core and the assemblies the .nfproj
    /// references: mscorlib is the real one, every other reference the stub of the same name (a reference without a
    /// stub adds nothing, so code using it cannot compile; a stub the .nfproj does not reference is not passed).
    /// </summary>
    public static Result App(Result core)
    {
        string nfproj = Path.Combine(FirmwareDirectory, "EdgeMicro.Firmware", "EdgeMicro.Firmware.nfproj");
        var references = new List<MetadataReference> { core.Reference };
        foreach (string name in Nfproj.Load(nfproj).References.Select(r => r.Name))
        {
            if (name == "mscorlib")
            {
                references.Add(Mscorlib);
            }
            else if (StubReferences.ContainsKey(name))
            {
                references.Add(Stub(name).Reference);
            }
        }

        return Compile("EdgeMicro.Firmware", Nfproj.Load(nfproj).SourceFiles, references, OutputKind.ConsoleApplication, Defines(nfproj), Documentation(nfproj));
    }

    /// <summary>Compiles sources with the device build's settings; never throws on diagnostics.</summary>
    public static Result Compile(string assemblyName, IEnumerable<string> sourceFiles, IEnumerable<MetadataReference> references, OutputKind kind, IEnumerable<string> defines, DocumentationMode documentation)
    {
        var parse = new CSharpParseOptions(LanguageVersion(), documentation, SourceCodeKind.Regular, defines);
        var trees = sourceFiles.Select(f => CSharpSyntaxTree.ParseText(File.ReadAllText(f), parse, f)).ToList();
        var options = new CSharpCompilationOptions(kind, nullableContextOptions: NullableContextOptions.Disable, warningLevel: 4, deterministic: true, optimizationLevel: OptimizationLevel.Release);
        CSharpCompilation compilation = CSharpCompilation.Create(assemblyName, trees, references, options);
        using var image = new MemoryStream();
        var emit = compilation.Emit(image);
        ImmutableArray<Diagnostic> diagnostics = emit.Diagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToImmutableArray();
        return new Result(assemblyName, trees.Count, diagnostics, emit.Success ? image.ToArray() : []);
    }

    /// <summary>Gets the C# version nfproj.props sets for every .nfproj.</summary>
    public static LanguageVersion LanguageVersion()
    {
        string value = XDocument.Load(RepoPaths.Combine("nfproj.props")).Descendants().Single(e => e.Name.LocalName == "LangVersion").Value;
        Assert.True(LanguageVersionFacts.TryParse(value, out LanguageVersion version), "nfproj.props LangVersion " + value);
        return version;
    }

    /// <summary>Gets NANOFRAMEWORK_1_0 (set by the nanoFramework project system) plus the project's DefineConstants.</summary>
    public static IEnumerable<string> Defines(string nfproj)
    {
        var defines = new List<string> { "NANOFRAMEWORK_1_0" };
        foreach (XElement e in XDocument.Load(nfproj).Descendants().Where(e => e.Name.LocalName == "DefineConstants"))
        {
            defines.AddRange(e.Value.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Where(d => !d.StartsWith('$')));
        }

        return defines;
    }

    /// <summary>Gets Diagnose when the .nfproj writes a DocumentationFile (so missing XML docs warn, as on the device build).</summary>
    public static DocumentationMode Documentation(string nfproj) =>
        XDocument.Load(nfproj).Descendants().Any(e => e.Name.LocalName == "DocumentationFile") ? DocumentationMode.Diagnose : DocumentationMode.Parse;

    /// <summary>Evaluates the Compile items of a .projitems (its one wildcard form) into source files.</summary>
    public static IReadOnlyList<string> SourcesOf(string projitems)
    {
        string dir = Path.GetDirectoryName(projitems)!;
        XElement compile = XDocument.Load(projitems).Descendants().Single(e => e.Name.LocalName == "Compile");
        Assert.Equal(@"$(MSBuildThisFileDirectory)**\*.cs", compile.Attribute("Include")!.Value);
        return Directory.GetFiles(dir, "*.cs", SearchOption.AllDirectories)
            .Where(f => !IsBuildOutput(Path.GetRelativePath(dir, f)))
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    private static bool IsBuildOutput(string relative) =>
        relative.StartsWith("obj" + Path.DirectorySeparatorChar, StringComparison.Ordinal) || relative.StartsWith("bin" + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>One compiled assembly.</summary>
    /// <param name="Name">Assembly name.</param>
    /// <param name="SourceCount">Number of source files.</param>
    /// <param name="Diagnostics">Errors and warnings.</param>
    /// <param name="Image">The emitted assembly (empty when the compile failed).</param>
    public sealed record Result(string Name, int SourceCount, ImmutableArray<Diagnostic> Diagnostics, byte[] Image)
    {
        /// <summary>Gets a metadata reference to the image.</summary>
        public MetadataReference Reference => MetadataReference.CreateFromImage(Image, filePath: Name + ".dll");

        /// <summary>Gets the diagnostics, one a line, for assertion messages.</summary>
        public string Report => Name + ": " + Diagnostics.Length + " diagnostics\n" + string.Join("\n", Diagnostics.Select(d => d.ToString()));
    }

    /// <summary>The parts of a .nfproj the checks need.</summary>
    /// <param name="SourceFiles">The Compile items, wildcards expanded.</param>
    /// <param name="References">Each Reference: assembly name and HintPath.</param>
    public sealed partial record Nfproj(IReadOnlyList<string> SourceFiles, IReadOnlyList<(string Name, string HintPath)> References)
    {
        /// <summary>Reads a .nfproj.</summary>
        public static Nfproj Load(string path)
        {
            string dir = Path.GetDirectoryName(path)!;
            XDocument doc = XDocument.Load(path);
            var sources = new List<string>();
            foreach (string include in doc.Descendants().Where(e => e.Name.LocalName == "Compile").Select(e => e.Attribute("Include")!.Value.Replace('\\', '/')))
            {
                string pattern = Path.GetFileName(include);
                string folder = Path.Combine(dir, Path.GetDirectoryName(include) ?? string.Empty);
                sources.AddRange(pattern.Contains('*', StringComparison.Ordinal) ? Directory.GetFiles(folder, pattern).Order(StringComparer.Ordinal) : [Path.Combine(dir, include)]);
            }

            var references = doc.Descendants().Where(e => e.Name.LocalName == "Reference")
                .Select(e => (e.Attribute("Include")!.Value, e.Elements().Single(h => h.Name.LocalName == "HintPath").Value))
                .ToList();
            return new Nfproj(sources, references);
        }

        /// <summary>Splits a HintPath <c>..\..\packages\ID.VERSION\lib\ASSEMBLY.dll</c>.</summary>
        public static (string Package, string Assembly) ParseHint(string hintPath)
        {
            Match m = HintRegex().Match(hintPath);
            Assert.True(m.Success, "HintPath not of the form ..\\..\\packages\\ID.VERSION\\lib\\ASSEMBLY.dll: " + hintPath);
            return (m.Groups[1].Value, m.Groups[2].Value);
        }

        [GeneratedRegex(@"^\.\.\\\.\.\\packages\\([^\\]+)\\lib\\([^\\]+)\.dll$")]
        private static partial Regex HintRegex();
    }
}
