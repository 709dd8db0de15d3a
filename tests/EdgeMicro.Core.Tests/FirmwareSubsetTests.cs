using System.Reflection;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Tests.Support;
using Xunit.Abstractions;

namespace EdgeMicro.Core.Tests;

/// <summary>
/// Gate: the compiled desktop build of the firmware core (the same sources as the device build) stays inside what
/// nanoFramework v1 (nanoFramework.CoreLibrary 1.17.x, no generics) can load, and references only the mscorlib API in
/// firmware/AllowedApis.txt, where each entry names the CoreLibrary source file that defines it.
/// </summary>
public sealed class FirmwareSubsetTests
{
    private readonly ITestOutputHelper _output;

    public FirmwareSubsetTests(ITestOutputHelper output)
    {
        _output = output;
    }

    /// <summary>
    /// Attribute types the DESKTOP build carries that the device build does not need from mscorlib, each only ever
    /// used as an assembly/module/field attribute (checked below, never by code):
    /// TargetFramework and Assembly*Attribute come from the .NET SDK's generated AssemblyInfo of
    /// EdgeMicro.Core.Desktop (the nfproj compiles no AssemblyInfo); CompilationRelaxations, RuntimeCompatibility,
    /// RefSafetyRules (emitted because net10.0's corlib has ref fields) and CompilerGenerated (backing fields of auto
    /// properties) are attributes Roslyn synthesizes only when the referenced corlib defines them. The v1
    /// nanoFramework.CoreLibrary/CoreLibrary.nfproj compiles none of these four (its System/Runtime/CompilerServices
    /// list is AccessedThroughProperty, Extension, IndexerName, InternalsVisibleTo, MethodImpl, RuntimeHelpers; a
    /// CompilerGeneratedAttribute.cs appears only in a later version of the repository), so where mscorlib lacks them
    /// the device build simply omits them.
    /// </summary>
    private static readonly string[] DesktopOnlyAttributes =
    {
        "System.Runtime.Versioning.TargetFrameworkAttribute",
        "System.Reflection.AssemblyCompanyAttribute",
        "System.Reflection.AssemblyConfigurationAttribute",
        "System.Reflection.AssemblyFileVersionAttribute",
        "System.Reflection.AssemblyInformationalVersionAttribute",
        "System.Reflection.AssemblyProductAttribute",
        "System.Reflection.AssemblyTitleAttribute",
        "System.Runtime.CompilerServices.CompilationRelaxationsAttribute",
        "System.Runtime.CompilerServices.RuntimeCompatibilityAttribute",
        "System.Runtime.CompilerServices.RefSafetyRulesAttribute",
        "System.Runtime.CompilerServices.CompilerGeneratedAttribute",
    };

    private static string CoreAssemblyPath => typeof(Classifier).Assembly.Location;

    private static bool IsDesktopOnly(string reference) =>
        DesktopOnlyAttributes.Any(a => reference == "T:" + a || reference.StartsWith("M:" + a + "..ctor(", StringComparison.Ordinal));

    [Fact]
    public void CoreAssembly_WhenScanned_UsesNoConstructOutsideTheNanoFrameworkSubset()
    {
        SubsetScanner scan = SubsetScanner.Scan(CoreAssemblyPath);

        foreach (string v in scan.Violations)
        {
            _output.WriteLine("VIOLATION: " + v);
        }

        Assert.True(scan.Violations.Count == 0, "EdgeMicro.Core uses constructs nanoFramework v1 lacks:\n" + string.Join("\n", scan.Violations));
    }

    [Fact]
    public void CoreAssembly_WhenScanned_ReferencesOnlyAllowlistedApis()
    {
        SubsetScanner scan = SubsetScanner.Scan(CoreAssemblyPath);
        HashSet<string> allowed = AllowedApis.Load();

        List<string> offending = scan.References.Where(r => !allowed.Contains(r) && !IsDesktopOnly(r)).ToList();
        foreach (string r in offending)
        {
            _output.WriteLine("NOT ALLOWLISTED: " + r);
        }

        Assert.True(offending.Count == 0, "EdgeMicro.Core references API not in firmware/AllowedApis.txt (verify it exists in nanoFramework.CoreLibrary 1.17.x, add it with its source path, or avoid it):\n" + string.Join("\n", offending));
    }

    [Fact]
    public void DesktopOnlyAttributes_WhenScanned_AreNeverUsedByCode()
    {
        SubsetScanner scan = SubsetScanner.Scan(CoreAssemblyPath);

        Assert.DoesNotContain(scan.UsedByCode, IsDesktopOnly);
        Assert.NotEmpty(scan.UsedByCode); // the operand tracking works: calls such as Array.Copy are seen
    }

    [Fact]
    public void Allowlist_WhenComparedWithTheCoreAssembly_HasNoUnusedEntries()
    {
        SubsetScanner scan = SubsetScanner.Scan(CoreAssemblyPath);

        List<string> unused = AllowedApis.Load().Where(a => !scan.References.Contains(a)).OrderBy(a => a, StringComparer.Ordinal).ToList();

        Assert.True(unused.Count == 0, "firmware/AllowedApis.txt lists API the core no longer uses (remove it):\n" + string.Join("\n", unused));
    }

    [Fact]
    public void Allowlist_WhenParsed_GivesEveryEntryItsCoreLibrarySource()
    {
        foreach (string line in AllowedApis.Lines())
        {
            Assert.Matches(@"^[TMF]:\S.*#\s*nanoFramework\.CoreLibrary/\S+\.cs", line);
        }
    }

    [Fact]
    public void Scanner_WhenGivenAnAssemblyOutsideTheSubset_ReportsEachKindOfViolation()
    {
        // The test assembly uses generics and BCL collections, plus the canaries below: the gate must not be vacuous.
        SubsetScanner scan = SubsetScanner.Scan(Assembly.GetExecutingAssembly().Location);

        Assert.Contains(scan.Violations, v => v.StartsWith("generic instantiation", StringComparison.Ordinal));
        Assert.Contains(scan.Violations, v => v.Contains("MethodSpec", StringComparison.Ordinal));
        Assert.Contains("T:System.Collections.Generic.List`1", scan.References);
        Assert.Contains(scan.Violations, v => v.StartsWith("localloc (stackalloc) in " + typeof(Canaries).FullName, StringComparison.Ordinal));
        Assert.Contains(scan.Violations, v => v.StartsWith("multi-dimensional array System.Int32[,]", StringComparison.Ordinal));
        Assert.Contains(scan.Violations, v => v.StartsWith("state machine (System.Runtime.CompilerServices.AsyncStateMachineAttribute)", StringComparison.Ordinal));
        Assert.Contains(scan.Violations, v => v.StartsWith("generic method definition " + typeof(Canaries).FullName, StringComparison.Ordinal));
    }

    /// <summary>Constructs the gate must catch, compiled into this test assembly.</summary>
    private static class Canaries
    {
        public static readonly int[,] Grid = new int[2, 2];

        public static int Stack()
        {
            Span<int> buffer = stackalloc int[4];
            buffer[1] = Grid[1, 1];
            return buffer[1];
        }

        public static async Task<int> Later()
        {
            await Task.Yield();
            return Stack();
        }

        public static T Echo<T>(T value) => value;
    }

    /// <summary>firmware/AllowedApis.txt, embedded in the test assembly at build time.</summary>
    private static class AllowedApis
    {
        public static IEnumerable<string> Lines()
        {
            using Stream stream = typeof(FirmwareSubsetTests).Assembly.GetManifestResourceStream("AllowedApis.txt")
                ?? throw new InvalidOperationException("AllowedApis.txt is not embedded");
            using var reader = new StreamReader(stream);
            var lines = new List<string>();
            for (string? line = reader.ReadLine(); line != null; line = reader.ReadLine())
            {
                string trimmed = line.Trim();
                if (trimmed.Length != 0 && !trimmed.StartsWith('#'))
                {
                    lines.Add(trimmed);
                }
            }

            return lines;
        }

        public static HashSet<string> Load()
        {
            var set = new HashSet<string>(StringComparer.Ordinal);
            foreach (string line in Lines())
            {
                int hash = line.IndexOf('#', StringComparison.Ordinal);
                Assert.True(set.Add((hash < 0 ? line : line[..hash]).Trim()), "duplicate allowlist entry: " + line);
            }

            return set;
        }
    }
}
