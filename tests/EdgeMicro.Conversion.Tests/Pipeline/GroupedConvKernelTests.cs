using EdgeMicro.Conversion.Export;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Quantization;
using EdgeMicro.Conversion.Tests.Support;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using B = EdgeMicro.TestKit.OnnxModelBuilder;

namespace EdgeMicro.Conversion.Tests.Pipeline;

/// <summary>Grouped and depthwise Conv get a specialized (straight-line) method in data and code mode, bit-exact
/// with the generic kernel on every layer's output (on calibration-like rows and on saturating ones); so do padded,
/// strided and dilated one-group layers.</summary>
public sealed class GroupedConvKernelTests
{
    public static TheoryData<string, int, int, int, int, int, int> Shapes() => new()
    {
        // name, in channels, out channels, group, stride, dilation, pad
        { "grouped", 4, 6, 2, 1, 1, 1 },
        { "depthwise", 4, 4, 4, 1, 1, 1 },
        { "depthwise x2", 3, 6, 3, 2, 1, 1 },
        { "strided dilated", 2, 5, 1, 2, 2, 2 },
        { "no padding", 3, 4, 1, 1, 1, 0 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Conv_WhenGenerated_IsSpecializedAndBitExactWithTheGenericKernel(string name, int inC, int outC, int group, int stride, int dilation, int pad)
    {
        (QuantizedModel q, Classifier classifier, int[][] samples) = Convert(inC, outC, group, stride, dilation, pad);
        foreach (WeightsMode mode in new[] { WeightsMode.Data, WeightsMode.Code })
        {
            GeneratedFirmwareCode generated = GeneratedFirmwareCode.Create(mode, q.Definition, classifier.Layers, "Grouped", "test " + name);
            ISpecializedKernel kernel = generated.Kernel.Instantiate();
            ModelDefinition table = SwarPacker.PackModel(q.Definition, generated.InCode);
            var run = new Classifier(table, kernel);

            Assert.True(kernel.Accepts(0, run.Layers[0]), $"{name} ({mode}): the Conv layer is not specialized");
            Assert.Equal(group, q.Definition.Layers[0].Groups);
            SpecializedKernelCheck.AssertBitExact(q.Definition, generated.Kernel, samples, table);
        }
    }

    private static (QuantizedModel Q, Classifier Classifier, int[][] Samples) Convert(int inC, int outC, int group, int stride, int dilation, int pad)
    {
        var rng = new Random((inC * 31) + (outC * 7) + group + stride + dilation + pad);
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 2) - 1)).ToArray();
        const int H = 6, W = 5, K = 3;
        int span = ((K - 1) * dilation) + 1;
        int outH = ((H + (2 * pad) - span) / stride) + 1, outW = ((W + (2 * pad) - span) / stride) + 1;
        int flat = outC * outH * outW, features = inC * H * W;
        var graph = new B().Input("x", 1, inC, H, W).Output("y", 1, 3)
            .Initializer("w", [outC, inC / group, K, K], R(outC * (inC / group) * K * K)).Initializer("cb", [outC], R(outC))
            .Initializer("fw", [flat, 3], R(flat * 3))
            .Node("Conv", ["x", "w", "cb"], "c", B.Ints("pads", pad, pad, pad, pad), B.Ints("strides", stride, stride),
                B.Ints("dilations", dilation, dilation), B.Ints("kernel_shape", K, K), B.Attr("group", (long)group))
            .Node("Relu", ["c"], "r")
            .Node("Flatten", ["r"], "f", B.Attr("axis", 1L))
            .Node("MatMul", ["f", "fw"], "y")
            .Load();
        return SyntheticConversion.Quantize(graph, "grouped", features, 40, rng);
    }
}
