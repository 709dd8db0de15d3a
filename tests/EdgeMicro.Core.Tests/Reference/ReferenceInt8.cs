using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Tests.Reference;

/// <summary>The reference's result: the quantized input, every layer's output (as int8, null for a 16-bit layer; and
/// as values) and the output head.</summary>
public sealed record ReferenceResult(sbyte[] Input, sbyte[]?[] Layers, int[][] Values, int PredictedClass, int RunnerUpClass, int ConfidenceQ15, int MarginQ15);

/// <summary>
/// Plain int8 inference written from the specification in the XML docs of <see cref="LayerDefinition"/>,
/// <see cref="ModelDefinition"/>, the pool contract and the output head contract. Deliberately naive: one loop per
/// formula, products in <see cref="Int128"/> (so the reference itself cannot wrap), no SWAR packing, no folded biases,
/// and none of the core's kernels, packer or requantizer. Activations are carried as int values, so the same formulas
/// cover 16-bit activations (<see cref="LayerDefinition.WideOutput"/>: the clamp range is the only difference).
/// </summary>
public static class ReferenceInt8
{
    /// <summary>Runs the whole model on one raw sample.</summary>
    public static ReferenceResult Run(ModelDefinition m, int[] sample)
    {
        sbyte[] x = QuantizeInput(m, sample);
        var outputs = new sbyte[]?[m.Layers.Length];
        var values = new int[m.Layers.Length][];
        int[] current = [.. x.Select(v => (int)v)];
        for (int i = 0; i < m.Layers.Length; i++)
        {
            current = Layer(m.Layers[i], current);
            values[i] = current;
            outputs[i] = m.Layers[i].WideOutput ? null : [.. current.Select(v => checked((sbyte)v))];
        }

        (int cls, int runnerUp, int confidence, int margin) = Head(m, outputs[^1]!);
        return new ReferenceResult(x, outputs, values, cls, runnerUp, confidence, margin);
    }

    /// <summary>q_in[j] = clamp(((x - off) * mul + 2^(s-1)) >> s + zp, -128, 127) with x = sample[gather[j]].</summary>
    public static sbyte[] QuantizeInput(ModelDefinition m, int[] sample)
    {
        int n = m.InputZeroPoint.Length;
        var q = new sbyte[n];
        for (int j = 0; j < n; j++)
        {
            int feature = m.InputGather == null ? j : m.InputGather[j];
            Int128 x = sample[feature];
            int s = m.InputShift[j];
            Int128 rounding = s == 0 ? 0 : Int128.One << (s - 1);
            Int128 v = ((((x - m.InputOffset[j]) * m.InputMultiplier[j]) + rounding) >> s) + m.InputZeroPoint[j];
            q[j] = (sbyte)Clamp(v, -128, 127);
        }

        return q;
    }

    /// <summary>One layer, dispatched on its kind.</summary>
    public static int[] Layer(LayerDefinition l, int[] input)
    {
        return l.Kind switch
        {
            LayerKind.Dense => Dense(l, input),
            LayerKind.Conv => Conv(l, input),
            LayerKind.MaxPool => Pool(l, input, max: true),
            LayerKind.AveragePool => Pool(l, input, max: false),
            _ => throw new ArgumentException("unknown layer kind " + l.Kind),
        };
    }

    /// <summary>acc[o] = Bias[o] + sum_i W[o, i] * (q[i] - zp[i]), then requantized.</summary>
    public static int[] Dense(LayerDefinition l, int[] input)
    {
        int n = l.InChannels * l.InHeight * l.InWidth;
        var output = new int[l.OutChannels];
        for (int o = 0; o < l.OutChannels; o++)
        {
            long acc = l.Bias[o];
            for (int i = 0; i < n; i++)
            {
                acc += l.Weights[(o * n) + i] * (long)(input[i] - l.InputZeroPoints[i]);
            }

            output[o] = Requantize(l, o, acc);
        }

        return output;
    }

    /// <summary>
    /// Grouped, strided, dilated, padded 2-D convolution over CHW; W is [out, in/groups, kh, kw]; a tap outside the
    /// input is real zero, i.e. (q - zp) = 0, so it contributes nothing.
    /// </summary>
    public static int[] Conv(LayerDefinition l, int[] input)
    {
        int inPerGroup = l.InChannels / l.Groups;
        int outPerGroup = l.OutChannels / l.Groups;
        var output = new int[l.OutChannels * l.OutHeight * l.OutWidth];
        for (int oc = 0; oc < l.OutChannels; oc++)
        {
            int group = oc / outPerGroup;
            for (int oy = 0; oy < l.OutHeight; oy++)
            {
                for (int ox = 0; ox < l.OutWidth; ox++)
                {
                    long acc = l.Bias[oc];
                    for (int ic = 0; ic < inPerGroup; ic++)
                    {
                        int c = (group * inPerGroup) + ic;
                        for (int ky = 0; ky < l.KernelHeight; ky++)
                        {
                            for (int kx = 0; kx < l.KernelWidth; kx++)
                            {
                                int y = (oy * l.StrideHeight) - l.PadTop + (ky * l.DilationHeight);
                                int xx = (ox * l.StrideWidth) - l.PadLeft + (kx * l.DilationWidth);
                                if (y < 0 || y >= l.InHeight || xx < 0 || xx >= l.InWidth)
                                {
                                    continue;
                                }

                                int w = l.Weights[(((((oc * inPerGroup) + ic) * l.KernelHeight) + ky) * l.KernelWidth) + kx];
                                int q = input[(((c * l.InHeight) + y) * l.InWidth) + xx];
                                acc += w * (long)(q - l.InputZeroPoints[c]);
                            }
                        }
                    }

                    output[(((oc * l.OutHeight) + oy) * l.OutWidth) + ox] = Requantize(l, oc, acc);
                }
            }
        }

        return output;
    }

    /// <summary>
    /// Max: max of the in-bounds taps. Average: sum of the window with padded taps reading zp_in[c], divided by the
    /// window size (CountIncludePad) or by the in-bounds count (padded taps then excluded), rounding half away from
    /// zero. Both clamp to [ActivationMin, ActivationMax]; the scale is kept. A window entirely in padding is only
    /// defined for an average that counts the padding (it is zp_in, real zero).
    /// </summary>
    public static int[] Pool(LayerDefinition l, int[] input, bool max)
    {
        var output = new int[l.OutChannels * l.OutHeight * l.OutWidth];
        for (int c = 0; c < l.InChannels; c++)
        {
            for (int oy = 0; oy < l.OutHeight; oy++)
            {
                for (int ox = 0; ox < l.OutWidth; ox++)
                {
                    var inside = new List<int>();
                    int padded = 0;
                    for (int ky = 0; ky < l.KernelHeight; ky++)
                    {
                        for (int kx = 0; kx < l.KernelWidth; kx++)
                        {
                            int y = (oy * l.StrideHeight) - l.PadTop + ky;
                            int x = (ox * l.StrideWidth) - l.PadLeft + kx;
                            if (y < 0 || y >= l.InHeight || x < 0 || x >= l.InWidth)
                            {
                                padded++;
                            }
                            else
                            {
                                inside.Add(input[(((c * l.InHeight) + y) * l.InWidth) + x]);
                            }
                        }
                    }

                    if (inside.Count == 0 && (max || l.CountIncludePad == 0))
                    {
                        throw new InvalidOperationException("pool window lies entirely in padding (the validator must reject this)");
                    }

                    long value;
                    if (max)
                    {
                        value = inside.Max();
                    }
                    else
                    {
                        bool includePad = l.CountIncludePad != 0;
                        long sum = inside.Sum() + (includePad ? (long)padded * l.InputZeroPoints[c] : 0);
                        long divisor = includePad ? inside.Count + padded : inside.Count;
                        value = DivideRoundHalfAwayFromZero(sum, divisor);
                    }

                    output[(((c * l.OutHeight) + oy) * l.OutWidth) + ox] = (int)Clamp(value, l.ActivationMin, l.ActivationMax);
                }
            }
        }

        return output;
    }

    /// <summary>
    /// v = ((acc * M + 2^(S-1)) >> S) + zp_out, (M, S) from the negative arrays when acc &lt; 0 and they exist
    /// (LeakyRelu), then clamped to [ActivationMin, ActivationMax]. The shift floors, so ties round half up.
    /// </summary>
    public static int Requantize(LayerDefinition l, int o, long acc)
    {
        if (acc < int.MinValue || acc > int.MaxValue)
        {
            throw new InvalidOperationException("accumulator " + acc + " leaves int32 (the model must be rejected)");
        }

        bool negative = acc < 0 && l.NegativeMultiplier != null;
        Int128 m = negative ? l.NegativeMultiplier![o] : l.Multiplier[o];
        int s = negative ? l.NegativeShift![o] : l.Shift[o];
        Int128 v = (((Int128)acc * m) + (Int128.One << (s - 1))) >> s;
        return (int)Clamp(v + l.OutputZeroPoint, l.ActivationMin, l.ActivationMax);
    }

    /// <summary>Rounds s / d half away from zero (d &gt; 0).</summary>
    public static long DivideRoundHalfAwayFromZero(long s, long d)
    {
        long magnitude = ((2 * Math.Abs(s)) + d) / (2 * d);
        return s < 0 ? -magnitude : magnitude;
    }

    private static long Clamp(Int128 v, int min, int max) => (long)Int128.Clamp(v, min, max);

    private static (int Class, int RunnerUp, int Confidence, int Margin) Head(ModelDefinition m, sbyte[] q)
    {
        return ReferenceHead.Evaluate(m, q);
    }
}
