using System.Text;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using static EdgeMicro.Conversion.Export.CompiledWeightsGenerator;

namespace EdgeMicro.Conversion.Export;

/// <summary>
/// Emits the <see cref="ISpecializedNetwork"/> part of a generated kernel for a model that is a run of Dense layers:
/// one method from the raw sample to the head's result. The input quantizer writes each model input straight into the
/// long local the first layer multiplies (and into the quantized-input buffer the statistics read), each hidden
/// layer's activations stay in locals, the last layer's outputs go to the output buffer and to locals the unrolled
/// softmax head reads. No call, no activation buffer round trip.
/// <para>Contract: bit-exact with the generic stages (see <see cref="ISpecializedNetwork"/>): the input elements of
/// <see cref="InputKernelGenerator"/>, the SWAR3 words and requantization of <see cref="DenseKernel"/> (folded output
/// zero point), the head of <see cref="HeadKernelGenerator"/>. Lanes of a row group's 64-bit sum
/// a = l0 + l1 * 2^21 + l2 * 2^42 (l0, l1 in [-2^20, 2^20), l2 in [-2^21, 2^21)) are read without the
/// subtract-and-shift chain: l0 = (a &lt;&lt; 43) &gt;&gt; 43, l1 = ((a + 2^20) &lt;&lt; 22) &gt;&gt; 43,
/// l2 = (a + 2^41 + 2^20) &gt;&gt; 42 (the added constants make the lower lanes non-negative, so no borrow crosses a
/// lane). With the weights in code the offset 2^41 + 2^20 joins the bias constant, l0 + 2^20 = a &amp; (2^21 - 1),
/// l1 + 2^20 = (a &gt;&gt; 21) &amp; (2^21 - 1), l2 = a &gt;&gt; 42, and the 2^20 * M of lanes 0 and 1 leaves through
/// the rounding constant (exact modulo 2^64, and the true sum fits in 63 bits). A logit in range costs one unsigned
/// test, a hidden activation two compares (ReLU layers clamp often).</para>
/// <para>Limits: only SWAR3 Dense layers with the output zero point folded (no LeakyRelu), a specialized input quantizer
/// and a softmax head; the locals of all layers' inputs and the logits must stay under <see cref="MaxLocals"/>
/// (nanoFramework: 255 per method) and the packed words under <see cref="MaxWords"/> (the method duplicates the
/// per-layer kernels' bytecode, which stay for the stage-by-stage path). Otherwise no fused method is generated.</para>
/// </summary>
internal static class NetworkKernelGenerator
{
    /// <summary>Most locals a fused method may declare (nanoFramework segfaults over 255).</summary>
    public const int MaxLocals = 240;

    /// <summary>Most packed words fused (about 12 bytes of bytecode each, on top of the per-layer kernels).</summary>
    public const int MaxWords = 2000;

    private const string Indent = "                ";

    /// <summary>Says whether the model gets a fused method.</summary>
    /// <param name="layers">Prepared layers.</param>
    /// <param name="model">The model, or null (no input quantizer or head generated: no fusion).</param>
    /// <param name="generated">Whether the kernel generates code for a layer.</param>
    /// <returns>True when fused.</returns>
    public static bool IsFused(PreparedLayer[] layers, ModelDefinition? model, Func<PreparedLayer, bool> generated)
    {
        if (model == null || layers.Length == 0 || model.InputLength > InputKernelGenerator.MaxInputs || !HeadKernelGenerator.IsSpecialized(model))
        {
            return false;
        }

        int locals = 16;
        long words = 0;
        foreach (PreparedLayer p in layers)
        {
            if (p.Definition.Kind != LayerKind.Dense || !generated(p) || p.Lanes != 3 || p.RoundingWithZeroPoint == null || p.NegativeMultiplier != null)
            {
                return false;
            }

            locals += p.InputLength;
            words += ((long)p.RowGroups * p.InputLength) + p.TailWords;
        }

        return locals + layers[^1].OutChannels <= MaxLocals && words <= MaxWords && layers[0].InputLength == model.InputLength;
    }

    /// <summary>Emits <c>AcceptsNetwork</c> and <c>RunNetwork</c>.</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="layers">Prepared layers (of the int8 model in code mode).</param>
    /// <param name="model">The model.</param>
    /// <param name="code">True when the weights are IL constants (<c>--weights code</c>), false when they stay data.</param>
    public static void Emit(StringBuilder sb, PreparedLayer[] layers, ModelDefinition model, bool code)
    {
        sb.AppendLine();
        sb.AppendLine("        /// <inheritdoc/>");
        sb.AppendLine("        public bool AcceptsNetwork(ModelDefinition model, PreparedLayer[] layers)");
        sb.AppendLine("        {");
        sb.Append("            return layers.Length == ").Append(N(layers.Length)).Append(" && AcceptsInput(model) && AcceptsHead(model)");
        for (int i = 0; i < layers.Length; i++)
        {
            sb.Append("\n                && Accepts(").Append(N(i)).Append(", layers[").Append(N(i)).Append("])");
            if (!code)
            {
                // The shifts are IL constants (a shift by a variable costs 5 more IL: the array read and C#'s & 63).
                sb.Append("\n                && SameInts(layers[").Append(N(i)).Append("].Shift, new int[] { ").Append(string.Join(", ", layers[i].Shift.Select(N))).Append(" })");
            }
        }

        sb.AppendLine(";");
        sb.AppendLine("        }");
        sb.AppendLine();
        sb.AppendLine("        /// <inheritdoc/>");
        sb.AppendLine("        public void RunNetwork(int[] sample, sbyte[] q, PreparedLayer[] layers, int[] table, sbyte[] output, int[] result)");
        sb.AppendLine("        {");
        // The lane constants 2^20 and 2^21 - 1 in locals: measured 8 (data) and 20 (code) IL fewer per digits inference
        // than as literals (C# emits a 32-bit long constant as ldc.i4; conv.i8).
        sb.Append("            long lo = -128, hi = 127, half = 128, span = 255, a, ").AppendLine(code ? "mask = 2097151;" : "c20 = 1048576;");
        for (int i = 0; i < layers.Length; i++)
        {
            sb.Append("            long ").Append(string.Join(", ", Enumerable.Range(0, layers[i].InputLength).Select(k => X(i, k)))).AppendLine(";");
        }

        int outputs = layers[^1].OutChannels;
        sb.Append("            long ").Append(string.Join(", ", Enumerable.Range(0, outputs).Select(Y))).AppendLine(";");
        if (!code)
        {
            sb.AppendLine("            PreparedLayer p;");
            sb.AppendLine("            long[] w, b, m, r;");
        }

        sb.AppendLine("            unchecked");
        sb.AppendLine("            {");
        for (int j = 0; j < model.InputLength; j++)
        {
            string x = X(0, j);
            sb.Append(Indent).Append(x).Append(" = ").Append(InputKernelGenerator.Element(model, j)).AppendLine(";");
            sb.Append(Indent).Append("if ((ulong)(").Append(x).Append(" + half) > (ulong)span) { ").Append(x).Append(" = ").Append(x).AppendLine(" < lo ? lo : hi; }");
            sb.Append(Indent).Append("q[").Append(N(j)).Append("] = (sbyte)").Append(x).AppendLine(";");
        }

        for (int i = 0; i < layers.Length; i++)
        {
            Layer(sb, layers, i, code);
        }

        HeadKernelGenerator.SoftmaxOnLocals(sb, Indent, outputs, Y);
        sb.AppendLine("            }");
        sb.AppendLine("        }");
    }

    private static string X(int layer, int k) => "x" + N(layer) + "_" + N(k);

    private static string Y(int o) => "y" + N(o);

    private static void Layer(StringBuilder sb, PreparedLayer[] layers, int i, bool code)
    {
        PreparedLayer p = layers[i];
        bool last = i == layers.Length - 1;
        int n = p.InputLength;
        sb.Append(Indent).Append("// layer ").Append(N(i)).Append(": Dense ").Append(N(n)).Append(" -> ").Append(N(p.OutChannels)).AppendLine(", SWAR3");
        if (code)
        {
            sb.Append(Indent).Append("lo = ").Append(N(p.ActivationMin)).Append("; hi = ").Append(N(p.ActivationMax))
                .Append(last ? "; span = " + N(p.ActivationMax - p.ActivationMin) + ";" : ";").AppendLine();
        }
        else
        {
            sb.Append(Indent).Append("p = layers[").Append(N(i)).AppendLine("];");
            sb.Append(Indent).AppendLine("w = p.PackedWeights; b = p.PackedBias; m = p.Multiplier; r = p.RoundingWithZeroPoint;");
            sb.Append(Indent).AppendLine(last ? "lo = p.ActivationMin; hi = p.ActivationMax; span = hi - lo;" : "lo = p.ActivationMin; hi = p.ActivationMax;");
        }

        // Hidden layers (ReLU-like) clamp often: two compares (6 IL on every path) beat the unsigned test (5 IL in
        // range, 10-11 clamped) there; the logits rarely clamp.
        bool floor = !last;
        for (int g = 0; g < p.RowGroups; g++)
        {
            if (code)
            {
                sb.Append(Indent).Append("a = ").Append(L(unchecked(p.PackedBias[g] + LaneOffset)));
                int terms = 0;
                for (int k = 0; k < n; k++)
                {
                    long word = p.PackedWeights[(g * p.Stride) + k];
                    if (word != 0)
                    {
                        sb.Append(terms++ % 6 == 0 ? "\n" + Indent + "    " : " ").Append("+ (").Append(X(i, k)).Append(" * ").Append(L(word)).Append(')');
                    }
                }
            }
            else
            {
                sb.Append(Indent).Append("a = b[").Append(N(g)).Append(']');
                for (int k = 0; k < n; k++)
                {
                    sb.Append(k % 6 == 0 ? "\n" + Indent + "    " : " ").Append("+ (").Append(X(i, k)).Append(" * w[").Append(N((g * p.Stride) + k)).Append("])");
                }
            }

            sb.AppendLine(";");
            for (int lane = 0; lane < 3; lane++)
            {
                int o = (g * 3) + lane;
                if (o >= p.OutChannels)
                {
                    break;
                }

                Store(sb, last ? Y(o) : X(i + 1, o), code ? CodeRequant(p, o, lane) : DataRequant(o, lane, p.Shift[o]), o, last, floor);
            }
        }

        if (p.TailRows != 0)
        {
            Tail(sb, p, i, last, floor, code);
        }
    }

    /// <summary>The tail row (<see cref="SwarTailRow"/>): inputs three to a word times the tail words, read back from
    /// bits 42..62.</summary>
    private static void Tail(StringBuilder sb, PreparedLayer p, int i, bool last, bool floor, bool code)
    {
        int o = p.OutChannels - 1, start = p.RowGroups * p.Stride;
        if (code)
        {
            KernelGenerator.Tail(sb, Indent, p, k => X(i, k), j => L(p.PackedWeights[start + j]), L(p.PackedBias[p.RowGroups]));
        }
        else
        {
            KernelGenerator.Tail(sb, Indent, p, k => X(i, k), j => "w[" + N(start + j) + "]", "b[" + N(p.RowGroups) + "]");
        }

        string multiplier = code ? L(p.Multiplier[o]) : "m[" + N(o) + "]", rounding = code ? L(p.RoundingWithZeroPoint[o]) : "r[" + N(o) + "]";
        Store(sb, last ? Y(o) : X(i + 1, o), "((" + KernelGenerator.TailLane + " * " + multiplier + ") + " + rounding + ") >> " + N(p.Shift[o]), o, last, floor);
    }

    /// <summary>Emits <c>d = value</c>, its clamp (two compares on hidden layers, which clamp often; the unsigned test on
    /// the logits) and, on the last layer, its store to the output buffer.</summary>
    private static void Store(StringBuilder sb, string d, string value, int o, bool last, bool floor)
    {
        sb.Append(Indent).Append(d).Append(" = ").Append(value).AppendLine(";");
        sb.Append(Indent).Append(floor
            ? "if (" + d + " < lo) { " + d + " = lo; } else if (" + d + " > hi) { " + d + " = hi; }"
            : "if ((ulong)(" + d + " - lo) > (ulong)span) { " + d + " = " + d + " < lo ? lo : hi; }").AppendLine();
        if (last)
        {
            sb.Append(Indent).Append("output[").Append(N(o)).Append("] = (sbyte)").Append(d).AppendLine(";");
        }
    }

    /// <summary>2^41 + 2^20: added to a row group's sum so that the lower two lanes read as non-negative fields.</summary>
    private const long LaneOffset = (1L << 41) + (1L << 20);

    private static string DataRequant(int o, int lane, int shift)
    {
        string l = lane switch
        {
            0 => "((a << 43) >> 43)",
            1 => "(((a + c20) << 22) >> 43)",
            _ => "((a + 2199024304128L) >> 42)",
        };
        return "((" + l + " * m[" + N(o) + "]) + r[" + N(o) + "]) >> " + N(shift);
    }

    private static string CodeRequant(PreparedLayer p, int o, int lane)
    {
        // a holds the lane offset: lanes 0 and 1 read as l + 2^20, whose 2^20 * M leaves through the rounding term.
        string l = lane switch
        {
            0 => "(a & mask)",
            1 => "((a >> 21) & mask)",
            _ => "(a >> 42)",
        };
        long multiplier = p.Multiplier[o];
        long rounding = unchecked(p.RoundingWithZeroPoint[o] - (lane < 2 ? multiplier << 20 : 0));
        int shift = p.Shift[o];
        return "((" + l + " * " + L(multiplier) + ") + " + L(rounding) + ") >> " + N(shift);
    }
}
