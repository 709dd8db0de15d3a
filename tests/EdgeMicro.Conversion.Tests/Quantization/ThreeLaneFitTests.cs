using EdgeMicro.Conversion.Export;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Conversion.Quantization;
using EdgeMicro.Conversion.Tests.Support;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using B = EdgeMicro.TestKit.OnnxModelBuilder;

namespace EdgeMicro.Conversion.Tests.Quantization;

/// <summary>A layer whose rows miss the SWAR3 lane by little is requantized into three lanes (<see cref="ThreeLaneFit"/>);
/// one that misses by more keeps its weights and two lanes. Weights of magnitude 1 with random signs (folded with the
/// inputs' scales) make the input count fix how far the accumulators reach: up to n x 127 x 128 against 2^20.</summary>
public sealed class ThreeLaneFitTests
{
    [Fact]
    public void Dense_WhoseAccumulatorsMissThreeLanesByLessThanAnEighth_IsRequantizedIntoThreeLanesAndStaysExact()
    {
        // 70 x 127 x 128 = 1.14 x 2^20: the packer gave this layer two lanes before.
        (QuantizedModel q, Classifier classifier, int[][] samples) = Convert(70, 1);
        LayerDefinition hidden = q.Definition.Layers[0];
        int perRow = hidden.WeightsPerOutput;

        Assert.Equal(3, classifier.Layers[0].Lanes);
        Assert.Contains(LargestCodes(hidden), c => c < 127);
        for (int r = 0; r < hidden.OutChannels; r++)
        {
            Assert.InRange(LargestCodes(hidden)[r], ThreeLaneFit.LowestCode, 127);
            SwarPacker.AccumulatorRange(hidden, r, perRow, out long low, out long high);
            Assert.True(low >= -SwarPacker.ThreeLaneLimit && high < SwarPacker.ThreeLaneLimit, $"row {r}: [{low}, {high}]");
        }

        // Int8 rows sum plainly in int: the reference for the packed lanes.
        var plain = new Classifier(SwarPacker.PackModel(q.Definition, null, true));
        Assert.Equal(1, plain.Layers[0].Lanes);
        Assert.Equal(0, BitExact.CountDiffering(plain, classifier, samples, out int first));
        Assert.Equal(-1, first);
    }

    [Fact]
    public void Dense_WhoseAccumulatorsMissThreeLanesByMore_KeepsEveryWeightAt127AndTwoLanes()
    {
        // 100 x 127 x 128 = 1.55 x 2^20: fitting would cost more than 1 dB of weight resolution.
        (QuantizedModel q, Classifier classifier, _) = Convert(100, 2);
        LayerDefinition hidden = q.Definition.Layers[0];

        Assert.Equal(2, classifier.Layers[0].Lanes);
        Assert.All(LargestCodes(hidden), c => Assert.Equal(127, c));
    }

    [Fact]
    public void Dense_WhoseAccumulatorsFitThreeLanes_KeepsEveryWeightAt127()
    {
        (QuantizedModel q, Classifier classifier, _) = Convert(40, 3);

        Assert.Equal(3, classifier.Layers[0].Lanes);
        Assert.All(LargestCodes(q.Definition.Layers[0]), c => Assert.Equal(127, c));
    }

    [Fact]
    public void Conv_WhoseAccumulatorsMissThreeLanesByLittle_IsRequantizedIntoThreeLanesAndItsKernelsStayBitExact()
    {
        // 8 channels x 3 x 3 taps of magnitude 1, padded: the generic, specialized (data) and compiled (code) kernels.
        (QuantizedModel q, Classifier classifier, int[][] samples) = ConvertConv(8, 4);
        LayerDefinition conv = q.Definition.Layers[0];

        Assert.Equal(LayerKind.Conv, conv.Kind);
        Assert.Equal(3, classifier.Layers[0].Lanes);
        Assert.True(ThreeLaneFit.RowsRequantized(conv) > 0, "no row needed requantizing: the test does not reach the lane limit");
        Assert.All(LargestCodes(conv), c => Assert.InRange(c, ThreeLaneFit.LowestCode, 127));
        foreach (WeightsMode mode in new[] { WeightsMode.Data, WeightsMode.Code })
        {
            (GeneratedFirmwareCode generated, ModelDefinition table, Classifier run) = SyntheticConversion.Generate(mode, q, classifier, "Lanes");

            Assert.True(generated.Kernel.Instantiate().Accepts(0, run.Layers[0]), $"{mode}: the Conv layer is not specialized");
            SpecializedKernelCheck.AssertBitExact(q.Definition, generated.Kernel, samples, table);
        }
    }

    private static int[] LargestCodes(LayerDefinition l)
    {
        int perRow = l.WeightsPerOutput;
        return [.. Enumerable.Range(0, l.OutChannels).Select(r => Enumerable.Range(0, perRow).Max(k => Math.Abs((int)l.Weights[(r * perRow) + k])))];
    }

    private static (QuantizedModel Q, Classifier Classifier, int[][] Samples) Convert(int inputs, int seed)
    {
        const int hidden = 6;
        var rng = new Random(seed);
        float[] Signs(int n) => Enumerable.Range(0, n).Select(_ => rng.Next(2) == 0 ? -1f : 1f).ToArray();
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 0.2) - 0.1)).ToArray();
        var graph = new B().Input("x", 1, inputs).Output("y", 1, 3)
            .Initializer("w1", [inputs, hidden], Signs(inputs * hidden)).Initializer("b1", [hidden], R(hidden))
            .Initializer("w2", [hidden, 3], R(hidden * 3))
            .Node("MatMul", ["x", "w1"], "m").Node("Add", ["m", "b1"], "h")
            .Node("Relu", ["h"], "r")
            .Node("MatMul", ["r", "w2"], "y")
            .Load();
        return SyntheticConversion.Quantize(graph, "lanes", inputs, 60, rng);
    }

    private static (QuantizedModel Q, Classifier Classifier, int[][] Samples) ConvertConv(int inC, int seed)
    {
        const int H = 5, W = 5, K = 3, OutC = 5;
        var rng = new Random(seed);
        float[] Signs(int n) => Enumerable.Range(0, n).Select(_ => rng.Next(2) == 0 ? -1f : 1f).ToArray();
        float[] R(int n) => Enumerable.Range(0, n).Select(_ => (float)((rng.NextDouble() * 0.2) - 0.1)).ToArray();
        int flat = OutC * H * W;
        var graph = new B().Input("x", 1, inC, H, W).Output("y", 1, 3)
            .Initializer("w", [OutC, inC, K, K], Signs(OutC * inC * K * K)).Initializer("cb", [OutC], R(OutC))
            .Initializer("fw", [flat, 3], R(flat * 3))
            .Node("Conv", ["x", "w", "cb"], "c", B.Ints("pads", 1, 1, 1, 1), B.Ints("kernel_shape", K, K))
            .Node("Relu", ["c"], "r")
            .Node("Flatten", ["r"], "f", B.Attr("axis", 1L))
            .Node("MatMul", ["f", "fw"], "y")
            .Load();
        return SyntheticConversion.Quantize(graph, "lanesconv", inC * H * W, 60, rng);
    }
}
