using System.Reflection;
using System.Runtime.Loader;
using System.Text;

namespace EdgeMicro.IlCounting.Tests;

/// <summary>The instrumented code must behave exactly like the original (results and exceptions).</summary>
public sealed class InstrumentationEquivalenceTests
{
    private const string Source = """
        using System;
        using System.Collections.Generic;
        using System.Linq;

        public struct Acc { public int V; public void Add(int x) { V += x > 0 ? x : -x; } }
        public sealed class Box<T> { public Box(T v) { Value = v; } public T Value { get; } }
        public sealed class Tracker : IDisposable { public static int Disposed; public void Dispose() { Disposed++; } }

        public static partial class Eq
        {
            private static readonly int[] Table = { 3, 1, 4, 1, 5, 9, 2, 6 };
            private static int finallies;

            public static int Dot(int seed)
            {
                int rnd = seed;
                sbyte[] a = new sbyte[37], b = new sbyte[37];
                for (int i = 0; i < a.Length; i++) { rnd = rnd * 1103515245 + 12345; a[i] = (sbyte)(rnd >> 16); b[i] = (sbyte)(rnd >> 8); }
                int acc = 0;
                for (int i = 0; i < a.Length; i++) acc += a[i] * b[i];
                int q = (acc * 77) >> 8;
                return q > 127 ? 127 : q < -128 ? -128 : q;
            }

            public static int Ternaries(int x) =>
                Math.Max(x > 0 ? x : -x, x % 3 == 0 ? 7 : x & 5) + (x > 10 ? 1 : 2) * (x < -10 ? 3 : 4);

            public static int Nested(int n)
            {
                int c = 0;
                for (int i = 0; i < n; i++)
                {
                    if (i % 7 == 3) continue;
                    for (int j = 0; j < i; j++) { if (j > 5) break; c += i ^ j; }
                }
                return c;
            }

            public static int Filter(int x)
            {
                try
                {
                    if (x % 2 == 0) throw new InvalidOperationException("even" + x);
                    return x;
                }
                catch (InvalidOperationException e) when (e.Message.Length > 5) { return -2 - finallies; }
                catch (InvalidOperationException) { return -1; }
                finally { finallies++; }
            }

            public static int Words(int x)
            {
                string s = ((x % 10 + 10) % 10).ToString();
                switch (s)
                {
                    case "0": return 100; case "1": return 101; case "2": return 102; case "3": return 103;
                    case "4": return 104; case "5": return 105; case "6": return 106; case "7": return 107;
                    default: return -1;
                }
            }

            public static int Linq(int n) => Enumerable.Range(0, Math.Abs(n)).Where(i => i % 3 != 0).Select(i => i * i + n).Sum();

            public static int Foreach(int n)
            {
                var list = new List<int>();
                for (int i = 0; i < Math.Abs(n); i++) list.Add(i * Table[i % Table.Length]);
                int s = 0;
                foreach (var v in list) s += v;
                using (new Tracker()) { s += Tracker.Disposed; }
                return s;
            }

            public static int Recurse(int n) => n <= 1 ? n : Recurse(n - 1) + Recurse(n - 2);

            public static int Throws(int x) => x < 0 ? throw new ArgumentOutOfRangeException(nameof(x)) : x;

            public static int Overflow(int x) { checked { return x * 300_000_000; } }

            public static int Generic(int x) => Id(x) + new Box<string>("ab" + x).Value.Length;

            private static T Id<T>(T v) => v;

            public static int Structs(int x) { var a = new Acc(); for (int i = -3; i < 3; i++) a.Add(x * i); return a.V; }

            public static int Iterator(int n) { int s = 0; foreach (var v in Squares(n)) s += v; return s; }

            private static IEnumerable<int> Squares(int n) { for (int i = 0; i < n; i++) { if (i == 7) yield break; yield return i * i; } }
        }
        """;

    private static readonly int[] Inputs = [-20, -11, -3, -1, 0, 1, 2, 3, 4, 7, 10, 11, 12, 19, 20];

    [Theory]
    [InlineData(IlCountingMode.Total)]
    [InlineData(IlCountingMode.PerMethod)]
    public void Invoke_WhenInstrumented_ReturnsSameResultsAndExceptionsAsOriginal(IlCountingMode mode)
    {
        var image = SnippetCompiler.Compile("Equivalence", Source + LongBranchSource());
        var context = new AssemblyLoadContext("original", isCollectible: true);
        try
        {
            var original = context.LoadFromStream(new MemoryStream(image)).GetType("Eq", throwOnError: true)!;
            using var counter = new IlExecutionCounter([("Equivalence", image)], mode);
            var instrumented = counter.GetAssembly("Equivalence").GetType("Eq", throwOnError: true)!;

            var methods = original.GetMethods(BindingFlags.Public | BindingFlags.Static);
            Assert.True(methods.Length >= 14);
            foreach (var method in methods)
            {
                foreach (var x in Inputs)
                {
                    var expected = Run(method, x);
                    var actual = Run(instrumented.GetMethod(method.Name)!, x);
                    Assert.True(expected == actual, $"{method.Name}({x}): original {expected}, instrumented {actual}");
                }
            }

            Assert.True(counter.ExecutedInstructions > 10_000);
        }
        finally
        {
            context.Unload();
        }
    }

    [Fact]
    public void ExecutedInstructions_WhenPerMethodMode_EqualsTotalMode()
    {
        var image = SnippetCompiler.Compile("Equivalence", Source + LongBranchSource());
        using var total = new IlExecutionCounter([("Equivalence", image)]);
        using var perMethod = new IlExecutionCounter([("Equivalence", image)], IlCountingMode.PerMethod);
        foreach (var counter in new[] { total, perMethod })
        {
            var type = counter.GetAssembly("Equivalence").GetType("Eq", throwOnError: true)!;
            foreach (var method in type.GetMethods(BindingFlags.Public | BindingFlags.Static).OrderBy(m => m.Name))
            {
                foreach (var x in Inputs)
                {
                    Run(method, x);
                }
            }
        }

        Assert.Equal(total.ExecutedInstructions, perMethod.ExecutedInstructions);
        Assert.Equal(perMethod.ExecutedInstructions, perMethod.PerMethod().Values.Sum());
        Assert.Contains(perMethod.PerMethod().Keys, k => k.Contains("<Linq>", StringComparison.Ordinal));
    }

    [Fact]
    public void Invoke_WhenSdkBuiltLibraryIsInstrumentedFromPath_BehavesLikeOriginal()
    {
        // A real SDK-built assembly (this library: generics, lambdas, iterators, LINQ, Cecil calls).
        var path = typeof(NanoFrameworkLimits).Assembly.Location;
        var subject = SnippetCompiler.Compile("Subject", "public static class P { public static int F(int x) => x > 0 ? x : -x; }");
        var expected = NanoFrameworkLimits.Analyze(subject).ToString();

        using var counter = new IlExecutionCounter([path], IlCountingMode.PerMethod);
        var analyze = counter.GetAssembly("EdgeMicro.IlCounting")
            .GetType(typeof(NanoFrameworkLimits).FullName!, throwOnError: true)!
            .GetMethod(nameof(NanoFrameworkLimits.Analyze), [typeof(byte[])])!;
        var actual = analyze.Invoke(null, [subject])!.ToString();

        Assert.Equal(expected, actual);
        Assert.True(counter.ExecutedInstructions > 100);
        Assert.Contains(counter.PerMethod().Keys, k => k.Contains("NanoFrameworkLimits/Analysis::CheckInstruction", StringComparison.Ordinal));
    }

    /// <summary>A loop around many if/else blocks, whose short branches (bodies under 127 bytes) go out of range once 20-byte probes are inserted.</summary>
    private static string LongBranchSource()
    {
        var text = new StringBuilder("public static partial class Eq { public static int LongBranches(int x) { int s = 0; ");
        text.Append("for (int i = 0; i < 9; i++) { ");
        for (var k = 0; k < 60; k++)
        {
            text.Append($"if ((x + i) % {k + 2} == 1) {{ s += x > i ? {k} : i; s ^= x < {k} ? 3 : s; s += (s & 1) == 0 ? 1 : 2; }} ");
            text.Append("else s -= i; ");
        }

        return text.Append("} return s; } }").ToString();
    }

    /// <summary>Runs one call on a worker so that mis-retargeted branches (endless loops) fail instead of hang.</summary>
    private static string Run(MethodInfo method, int x)
    {
        var call = Task.Run(() =>
        {
            try
            {
                return "value " + method.Invoke(null, [x]);
            }
            catch (TargetInvocationException e)
            {
                return $"{e.InnerException!.GetType().FullName}: {e.InnerException.Message}";
            }
        });
        Assert.True(call.Wait(TimeSpan.FromSeconds(20)), $"{method.Name}({x}) did not return");
        return call.Result;
    }
}
