using System.Text;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using static EdgeMicro.Conversion.Export.KernelGenerator;

namespace EdgeMicro.Conversion.Export;

/// <summary>
/// Emits a Conv layer (any groups, depthwise included; 1-D is height 1) as straight-line code: the whole input is
/// loaded once into locals as x - zp_in[c] (so a padded tap is a real zero and is simply left out, no padded buffer),
/// and each output position of each packed row group is one sum <c>a = b + x_i * W_k + ...</c> over the in-bounds
/// taps only, followed by inline requantization. Weights used at two or more positions are held in locals per row
/// group (loaded from the packed rows in data mode, IL constants in code mode), so a SWAR3 term costs
/// <c>ldloc x; ldloc w; mul; add</c>: 4 IL for 3 MACs.
/// <para>Contract: the same as <see cref="ConvKernel"/>, bit for bit. The accumulator lanes are the same integers:
/// Bias[o] + sum over in-bounds taps of W * (x - zp_in) equals the generic kernel's folded bias plus its sum over the
/// padded window (a padded tap reads zp_in). The bias comes from the definition's raw <c>Bias</c>, packed lane by lane
/// modulo 2^64 as <see cref="SwarPacker"/> does. Lane extraction: every used lane below the top used one gets
/// 2^(b-1) added to its bias (b = 21 or 32 lane bits; lanes are in [-2^(b-1), 2^(b-1)), which the SWAR packing
/// guarantees), so it is a plain unsigned field <c>(a &gt;&gt; b*j) &amp; (2^b - 1)</c> with no borrow from the lane
/// below, and the offset is taken back in the rounding term: ((lane + 2^(b-1)) * M + R - M * 2^(b-1)) &gt;&gt; S is
/// exactly (lane * M + R) &gt;&gt; S (64-bit arithmetic is exact modulo 2^64 and the true sum fits); the top used lane
/// is <c>a &gt;&gt; b*j</c> (arithmetic shift; nothing above it). Rounding, zero point and clamp as
/// <see cref="Requantizer"/>.</para>
/// <para>Code mode: the words are planned by <see cref="ConvSwarWords"/> (three lanes wherever a row provably fits),
/// the sums read raw inputs and start from a constant bias per position with the zero points of its in-bounds taps
/// folded in (the same integers), and words are IL constants in the sums when the method stays under
/// <see cref="MaxBytes"/> that way (else held in locals per word).</para>
/// </summary>
internal static class StraightConvGenerator
{
    /// <summary>Most locals the method may declare (nanoFramework allows 255).</summary>
    public const int MaxLocals = 245;

    /// <summary>Most estimated bytecode per layer (the assembly holds 64 KB with the table, the other layers and the
    /// app). Requantization is straight-line (about 40 B per output) when that fits, else the SWAR accumulators go to a
    /// static long[] (8 B per output position) and one loop per row group requantizes them (about 6 more IL per
    /// output, a few hundred bytes of code).</summary>
    public const int MaxBytes = 24_000;

    /// <summary>Says whether the layer is emitted straight-line (its input and one row group's weights fit the
    /// locals, and its code a share of the assembly).</summary>
    /// <param name="l">A Conv layer.</param>
    /// <returns>True when it fits.</returns>
    public static bool Fits(LayerDefinition l)
    {
        if (l.Kind != LayerKind.Conv || l.Groups < 1 || l.InChannels % l.Groups != 0 || l.OutChannels % l.Groups != 0)
        {
            return false;
        }

        int inputs = l.InChannels * l.InHeight * l.InWidth, taps = l.WeightsPerOutput;
        // x per input, a weight per tap, a zero point per channel, and at most 26 others (arrays, lanes, temporaries).
        if (inputs + taps + l.InChannels + 26 > MaxLocals)
        {
            return false;
        }

        return EstimatedBytes(l, LoopsRequant(l)) <= MaxBytes;
    }

    /// <summary>Whether the requantization runs as a loop over a static accumulator buffer: when straight-line
    /// requantization would make the method larger than <see cref="MaxBytes"/>.</summary>
    private static bool LoopsRequant(LayerDefinition l) => l.OutHeight * l.OutWidth > 1 && EstimatedBytes(l, false) > MaxBytes;

    /// <summary>Estimated bytecode of the method (three lanes per word; two-lane layers come out larger, and the
    /// assembly check places layers).</summary>
    /// <param name="l">The layer.</param>
    /// <param name="loop">Whether requantization loops.</param>
    /// <param name="termBytes">Bytes per SWAR term: 6 with the weight in a local, 13 with an <c>ldc.i8</c>.</param>
    private static long EstimatedBytes(LayerDefinition l, bool loop, int termBytes = 6)
    {
        int inputs = l.InChannels * l.InHeight * l.InWidth, plane = l.OutHeight * l.OutWidth;
        int outPerGroup = l.OutChannels / l.Groups, rowGroups = l.Groups * ((outPerGroup + 2) / 3);
        long terms = (long)rowGroups * ValidPairs(l);
        long requant = loop ? rowGroups * ((plane * 6) + 200) : (long)l.OutChannels * plane * 40;
        return (terms * termBytes) + requant + (inputs * 8) + ((long)rowGroups * l.WeightsPerOutput * 8) + 400;
    }

    /// <summary>Emits the method: data mode <c>static void Conv{i}(PreparedLayer p, sbyte[] input, sbyte[] output,
    /// sbyte[] padded)</c> (padded unused), code mode <c>void Conv{i}(sbyte[] input, sbyte[] output)</c>.</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="index">Layer index.</param>
    /// <param name="p">Prepared layer.</param>
    /// <param name="constants">True for weights and requantization as IL constants (code mode).</param>
    public static void Emit(StringBuilder sb, int index, PreparedLayer p, bool constants)
    {
        LayerDefinition l = p.Definition;
        const string I = "            ";
        int taps = l.WeightsPerOutput, plane = l.OutHeight * l.OutWidth, inPlane = l.InHeight * l.InWidth;
        int inPerGroup = l.InChannels / l.Groups;
        bool folded = p.RoundingWithZeroPoint != null, loop = LoopsRequant(l);
        if (loop)
        {
            sb.Append("        private static readonly long[] _acc").Append(N(index)).Append(" = new long[").Append(N(plane)).AppendLine("];");
            sb.AppendLine();
        }

        sb.Append("        private ").Append(constants ? string.Empty : "static ").Append("void Conv").Append(N(index))
            .AppendLine(constants ? "(sbyte[] input, sbyte[] output)" : "(PreparedLayer p, sbyte[] input, sbyte[] output, sbyte[] padded)");
        sb.AppendLine("        {");
        List<int>[] windows = Windows(l);
        int[] uses = new int[taps];
        foreach (List<int> window in windows)
        {
            for (int j = 0; j < window.Count; j += 2)
            {
                uses[window[j]]++;
            }
        }

        // The most used locals first: slots 0-3 load and store in one byte (ldloc.0-3) instead of two.
        sb.Append(I).Append("long v, a, lo = ").Append(constants ? N(p.ActivationMin) : "p.ActivationMin").Append(", hi = ")
            .Append(constants ? N(p.ActivationMax) : "p.ActivationMax").AppendLine(";");
        if (!constants)
        {
            sb.Append(I).Append("long[] w = p.PackedWeights, m = p.Multiplier, r = p.").Append(folded ? "RoundingWithZeroPoint" : "Rounding").AppendLine(";");
            sb.Append(I).AppendLine("int[] s = p.Shift, bias = p.Definition.Bias, zp = p.Definition.InputZeroPoints;");
            if (!folded)
            {
                sb.Append(I).AppendLine("long zo = p.OutputZeroPoint;");
            }

            sb.Append(I).Append("int ").Append(string.Join(", ", Enumerable.Range(0, l.InChannels).Select(c => "z" + N(c) + " = zp[" + N(c) + "]"))).AppendLine(";");
        }

        List<ConvSwarWord> words = ConvSwarWords.Plan(p, constants);
        int perWord = words.Max(wd => wd.Rows.Length);
        sb.Append(I).Append("long ").Append(string.Join(", ", Enumerable.Range(0, perWord).Select(j => "m" + N(j) + ", r" + N(j)))).AppendLine(";");
        if (constants)
        {
            // Code mode: shifts are literals (a shift by a local costs "& 63" too: 2 IL more per output), and the clamp
            // thresholds of each lane are locals (a literal that fits 32 bits costs ldc.i4 + conv.i8).
            // Only the thresholds some lane tests (no unused local).
            var plans = words.SelectMany(wd => Enumerable.Range(0, wd.Rows.Length).Select(j => (j, plan: ClampThresholds.Plan(p, wd, j, WordFolded(p, wd))))).ToList();
            var thresholds = Enumerable.Range(0, perWord).SelectMany(j => new[]
            {
                plans.Any(x => x.j == j && x.plan is { TestLow: true }) ? "t" + N(j) + " = 0" : null,
                plans.Any(x => x.j == j && x.plan is { TestHigh: true }) ? "u" + N(j) + " = 0" : null,
            }).Where(d => d != null).ToList();
            if (thresholds.Count > 0)
            {
                sb.Append(I).Append("long ").Append(string.Join(", ", thresholds)).AppendLine(";");
            }
        }
        else
        {
            sb.Append(I).Append("int ").Append(string.Join(", ", Enumerable.Range(0, perWord).Select(j => "s" + N(j)))).AppendLine(";");
        }

        if (loop)
        {
            sb.Append(I).Append("long[] acc = _acc").Append(N(index)).AppendLine(";");
        }

        var used = new SortedSet<int>();
        for (int g = 0; g < l.Groups; g++)
        {
            foreach (List<int> window in windows)
            {
                for (int j = 1; j < window.Count; j += 2)
                {
                    used.Add((g * inPerGroup * inPlane) + window[j]);
                }
            }
        }

        sb.Append(I).AppendLine("unchecked");
        sb.Append(I).AppendLine("{");
        string J = I + "    ";
        foreach (int i in used)
        {
            int c = i / inPlane;
            // Code mode folds the zero points into a constant bias per position instead.
            string z = constants ? "0" : "z" + N(c);
            sb.Append(J).Append("long x").Append(N(i)).Append(" = input[").Append(N(i)).Append(']').Append(z == "0" ? string.Empty : " - " + z).AppendLine(";");
        }

        // Code mode: a tap whose words are all zero is never used.
        // Code mode: no IL is saved by a local (ldloc and ldc.i8 are one instruction each), only bytecode, so words are
        // IL constants in the sums when the method stays under the size budget that way.
        bool literal = constants && EstimatedBytes(l, loop, 13) <= MaxBytes;
        var hoisted = Enumerable.Range(0, taps).Where(k => !literal && uses[k] >= 2 && (!constants || words.Any(wd => wd.Values![k] != 0))).ToList();
        if (hoisted.Count > 0)
        {
            sb.Append(J).Append("long ").Append(string.Join(", ", hoisted.Select(k => "c" + N(k)))).AppendLine(";");
        }

        // The lane masks in locals: 2 bytes of bytecode per use instead of 9 (same IL count).
        var declarators = new List<string>();
        if (!constants)
        {
            declarators.Add("b");
        }

        declarators.AddRange(words.Where(wd => wd.Rows.Length > 1).Select(wd => wd.Bits).Distinct().Select(bits => "k" + N(bits) + " = " + L((1L << bits) - 1)));
        if (declarators.Count > 0)
        {
            sb.Append(J).Append("long ").Append(string.Join(", ", declarators)).AppendLine(";");
        }
        foreach (ConvSwarWord word in words)
        {
            RowGroup(sb, J, p, word, new Layout(plane, loop, constants), windows, hoisted);
        }

        sb.Append(I).AppendLine("}");
        sb.AppendLine("        }");
    }

    /// <summary>How the method is laid out: the output plane, whether requantization loops over the accumulator
    /// buffer and whether weights and requantization constants are IL literals.</summary>
    private sealed record Layout(int Plane, bool Loop, bool Constants);

    private static string L(long v) => CompiledWeightsGenerator.L(v);

    private static void RowGroup(StringBuilder sb, string J, PreparedLayer p, ConvSwarWord word, Layout layout, List<int>[] windows, List<int> hoisted)
    {
        bool folded = WordFolded(p, word);
        int bits = word.Bits, count = word.Rows.Length;
        long half = 1L << (bits - 1);
        sb.Append(J).Append("// output channels ").Append(string.Join(", ", word.Rows.Select(N))).Append(" (").Append(N(bits)).AppendLine("-bit lanes)");
        string[] weight = new string[p.Definition.WeightsPerOutput];
        for (int k = 0; k < weight.Length; k++)
        {
            int at = (word.PackedIndex * p.Stride) + k;
            long value = layout.Constants ? word.Values![k] : 0;
            string text = layout.Constants ? L(value) : "w[" + N(at) + "]";
            if (layout.Constants && value == 0)
            {
                weight[k] = null!;
            }
            else if (hoisted.Contains(k))
            {
                sb.Append(J).Append('c').Append(N(k)).Append(" = ").Append(text).AppendLine(";");
                weight[k] = "c" + N(k);
            }
            else
            {
                weight[k] = text;
            }
        }

        long offset = 0;
        for (int j = 0; j < count - 1; j++)
        {
            offset += half << (bits * j);
        }

        long bias = 0;
        if (layout.Constants)
        {
            long b = offset;
            unchecked
            {
                for (int j = 0; j < count; j++)
                {
                    b += (long)p.Definition.Bias[word.Rows[j]] << (word.Base + (bits * j));
                }
            }

            bias = b;
        }
        else
        {
            sb.Append(J).Append("b = ").Append(string.Join(" + ", Enumerable.Range(0, count).Select(j => j == 0 ? "(long)bias[" + N(word.Rows[0]) + "]" : "((long)bias[" + N(word.Rows[j]) + "] << " + N(bits * j) + ")")));
            sb.AppendLine(offset == 0 ? ";" : " + " + L(offset) + ";");
        }

        for (int j = 0; j < count; j++)
        {
            int o = word.Rows[j];
            if (layout.Constants)
            {
                // A generated word may use other lanes than the layer's packing: its zero point is then added after the shift.
                (long m, long r, _) = ClampThresholds.LaneConstants(p, word, j, folded);
                sb.Append(J).Append('m').Append(N(j)).Append(" = ").Append(L(m)).Append("; r").Append(N(j)).Append(" = ").Append(L(r));
                if (ClampThresholds.Plan(p, word, j, folded) is { } t)
                {
                    sb.Append(t.TestLow ? "; t" + N(j) + " = " + L(t.Low) : string.Empty).Append(t.TestHigh ? "; u" + N(j) + " = " + L(t.High) : string.Empty);
                }

                sb.AppendLine(";");
            }
            else
            {
                string rounding = j < count - 1 ? "r[" + N(o) + "] - (m[" + N(o) + "] << " + N(bits - 1) + ")" : "r[" + N(o) + "]";
                sb.Append(J).Append('m').Append(N(j)).Append(" = m[").Append(N(o)).Append("]; r").Append(N(j)).Append(" = ").Append(rounding)
                    .Append("; s").Append(N(j)).Append(" = s[").Append(N(o)).AppendLine("];");
            }
        }

        for (int pos = 0; pos < windows.Length; pos++)
        {
            List<int> window = windows[pos];
            sb.Append(J).Append(layout.Loop ? "acc[" + N(pos) + "] = " : "a = ").Append(layout.Constants ? L(PositionBias(p.Definition, word, window, bias)) : "b");
            int terms = 0;
            for (int j = 0; j < window.Count; j += 2)
            {
                string w = weight[window[j]];
                if (w != null)
                {
                    sb.Append(terms++ % 6 == 5 ? "\n" + J + "    " : " ").Append("+ (x").Append(N(word.ChannelBase + window[j + 1])).Append(" * ").Append(w).Append(')');
                }
            }

            sb.AppendLine(";");
            if (!layout.Loop)
            {
                Requantize(sb, J, p, word, folded, layout.Constants, o => N((o * layout.Plane) + pos));
            }
        }

        if (layout.Loop)
        {
            sb.Append(J).Append("for (int i = 0; i < ").Append(N(layout.Plane)).AppendLine("; i++)");
            sb.Append(J).AppendLine("{");
            sb.Append(J).AppendLine("    a = acc[i];");
            Requantize(sb, J + "    ", p, word, folded, layout.Constants, o => o * layout.Plane == 0 ? "i" : "i + " + N(o * layout.Plane));
            sb.Append(J).AppendLine("}");
        }
    }

    /// <summary>Code mode: the word's bias at one position with the input zero points of its in-bounds taps folded in
    /// (the sums then read raw inputs): bias - sum_k zp_in(c(k)) * word_k, modulo 2^64.</summary>
    private static long PositionBias(LayerDefinition l, ConvSwarWord word, List<int> window, long bias)
    {
        int inPlane = l.InHeight * l.InWidth;
        unchecked
        {
            for (int j = 0; j < window.Count; j += 2)
            {
                int c = (word.ChannelBase + window[j + 1]) / inPlane;
                bias -= l.InputZeroPoints[c] * word.Values![window[j]];
            }
        }

        return bias;
    }

    /// <summary>Whether the layer's rounding terms hold the output zero point for this word (its lanes are the packing's).</summary>
    private static bool WordFolded(PreparedLayer p, ConvSwarWord word) => p.RoundingWithZeroPoint != null && word.Bits == (p.Lanes == 3 ? 21 : 32);

    /// <summary>Emits the lane extraction, requantization and clamped store of the word's channels from <c>a</c>.</summary>
    private static void Requantize(StringBuilder sb, string J, PreparedLayer p, ConvSwarWord word, bool folded, bool constants, Func<int, string> index)
    {
        string zo = folded ? string.Empty : " + " + (constants ? N(p.OutputZeroPoint) : "zo");
        int bits = word.Bits, count = word.Rows.Length;
        for (int j = 0; j < count; j++)
        {
            int at = word.Base + (bits * j);
            string lane = at == 0 ? "a" : "(a >> " + N(at) + ")";
            if (j < count - 1)
            {
                lane = "(" + lane + " & k" + N(bits) + ")";
            }

            string shift = constants ? N(p.Shift[word.Rows[j]]) : "s" + N(j);
            if (constants)
            {
                // The zero point is in r when LaneConstants could fold it.
                long after = ClampThresholds.LaneConstants(p, word, j, folded).AfterShift;
                zo = after == 0 ? string.Empty : " + " + N((int)after);
            }

            string Requantized(string x) => "(((" + x + " * m" + N(j) + ") + r" + N(j) + ") >> " + shift + ")" + zo;
            if (constants && ClampThresholds.Plan(p, word, j, folded) is { } plan)
            {
                // Code mode: the clamp tests the lane against the thresholds where requantization reaches lo and hi,
                // so a clamped output (half of them after a ReLU) skips the multiply and shift.
                // The in-range value is the true arm of both tests: the compiler places it last, so it needs no branch out.
                // A test the lane's accumulator bounds can never meet is left out.
                string value = !plan.TestLow && !plan.TestHigh ? Requantized(lane) : Requantized("v");
                string high = plan.TestHigh ? "(v <= u" + N(j) + " ? " + value + " : hi)" : value;
                string store = plan.TestLow ? "((v = " + lane + ") >= t" + N(j) + " ? " + high + " : lo)"
                    : plan.TestHigh ? "((v = " + lane + ") <= u" + N(j) + " ? " + value + " : hi)" : "(" + value + ")";
                sb.Append(J).Append("output[").Append(index(word.Rows[j])).Append("] = (sbyte)").Append(store).AppendLine(";");
                continue;
            }

            sb.Append(J).Append("v = ").Append(Requantized(lane)).AppendLine(";");
            sb.Append(J).Append("output[").Append(index(word.Rows[j])).AppendLine("] = (sbyte)(v < lo ? lo : (v > hi ? hi : v));");
        }
    }

    /// <summary>Per output position (row-major): the in-bounds taps as pairs (tap index k in packed-weight order,
    /// input offset from the group's first channel).</summary>
    private static List<int>[] Windows(LayerDefinition l)
    {
        int inPerGroup = l.InChannels / l.Groups;
        var windows = new List<int>[l.OutHeight * l.OutWidth];
        for (int oy = 0; oy < l.OutHeight; oy++)
        {
            for (int ox = 0; ox < l.OutWidth; ox++)
            {
                var window = new List<int>();
                int k = 0;
                for (int ic = 0; ic < inPerGroup; ic++)
                {
                    for (int ky = 0; ky < l.KernelHeight; ky++)
                    {
                        int y = (oy * l.StrideHeight) - l.PadTop + (ky * l.DilationHeight);
                        for (int kx = 0; kx < l.KernelWidth; kx++, k++)
                        {
                            int x = (ox * l.StrideWidth) - l.PadLeft + (kx * l.DilationWidth);
                            if (y >= 0 && y < l.InHeight && x >= 0 && x < l.InWidth)
                            {
                                window.Add(k);
                                window.Add((((ic * l.InHeight) + y) * l.InWidth) + x);
                            }
                        }
                    }
                }

                windows[(oy * l.OutWidth) + ox] = window;
            }
        }

        return windows;
    }

    private static long ValidPairs(LayerDefinition l) => Windows(l).Sum(wd => (long)wd.Count / 2);
}
