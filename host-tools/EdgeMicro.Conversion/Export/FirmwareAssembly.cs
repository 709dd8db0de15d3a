using EdgeMicro.IlCounting;

namespace EdgeMicro.Conversion.Export;

/// <summary>
/// The firmware assembly a user builds: the app (firmware/EdgeMicro.Firmware) with the generated weight table and
/// kernel in its Models/ folder, one assembly on the device. nanoFramework's per-assembly limits (64 KB of bytecode,
/// about 64 KB of array-initializer data) apply to the three together, so the generated code is checked with the
/// app's own share added (<see cref="App"/>).
/// </summary>
public static class FirmwareAssembly
{
    /// <summary>
    /// The app's own share of its assembly, without Models/: measured by compiling firmware/EdgeMicro.Firmware as
    /// tests/EdgeMicro.Firmware.Build.Tests does (Roslyn, real nanoFramework mscorlib 1.17.11) minus its Models/*.g.cs;
    /// that test fails when the app outgrows these figures (they are kept at most 10% above the measurement). Measured
    /// 3,460 B of IL and no initializer data (the app with the digits table and kernel: 13,120 B of IL, 7,720 B of data).
    /// </summary>
    public static readonly AssemblyShare App = new("the firmware app", 3_600, 0);

    /// <summary>Compiles generated sources (weight table, kernel) into one assembly and checks it, app included.</summary>
    /// <param name="assemblyName">Assembly name for the check.</param>
    /// <param name="sources">The generated sources.</param>
    /// <returns>The limits report of the whole firmware assembly.</returns>
    public static NanoFrameworkLimitsReport Check(string assemblyName, params string[] sources) =>
        NanoFrameworkLimits.Analyze(KernelCompiler.Compile(assemblyName, sources), App);
}
