using System.Text;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace EdgeMicro.IlCounting.Tests;

public sealed class NanoFrameworkLimitsTests
{
    [Fact]
    public void Analyze_WhenMethodHas300Locals_ReportsLocalsViolation()
    {
        // Built with Cecil, as a code generator would: Release Roslyn keeps some locals on the stack instead.
        using var assembly = AssemblyDefinition.CreateAssembly(
            new AssemblyNameDefinition("Locals", new Version(1, 0)), "Locals", ModuleKind.Dll);
        var module = assembly.MainModule;
        var type = new TypeDefinition(string.Empty, "Many", TypeAttributes.Public | TypeAttributes.Abstract | TypeAttributes.Sealed, module.TypeSystem.Object);
        var method = new MethodDefinition("M", MethodAttributes.Public | MethodAttributes.Static, module.TypeSystem.Int32);
        var il = method.Body.GetILProcessor();
        for (var i = 0; i < 300; i++)
        {
            var local = new VariableDefinition(module.TypeSystem.Int32);
            method.Body.Variables.Add(local);
            il.Emit(OpCodes.Ldc_I4, i);
            il.Emit(OpCodes.Stloc, local);
        }

        il.Emit(OpCodes.Ldloc, method.Body.Variables[299]);
        il.Emit(OpCodes.Ret);
        type.Methods.Add(method);
        module.Types.Add(type);
        using var image = new MemoryStream();
        assembly.Write(image);

        var report = NanoFrameworkLimits.Analyze(image.ToArray());

        Assert.Equal(300, report.MaxLocals);
        Assert.Equal("System.Int32 Many::M()", report.MaxLocalsMethod);
        var violation = Assert.Single(report.Violations);
        Assert.Contains("300 locals (limit 255)", violation, StringComparison.Ordinal);
        Assert.False(report.IsWithinLimits);
    }

    [Theory]
    [InlineData(1, 60_000, true)] // measured on nanoCLR: loads and runs
    [InlineData(1, 70_000, false)] // measured: fails at load
    [InlineData(2, 35_000, false)] // measured: fails at load (the limit is the assembly's total, not per array)
    public void Analyze_WhenArrayInitializersAreLarge_ChecksTheirTotalPerAssembly(int arrays, int bytesEach, bool loads)
    {
        var source = "public static class Table { " + string.Join(" ", Enumerable.Range(0, arrays).Select(a =>
            $"public static readonly byte[] A{a} = new byte[] {{ {string.Join(",", Enumerable.Range(0, bytesEach).Select(i => ((i * 7) + a) % 251))} }};")) + " }";

        var report = NanoFrameworkLimits.Analyze(SnippetCompiler.Compile("Initializers", source));

        Assert.Equal(arrays * bytesEach, report.InitializerDataBytes);
        Assert.Equal(loads, report.IsWithinLimits);
        if (!loads)
        {
            Assert.Contains("array-initializer data", Assert.Single(report.Violations), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Analyze_WhenTheRestOfTheDeviceAssemblyIsGiven_CountsItsBytecodeAndInitializerData()
    {
        var source = "public static class Table { public static readonly byte[] A = new byte[] { " + string.Join(",", Enumerable.Range(0, 50_000).Select(i => i % 251)) + " }; }";
        byte[] image = SnippetCompiler.Compile("Shared", source);

        var alone = NanoFrameworkLimits.Analyze(image);
        var withApp = NanoFrameworkLimits.Analyze(image, new AssemblyShare("the firmware app", 65_530, 12_000));

        Assert.True(alone.IsWithinLimits, alone.ToString());
        Assert.Equal(alone.TotalIlBytes + 65_530, withApp.TotalIlBytes);
        Assert.Equal(62_000, withApp.InitializerDataBytes);
        Assert.Equal(2, withApp.Violations.Count);
        Assert.All(withApp.Violations, v => Assert.Contains("of the firmware app", v, StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_WhenClassHas300StaticFields_ReportsStaticFieldsViolation()
    {
        var fields = string.Join(", ", Enumerable.Range(0, 300).Select(i => $"f{i}"));
        var source = $"public static class Statics {{ public static int {fields}; public const int C = 1; public static int Get() => f0 + f299 + C; }}";

        var report = NanoFrameworkLimits.Analyze(SnippetCompiler.Compile("StaticFields", source));

        Assert.Equal(300, report.MaxStaticFields); // the const has no storage and is not counted
        Assert.Equal("Statics", report.MaxStaticFieldsType);
        var violation = Assert.Single(report.Violations);
        Assert.Contains("Type 'Statics' has 300 static fields (limit 255)", violation, StringComparison.Ordinal);
    }

    [Fact]
    public void Analyze_WhenLoopBodyExceeds32KB_ReportsBranchSpanViolation()
    {
        var image = SnippetCompiler.Compile("BigLoop", BigMethods(1, withLoop: true));
        var report = NanoFrameworkLimits.Analyze(image);

        // Independent check: the loop's backward branch spans the whole body.
        using var module = ModuleDefinition.ReadModule(new MemoryStream(image));
        var method = module.GetType("Big").Methods.Single(m => m.Name == "M0");
        var back = method.Body.Instructions.Single(i => i.OpCode.FlowControl == FlowControl.Cond_Branch);
        var span = back.Offset + back.GetSize() - ((Instruction)back.Operand).Offset;

        Assert.True(span > 32_767, $"span {span}");
        Assert.Equal(span, report.MaxBranchSpan);
        Assert.Equal("System.Int32 Big::M0(System.Int32)", report.MaxBranchSpanMethod);
        Assert.Equal(method.Body.CodeSize, report.LargestMethodBytes);
        Assert.True(report.TotalIlBytes < NanoFrameworkLimits.MaxAssemblyBytecodeBytes);
        Assert.NotEmpty(report.Violations);
        Assert.All(report.Violations, v => Assert.Contains("(limit 32767)", v, StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_WhenAssemblyExceeds64KB_ReportsTotalBytecodeViolation()
    {
        var image = SnippetCompiler.Compile("BigAssembly", BigMethods(3, withLoop: false, statements: 2_400));
        var report = NanoFrameworkLimits.Analyze(image);

        using var module = ModuleDefinition.ReadModule(new MemoryStream(image));
        var total = module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody).Sum(m => m.Body.CodeSize);

        Assert.Equal(total, report.TotalIlBytes);
        Assert.True(total > 65_535, $"total {total}");
        var violation = Assert.Single(report.Violations);
        Assert.Equal($"Assembly has {total} bytes of IL (limit 65535).", violation);
    }

    [Fact]
    public void Analyze_WhenCodeUsesGenericsMultiDimArraysOrStackalloc_ReportsEach()
    {
        const string source = """
            using System.Collections.Generic;
            public class Holder<T> { public T Value; }
            public static unsafe class Uses
            {
                public static int Identity<T>(T x) => 1;
                public static int List() { var l = new List<int>(); l.Add(1); return l.Count; }
                public static int Grid() { var m = new int[2, 3]; m[1, 2] = 5; return m[1, 2]; }
                public static int Stack() { int* p = stackalloc int[4]; p[0] = 1; return p[0]; }
            }
            """;

        var violations = NanoFrameworkLimits.Analyze(SnippetCompiler.Compile("Unsupported", source)).Violations;

        Assert.Contains("Type 'Holder`1' is generic.", violations);
        Assert.Contains("Method 'System.Int32 Uses::Identity(T)' is generic.", violations);
        Assert.Contains(violations, v => v.StartsWith("Method 'System.Int32 Uses::List()' uses generic type 'System.Collections.Generic.List`1<System.Int32>'", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.StartsWith("Method 'System.Int32 Uses::Grid()' uses multi-dimensional array", StringComparison.Ordinal));
        Assert.Contains("Method 'System.Int32 Uses::Stack()' uses localloc (stackalloc).", violations);
        Assert.DoesNotContain(violations, v => v.Contains("locals", StringComparison.Ordinal));
    }

    [Fact]
    public void Analyze_WhenAssemblyIsSmallAndPlain_ReportsNoViolations()
    {
        const string source = """
            public static class Plain
            {
                public static int Counter;
                public static int Sum(int n) { int s = 0; for (int i = 0; i < n; i++) s += i; Counter++; return s; }
                public static int Clamp(int v) => v > 127 ? 127 : v < -128 ? -128 : v;
            }
            """;
        var image = SnippetCompiler.Compile("Plain", source);
        var path = Path.Combine(Path.GetTempPath(), $"nf-{Guid.NewGuid():N}.dll");
        File.WriteAllBytes(path, image);
        try
        {
            var report = NanoFrameworkLimits.Analyze(image);
            using var module = ModuleDefinition.ReadModule(new MemoryStream(image));
            var methods = module.GetTypes().SelectMany(t => t.Methods).Where(m => m.HasBody).ToList();
            var largest = methods.MaxBy(m => m.Body.CodeSize)!;

            Assert.True(report.IsWithinLimits, report.ToString());
            Assert.Empty(report.Violations);
            Assert.Equal("Plain", report.AssemblyName);
            Assert.Equal(methods.Sum(m => m.Body.CodeSize), report.TotalIlBytes);
            Assert.Equal(largest.Body.CodeSize, report.LargestMethodBytes);
            Assert.Equal(largest.FullName, report.LargestMethod);
            Assert.Equal(2, report.MaxLocals);
            Assert.Equal(1, report.MaxStaticFields);
            Assert.InRange(report.MaxBranchSpan, 1, 127);
            Assert.Equal(report.ToString(), NanoFrameworkLimits.Analyze(path).ToString());
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>Class <c>Big</c> with <paramref name="count"/> methods of straight-line arithmetic (11-13 IL bytes per statement).</summary>
    private static string BigMethods(int count, bool withLoop, int statements = 2_600)
    {
        var source = new StringBuilder("public static class Big { ");
        for (var m = 0; m < count; m++)
        {
            source.Append($"public static int M{m}(int n) {{ int s = 0; int i = n; ");
            source.Append(withLoop ? "for (i = 0; i < n; i++) { " : "{ ");
            for (var k = 0; k < statements; k++)
            {
                source.Append($"s = s * 31 + i + {100_000 + k}; ");
            }

            source.Append("} return s; } ");
        }

        return source.Append('}').ToString();
    }
}
