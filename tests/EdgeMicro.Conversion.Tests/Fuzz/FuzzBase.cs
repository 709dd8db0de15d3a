using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Tests.Support;
using EdgeMicro.Data;
using EdgeMicro.Onnx.Graph;
using B = EdgeMicro.TestKit.OnnxModelBuilder;

namespace EdgeMicro.Conversion.Tests.Fuzz;

/// <summary>A model the converter fuzz mutates: the graph, a tiny calibration set and the preprocessing convert would use.</summary>
/// <param name="Name">Name for messages.</param>
/// <param name="Path">Model path named in error messages.</param>
/// <param name="Graph">The imported graph.</param>
/// <param name="Calibration">A few calibration rows (raw features).</param>
/// <param name="Normalization">The normalization convert would load.</param>
/// <param name="Layout">The --input-layout spec, or null.</param>
/// <param name="ClassNames">Class names.</param>
public sealed record FuzzBase(string Name, string Path, OnnxGraph Graph, double[][] Calibration, Normalization Normalization, string? Layout, string[] ClassNames)
{
    /// <summary>Calibration rows taken from each devkit data set (a tiny set keeps 10,000 cases fast).</summary>
    public const int CalibrationRows = 3;

    /// <summary>Every devkit model (models/*/model.onnx and the BatchNormalization variant) and the synthetic ones.</summary>
    /// <returns>The bases.</returns>
    public static IReadOnlyList<FuzzBase> All() => [.. DevkitModel.All.Select(Devkit), .. Synthetic()];

    private static FuzzBase Devkit(DevkitModel m)
    {
        ConversionInputs inputs = ConversionInputs.Load(m.Options(System.IO.Path.GetTempPath()));
        return new FuzzBase(m.Key, m.ModelPath, OnnxModelLoader.Load(m.ModelPath), inputs.Calibration.Features.Take(CalibrationRows).ToArray(), inputs.Normalization, m.Layout, inputs.ClassNames);
    }

    private static IEnumerable<FuzzBase> Synthetic()
    {
        var rng = new Random(9);
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        double[][] Rows(int features) => Enumerable.Range(0, CalibrationRows).Select(_ => Enumerable.Range(0, features).Select(_ => (rng.NextDouble() * 4) - 2).ToArray()).ToArray();
        var norm4 = new Normalization([0.5, -1, 2, 0], [1, 0.5, 2, 3]);

        yield return Make("synthetic_gemm", new B().Input("x", 1, 4).Output("y", 1, 3)
            .Initializer("w1", [5, 4], R(20)).Initializer("b1", [5], R(5))
            .Initializer("w2", [5, 3], R(15)).Initializer("b2", [1, 3], R(3))
            .Node("Gemm", ["x", "w1", "b1"], "h", B.Attr("transB", 1L), B.Attr("alpha", 0.5f), B.Attr("beta", 2f))
            .Node("Relu", ["h"], "r")
            .Node("Gemm", ["r", "w2", "b2"], "z")
            .Node("Softmax", ["z"], "y", B.Attr("axis", 1L)), Rows(4), norm4, 3);

        yield return Make("synthetic_conv_bn", new B().Input("x", 1, 1, 4, 4).Output("y", 1, 2)
            .Initializer("w", [2, 1, 3, 3], R(18)).Initializer("cb", [2], R(2))
            .Initializer("s", [2], [1, 0.5f]).Initializer("bb", [2], R(2)).Initializer("m", [2], R(2)).Initializer("v", [2], [0.5f, 2])
            .Initializer("fw", [2, 2], R(4)).Initializer("fb", [2], R(2))
            .Node("Conv", ["x", "w", "cb"], "c", B.Ints("pads", 1, 1, 1, 1), B.Ints("strides", 1, 1), B.Ints("kernel_shape", 3, 3))
            .Node("BatchNormalization", ["c", "s", "bb", "m", "v"], "n", B.Attr("epsilon", 1e-5f))
            .Node("LeakyRelu", ["n"], "l", B.Attr("alpha", 0.1f))
            .Node("MaxPool", ["l"], "p", B.Ints("kernel_shape", 4, 4), B.Ints("strides", 4, 4))
            .Node("Flatten", ["p"], "f", B.Attr("axis", 1L))
            .Node("Gemm", ["f", "fw", "fb"], "y", B.Attr("transB", 1L)), Rows(16), Normalization.Identity(16), 2);

        yield return Make("synthetic_matmul_clip", new B().Input("x", 1, 4).Output("y", 1, 2)
            .Initializer("w1", [4, 6], R(24)).Initializer("b1", [6], R(6)).Initializer("lo", [], [-0.5f]).Initializer("hi", [], [0.75f])
            .Initializer("w2", [6, 2], R(12))
            .Node("MatMul", ["x", "w1"], "h")
            .Node("Add", ["h", "b1"], "a")
            .Node("Clip", ["a", "lo", "hi"], "c")
            .Node("MatMul", ["c", "w2"], "y"), Rows(4), norm4, 2);

        yield return Make("synthetic_opset11_clip", new B(opset: 11).Input("x", 1, 4).Output("y", 1, 2)
            .Initializer("w1", [4, 3], R(12)).Initializer("b1", [3], R(3)).Initializer("w2", [3, 2], R(6)).Initializer("b2", [2], R(2))
            .Initializer("lo", [], [-0.25f])
            .Node("Gemm", ["x", "w1", "b1"], "h")
            .Node("Clip", ["h", "lo"], "c")
            .Node("Gemm", ["c", "w2", "b2"], "y"), Rows(4), Normalization.Identity(4), 2);

        yield return Make("synthetic_conv1d_pad_avg", new B().Input("x", 1, 2, 6).Output("y", 1, 2)
            .Initializer("w", [3, 2, 3], R(18)).Initializer("cb", [3], R(3)).Int64Initializer("pads", 0, 0, 1, 0, 0, 1)
            .Initializer("fw", [9, 2], R(18))
            .Node("Pad", ["x", "pads"], "pd", B.Attr("mode", "constant"))
            .Node("Conv", ["pd", "w", "cb"], "c", B.Ints("strides", 2), B.Ints("dilations", 1))
            .Node("Relu", ["c"], "r")
            .Node("AveragePool", ["r"], "a", B.Ints("kernel_shape", 1), B.Attr("count_include_pad", 0L))
            .Node("Flatten", ["a"], "f")
            .Node("MatMul", ["f", "fw"], "y"), Rows(12), Normalization.Identity(12), 2);
    }

    private static FuzzBase Make(string name, B builder, double[][] rows, Normalization normalization, int classes) =>
        new(name, name + ".onnx", builder.Load(), rows, normalization, null, Enumerable.Range(0, classes).Select(k => "c" + k).ToArray());

    public override string ToString() => Name;
}
