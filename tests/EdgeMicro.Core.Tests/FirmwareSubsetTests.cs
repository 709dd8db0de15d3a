using System.Reflection;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Tests.Support;
using EdgeMicro.TestKit.Il;
using Xunit.Abstractions;

namespace EdgeMicro.Core.Tests;

/// <summary>
/// Gate: the compiled desktop build of the firmware core (the same sources as the device build) uses no construct
/// that compiles but does not run on the nanoFramework v1 interpreter (generics, multi-dimensional arrays, localloc,
/// state machines). Which mscorlib API exists is checked by compiling the core against the real nanoFramework
/// mscorlib 1.17.11 (tests/EdgeMicro.Firmware.Build.Tests), which replaced the hand-kept firmware/AllowedApis.txt.
/// </summary>
public sealed class FirmwareSubsetTests
{
    private readonly ITestOutputHelper _output;

    public FirmwareSubsetTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private static string CoreAssemblyPath => typeof(Classifier).Assembly.Location;

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
}
