using Mono.Cecil.Cil;

namespace EdgeMicro.IlCounting.Tests;

/// <summary>
/// Exact counts: every expected number is derived from the compiled IL by <see cref="IlPath"/>, which walks
/// one path instruction by instruction, independently of the basic-block instrumentation under test.
/// </summary>
public sealed class IlExecutionCounterTests
{
    private const string LoopSource = """
        public static class Loop
        {
            public static int Sum(int n)
            {
                int s = 0;
                for (int i = 0; i < n; i++) s += i;
                return s;
            }
        }
        """;

    private const string SwitchSource = """
        public static class Sw
        {
            public static int Pick(int x)
            {
                switch (x)
                {
                    case 0: return 10;
                    case 1: return 25;
                    case 2: return x * 7;
                    case 3: return 4;
                    case 4: return x + 1000;
                    case 5: return 6;
                    default: return -1;
                }
            }
        }
        """;

    private const string TrySource = """
        using System;
        public static class Guarded
        {
            public static int Divide(int x)
            {
                int r = 0;
                try
                {
                    try { r = 10 / x; }
                    catch (DivideByZeroException) { r = -1; }
                }
                finally { r += 100; }
                return r;
            }
        }
        """;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(1000)]
    public void ExecutedInstructions_WhenLoopRunsNTimes_IsProloguePlusNTimesBodyPlusEpilogue(int n)
    {
        var image = SnippetCompiler.Compile("Loops", LoopSource);
        using var il = new IlPath(image, "Loop", "Sum");

        // Release layout: ldc.i4.0 stloc.0 ldc.i4.0 stloc.1 br COND | BODY: ldloc.0 ldloc.1 add stloc.0
        // ldloc.1 ldc.i4.1 add stloc.1 | COND: ldloc.1 ldarg.0 blt BODY | ldloc.0 ret
        var loopBranch = Assert.Single(il.Instructions, i => i.OpCode.FlowControl == FlowControl.Cond_Branch);
        var bodyStart = (Instruction)loopBranch.Operand;
        Assert.True(bodyStart.Offset < loopBranch.Offset, "the loop is closed by a backward branch");
        var slope = il.IndexOf(loopBranch) - il.IndexOf(bodyStart) + 1;
        var atZero = il.Walk(il.First, 0);
        var expected = il.Walk(il.First, Enumerable.Repeat(1, n).Append(0), out _);

        using var counter = new IlExecutionCounter([("Loops", image)]);
        var result = Invoke(counter, "Loops", "Loop", "Sum", n);

        Assert.Equal(n * (n - 1) / 2, result);
        Assert.Equal(expected, counter.ExecutedInstructions);
        Assert.Equal(atZero + ((long)n * slope), counter.ExecutedInstructions);
        Assert.Equal(10 + (11L * n), counter.ExecutedInstructions); // hand count of the listing above
    }

    [Theory]
    [InlineData(-5)]
    [InlineData(0)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(5)]
    [InlineData(6)]
    [InlineData(1_000_000)]
    public void ExecutedInstructions_WhenSwitchDispatches_CountsOnlyTheTakenCase(int x)
    {
        var image = SnippetCompiler.Compile("Switches", SwitchSource);
        using var il = new IlPath(image, "Sw", "Pick");
        var table = Assert.Single(il.Instructions, i => i.OpCode.Code == Code.Switch);
        Assert.Equal(6, ((Instruction[])table.Operand).Length);
        var inRange = x is >= 0 and <= 5;
        var expected = il.Walk(il.First, inRange ? x : -1);

        using var counter = new IlExecutionCounter([("Switches", image)]);
        var result = Invoke(counter, "Switches", "Sw", "Pick", x);

        var reference = x switch { 0 => 10, 1 => 25, 2 => x * 7, 3 => 4, 4 => x + 1000, 5 => 6, _ => -1 };
        Assert.Equal(reference, result);
        Assert.Equal(expected, counter.ExecutedInstructions);
    }

    [Fact]
    public void ExecutedInstructions_WhenTryCompletes_CountsTryFinallyAndEpilogue()
    {
        var image = SnippetCompiler.Compile("Guards", TrySource);
        using var il = new IlPath(image, "Guarded", "Divide");
        var handlers = il.Method.Body.ExceptionHandlers;
        var fin = Assert.Single(handlers, h => h.HandlerType == ExceptionHandlerType.Finally);

        var tryPart = il.Walk(il.First, [], out var leave);
        var finallyPart = il.Walk(fin.HandlerStart);
        var epilogue = il.Walk((Instruction)leave.Operand);

        using var counter = new IlExecutionCounter([("Guards", image)]);
        Assert.Equal(105, Invoke(counter, "Guards", "Guarded", "Divide", 2));
        Assert.Equal(tryPart + finallyPart + epilogue, counter.ExecutedInstructions);
    }

    [Fact]
    public void ExecutedInstructions_WhenTryThrows_CountsInterruptedBlockInFullPlusCatchFinallyEpilogue()
    {
        var image = SnippetCompiler.Compile("Guards", TrySource);
        using var il = new IlPath(image, "Guarded", "Divide");
        var handlers = il.Method.Body.ExceptionHandlers;
        var fin = Assert.Single(handlers, h => h.HandlerType == ExceptionHandlerType.Finally);
        var katch = Assert.Single(handlers, h => h.HandlerType == ExceptionHandlerType.Catch);

        // The try block runs up to the faulting div, but (documented rule) its block counts in full.
        var tryBlock = il.Walk(il.First, [], out var tryLeave);
        var div = Assert.Single(il.Instructions, i => i.OpCode.Code == Code.Div);
        var notRun = il.IndexOf(tryLeave) - il.IndexOf(div);
        Assert.True(notRun > 0);
        var catchPart = il.Walk(katch.HandlerStart, [], out var catchLeave);
        var finallyPart = il.Walk(fin.HandlerStart);
        var epilogue = il.Walk((Instruction)catchLeave.Operand);

        using var counter = new IlExecutionCounter([("Guards", image)]);
        Assert.Equal(99, Invoke(counter, "Guards", "Guarded", "Divide", 0));
        Assert.Equal(tryBlock + catchPart + finallyPart + epilogue, counter.ExecutedInstructions);
    }

    [Fact]
    public void ExecutedInstructions_WhenOneInstrumentedAssemblyCallsAnother_CountsBoth()
    {
        var lib = SnippetCompiler.Compile("CountLib", "public static class Lib { public static int Twice(int x) => x + x; }");
        var app = SnippetCompiler.Compile(
            "CountApp",
            "public static class App { public static int Run(int x) => Lib.Twice(x) + System.Math.Max(x, 3); }",
            lib);
        using var libIl = new IlPath(lib, "Lib", "Twice");
        using var appIl = new IlPath(app, "App", "Run");
        var expected = libIl.Walk(libIl.First) + appIl.Walk(appIl.First); // Math.Max counts 1 (its call)

        using var counter = new IlExecutionCounter([("CountLib", lib), ("CountApp", app)]);
        Assert.Equal(15, Invoke(counter, "CountApp", "App", "Run", 5));
        Assert.Equal(expected, counter.ExecutedInstructions);

        using var appOnly = new IlExecutionCounter([("CountApp", app)]);
        Assert.Throws<ArgumentException>(() => appOnly.GetAssembly("CountLib"));
    }

    [Fact]
    public void PerMethod_WhenPerMethodMode_AttributesCountsAndMatchesTotal()
    {
        var lib = SnippetCompiler.Compile("CountLib", "public static class Lib { public static int Twice(int x) => x + x; }");
        var app = SnippetCompiler.Compile(
            "CountApp", "public static class App { public static int Run(int x) => Lib.Twice(x) + Lib.Twice(1); }", lib);
        using var libIl = new IlPath(lib, "Lib", "Twice");
        using var appIl = new IlPath(app, "App", "Run");

        using var counter = new IlExecutionCounter([("CountLib", lib), ("CountApp", app)], IlCountingMode.PerMethod);
        Assert.Equal(8, Invoke(counter, "CountApp", "App", "Run", 3));

        var perMethod = counter.PerMethod();
        Assert.Equal(2, perMethod.Count);
        Assert.Equal(2 * libIl.Walk(libIl.First), perMethod["[CountLib] System.Int32 Lib::Twice(System.Int32)"]);
        Assert.Equal(appIl.Walk(appIl.First), perMethod["[CountApp] System.Int32 App::Run(System.Int32)"]);
        Assert.Equal(perMethod.Values.Sum(), counter.ExecutedInstructions);
    }

    [Fact]
    public void Reset_WhenCalledBetweenRuns_RestartsFromZero()
    {
        var image = SnippetCompiler.Compile("Loops", LoopSource);
        using var counter = new IlExecutionCounter([("Loops", image)]);
        Invoke(counter, "Loops", "Loop", "Sum", 10);
        var first = counter.ExecutedInstructions;
        Invoke(counter, "Loops", "Loop", "Sum", 10);
        Assert.Equal(2 * first, counter.ExecutedInstructions);

        counter.Reset();
        Assert.Equal(0, counter.ExecutedInstructions);
        Invoke(counter, "Loops", "Loop", "Sum", 10);
        Assert.Equal(first, counter.ExecutedInstructions);
    }

    [Fact]
    public void Constructor_WhenGivenFilePath_InstrumentsTheFile()
    {
        var image = SnippetCompiler.Compile("Loops", LoopSource);
        var path = Path.Combine(Path.GetTempPath(), $"ilc-{Guid.NewGuid():N}.dll");
        File.WriteAllBytes(path, image);
        try
        {
            using var counter = new IlExecutionCounter([path]);
            Assert.Equal(["Loops"], counter.AssemblyNames);
            Assert.Equal(45, Invoke(counter, "Loops", "Loop", "Sum", 10));
            Assert.Equal(120, counter.ExecutedInstructions);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Constructor_WhenNameDoesNotMatchImage_Throws()
    {
        var image = SnippetCompiler.Compile("Loops", LoopSource);
        Assert.Throws<ArgumentException>(() => new IlExecutionCounter([("Other", image)]));
    }

    [Fact]
    public void PerMethod_WhenTotalMode_Throws()
    {
        using var counter = new IlExecutionCounter([("Loops", SnippetCompiler.Compile("Loops", LoopSource))]);
        Assert.Throws<InvalidOperationException>(() => counter.PerMethod());
    }

    [Fact]
    public void GetAssembly_WhenDisposed_ThrowsObjectDisposed()
    {
        var counter = new IlExecutionCounter([("Loops", SnippetCompiler.Compile("Loops", LoopSource))]);
        counter.Dispose();
        Assert.Throws<ObjectDisposedException>(() => counter.GetAssembly("Loops"));
        Assert.Throws<ObjectDisposedException>(() => counter.ExecutedInstructions);
    }

    internal static int Invoke(IlExecutionCounter counter, string assembly, string type, string method, params object[] args) =>
        (int)counter.GetAssembly(assembly).GetType(type, throwOnError: true)!.GetMethod(method)!.Invoke(null, args)!;
}
