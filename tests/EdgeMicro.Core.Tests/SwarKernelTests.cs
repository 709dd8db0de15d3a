using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Tests.Reference;
using EdgeMicro.Core.Tests.Support;

namespace EdgeMicro.Core.Tests;

/// <summary>SWAR packing and lane extraction at their exact limits, and the requantizer's rounding rule.</summary>
public sealed class SwarKernelTests
{
    private const int Lane3Min = -(1 << 20);
    private const int Lane3Max = (1 << 20) - 1;

    [Theory]
    [InlineData(Lane3Min, Lane3Max, Lane3Min)]
    [InlineData(Lane3Max, Lane3Min, Lane3Max)]
    [InlineData(Lane3Min, Lane3Min, Lane3Min)]
    [InlineData(Lane3Max, Lane3Max, Lane3Max)]
    [InlineData(-1, 0, 1)]
    [InlineData(0, -1, -1)]
    public void LaneWriter_WhenSwar3LanesAreAtTheirLimits_ExtractsEachLaneExactly(int l0, int l1, int l2)
    {
        long acc = unchecked(l0 + ((long)l1 << 21) + ((long)l2 << 42));

        Assert.Equal(new long[] { l0, l1, l2 }, ExtractLanes(3, acc));
    }

    [Theory]
    [InlineData(int.MinValue, int.MaxValue)]
    [InlineData(int.MaxValue, int.MinValue)]
    [InlineData(int.MinValue, int.MinValue)]
    [InlineData(int.MaxValue, int.MaxValue)]
    [InlineData(-1, 0)]
    [InlineData(0, -1)]
    public void LaneWriter_WhenSwar2LanesAreAtInt32Limits_ExtractsEachLaneExactly(int l0, int l1)
    {
        long acc = unchecked(l0 + ((long)l1 << 32));

        Assert.Equal(new long[] { l0, l1 }, ExtractLanes(2, acc));
    }

    [Theory]
    [InlineData(Lane3Max - 127, 127, 3)]   // largest accumulator 2^20 - 1: still SWAR3
    [InlineData(Lane3Max - 126, 127, 2)]   // 2^20: SWAR2
    [InlineData(Lane3Min + 128, -128, 3)]  // smallest accumulator -2^20: still SWAR3
    [InlineData(Lane3Min + 127, -128, 2)]  // -2^20 - 1: SWAR2
    public void DenseKernel_WhenAccumulatorRangeTouchesTheLaneBound_PicksLanesAndComputesTheExtremeExactly(int bias, int input, int expectedLanes)
    {
        LayerDefinition l = TinyModels.DenseLayer(1, 3, -128, 127);
        l.Weights = new sbyte[] { 1, 1, 1 };
        l.Bias = new[] { bias, bias, bias };
        long extreme = bias + (long)input;
        l.OutputZeroPoint = (int)-extreme; // identity requantization: output = acc - extreme = 0 exactly
        PreparedLayer p = SwarPacker.Prepare(l);
        var output = new sbyte[3];

        var buffer = new sbyte[p.Stride]; // the layer's inputs (Stride = inputs: rows are stored unpadded)
        buffer[0] = (sbyte)input;
        DenseKernel.Run(p, buffer, output, new long[p.ScratchLength]);

        Assert.Equal(expectedLanes, p.Lanes);
        Assert.Equal(new sbyte[3], output);
    }

    [Fact]
    public void Classifier_WhenAccumulatorCanLeaveInt32_ThrowsModelFormatException()
    {
        ModelDefinition m = TinyModels.Dense(64, 2);
        Array.Fill(m.Layers[0].Weights, (sbyte)127);
        m.Layers[0].Bias[1] = int.MaxValue - 100;
        ModelValidator.Validate(m); // shapes are fine: the range is the packer's check

        var e = Assert.Throws<ModelFormatException>(() => new Classifier(m));

        Assert.Contains("row 1 can leave int32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Classifier_WhenFoldedBiasIsHugeButLanesFitSwar3_PacksWithoutOverflowAndMatchesTheReference()
    {
        // Layer 0 clamps everything to the constant 127; layer 1 has zero point 127 and 256 weights of 127, so its
        // folded bias Bias - sum(w * zp) is about -2^22 while every accumulator is exactly 7: SWAR3, and the packed
        // bias (-2^22 * 2^42) wraps 64 bits. Wrapping is exact modular arithmetic; it must not throw.
        ModelDefinition m = TinyModels.Dense(1, 3);
        LayerDefinition first = TinyModels.DenseLayer(1, 256, -128, 127);
        (first.OutputZeroPoint, first.ActivationMin, first.ActivationMax) = (127, 127, 127);
        LayerDefinition second = TinyModels.DenseLayer(256, 3, 127, 127);
        Array.Fill(second.InputZeroPoints, 127);
        Array.Fill(second.Weights, (sbyte)127);
        second.Bias = new[] { 7, -9, 11 };
        m.Layers = new[] { first, second };

        var classifier = new Classifier(m);
        var capture = new[] { new sbyte[256], new sbyte[3] };
        classifier.Classify(new[] { 5 }, capture);

        Assert.Equal(3, classifier.Layers[1].Lanes);
        Assert.Equal(new sbyte[] { 7, -9, 11 }, capture[1]);
        Assert.Equal(ReferenceInt8.Run(m, new[] { 5 }).Layers[1], capture[1]);
    }

    [Fact]
    public void Classifier_WhenDenseLayerCarriesGarbageWindowFields_IgnoresThem()
    {
        // Found by the blob fuzzer: Dense layers do not validate the (unused) kernel fields, which the packer multiplied.
        ModelDefinition m = TinyModels.Dense(4, 2);
        (m.Layers[0].KernelHeight, m.Layers[0].KernelWidth, m.Layers[0].Groups) = (1 << 30, 1 << 30, -7);
        m.Layers[0].InputZeroPoints = new[] { 1, 2, 3, 4 };
        m.Layers[0].Weights = new sbyte[] { 1, -2, 3, -4, 5, -6, 7, -8 };

        var classifier = new Classifier(m);
        var capture = new[] { new sbyte[2] };
        classifier.Classify(new[] { 10, 20, -30, 40 }, capture);

        Assert.Equal(ReferenceInt8.Run(m, new[] { 10, 20, -30, 40 }).Layers[0], capture[0]);
    }

    [Theory]
    [InlineData(1, 1)]     // +0.5 -> 1
    [InlineData(-1, 0)]    // -0.5 -> 0: half up, not away from zero
    [InlineData(3, 2)]     // +1.5 -> 2
    [InlineData(-3, -1)]   // -1.5 -> -1
    [InlineData(-5, -2)]   // -2.5 -> -2
    [InlineData(2, 1)]
    [InlineData(0, 0)]
    public void Requantizer_WhenValueIsAnExactTie_RoundsHalfUp(long acc, int expected)
    {
        // Documented rule: v = (acc * M + 2^(S-1)) >> S with an arithmetic shift rounds ties toward +infinity.
        LayerDefinition l = TinyModels.DenseLayer(1, 1, -128, 127);
        l.Shift = new[] { 31 }; // M / 2^S = 1/2
        var output = new sbyte[1];

        Requantizer.Store(SwarPacker.Prepare(l), acc, 0, output, 0);

        Assert.Equal(expected, output[0]);
    }

    [Theory]
    [InlineData(-2, 0)]    // -0.5 with the negative scale 1/4 -> 0
    [InlineData(-6, -1)]   // -1.5 -> -1
    [InlineData(2, 1)]     // positive: scale 1/2, +1 -> 1
    [InlineData(0, 0)]     // zero uses the positive multiplier
    public void Requantizer_WhenLayerIsLeakyRelu_UsesTheNegativeScaleOnlyBelowZero(long acc, int expected)
    {
        LayerDefinition l = TinyModels.DenseLayer(1, 1, -128, 127);
        l.Shift = new[] { 31 };
        l.NegativeMultiplier = new[] { TinyModels.UnitMultiplier };
        l.NegativeShift = new[] { 32 };
        var output = new sbyte[1];

        Requantizer.Store(SwarPacker.Prepare(l), acc, 0, output, 0);

        Assert.Equal(expected, output[0]);
    }

    /// <summary>
    /// Reads every lane exactly: with M = 2^30, S = 30 and the rounding term 2^29 - guess * 2^30 the stored value is
    /// clamp(lane - guess), which is 0 exactly when the lane equals the guess; the guess is found by bisection over
    /// the lane's whole range.
    /// </summary>
    private static long[] ExtractLanes(int lanes, long acc)
    {
        long bound = lanes == 3 ? 1L << 21 : 1L << 32;
        var values = new long[lanes];
        for (int lane = 0; lane < lanes; lane++)
        {
            long low = -bound, high = bound;
            while (low < high)
            {
                long mid = low + ((high - low) / 2);
                sbyte v = Store(lanes, acc, lane, mid);
                if (v == 0)
                {
                    low = high = mid;
                }
                else if (v > 0)
                {
                    low = mid + 1;
                }
                else
                {
                    high = mid - 1;
                }
            }

            Assert.Equal(0, Store(lanes, acc, lane, low));
            values[lane] = low;
        }

        return values;
    }

    private static sbyte Store(int lanes, long acc, int lane, long guess)
    {
        // Prepared from a real layer (so every field the requantizer reads is set), then forced to the lane count.
        PreparedLayer p = SwarPacker.Prepare(TinyModels.DenseLayer(1, lanes, -128, 127));
        p.Lanes = lanes;
        p.Multiplier = Enumerable.Repeat((long)TinyModels.UnitMultiplier, lanes).ToArray();
        p.Rounding = Enumerable.Repeat((1L << 29) - (guess << 30), lanes).ToArray();
        p.Shift = Enumerable.Repeat(30, lanes).ToArray();
        var output = new sbyte[lanes];
        LaneWriter.Write(p, acc, 0, lanes, output, 1, 0);
        return output[lane];
    }
}
