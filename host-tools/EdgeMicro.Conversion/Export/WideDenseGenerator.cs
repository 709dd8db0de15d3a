using System.Text;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using static EdgeMicro.Conversion.Export.CompiledWeightsGenerator;

namespace EdgeMicro.Conversion.Export;

/// <summary>
/// Generates the Dense layers of a model with 16-bit activations under <c>--weights code</c>
/// (<see cref="ISpecializedWideKernel"/>): each layer's int8 weights become IL constants, two rows to a 64-bit word.
/// <para>Contract: bit-exact with <see cref="WideKernels.Dense"/>. Word W_{g,i} = w[2g, i] + w[2g+1, i] 2^32 and the bias
/// word B_g = b'[2g] + b'[2g+1] 2^32 (folded biases, <see cref="SwarPacker.FoldedBias"/>); a = B_g + sum_i x_i W_{g,i}
/// in wrapping 64-bit arithmetic equals S_0 + S_1 2^32 with S_0, S_1 the two rows' exact accumulators, which the
/// converter checked to stay in int32 over the input box (<see cref="SwarPacker.PrepareWide"/>), so
/// l = (a &lt;&lt; 32) &gt;&gt; 32 is S_0 and (a - l) &gt;&gt; 32 is S_1 exactly. Each is requantized as
/// <see cref="Requantizer.StoreWide"/> does (round half up, output zero point, clamp), with its constants inlined. A
/// term is <c>ldloc x; ldc.i8 W; mul; add</c>: 4 IL for 2 MACs; zero words are skipped; inputs are read once into
/// locals. No allocation.</para>
/// </summary>
public static class WideDenseGenerator
{
    /// <summary>Says whether a prepared layer of a model with 16-bit activations can have its weights compiled.</summary>
    /// <param name="p">The prepared layer (<see cref="SwarPacker.PrepareWide"/> of the int8-weight model).</param>
    /// <returns>True for a Dense layer without LeakyRelu of at most <see cref="KernelGenerator.MaxInputs"/> inputs.</returns>
    public static bool IsCompiled(PreparedLayer p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p.Definition.Kind == LayerKind.Dense && p.Int8Weights != null && p.Definition.NegativeMultiplier == null
            && p.InputLength <= KernelGenerator.MaxInputs;
    }

    /// <summary>Writes <c>AcceptsWide</c> and <c>RunWide</c> and the compiled layers' methods.</summary>
    /// <param name="sb">Destination (inside the kernel class).</param>
    /// <param name="layers">The prepared layers.</param>
    /// <param name="compiled">Per layer: compiled into code.</param>
    public static void Emit(StringBuilder sb, PreparedLayer[] layers, IReadOnlyList<bool> compiled)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(compiled);
        sb.AppendLine();
        sb.AppendLine("        /// <inheritdoc/>");
        sb.AppendLine("        public bool AcceptsWide(int layerIndex, PreparedLayer layer)");
        sb.AppendLine("        {");
        sb.AppendLine("            switch (layerIndex)");
        sb.AppendLine("            {");
        for (int i = 0; i < layers.Length; i++)
        {
            if (compiled[i])
            {
                PreparedLayer p = layers[i];
                uint crc = EdgeMicro.Core.Format.ModelSerializer.LayerChecksum(p.Definition);
                sb.Append("                case ").Append(N(i)).Append(": return layer.Definition.Kind == ").Append(N(LayerKind.Dense)).Append(" && layer.InputLength == ").Append(N(p.InputLength))
                    .Append(" && layer.OutChannels == ").Append(N(p.OutChannels))
                    .Append(" && (layer.Definition.WeightsCompiled || ModelSerializer.LayerChecksum(layer.Definition) == 0x").Append(crc.ToString("X8", System.Globalization.CultureInfo.InvariantCulture)).AppendLine("u);");
            }
        }

        sb.AppendLine("                default: return false;");
        sb.AppendLine("            }");
        sb.AppendLine("        }");
        sb.AppendLine();
        sb.AppendLine("        /// <inheritdoc/>");
        sb.AppendLine("        public void RunWide(int layerIndex, PreparedLayer layer, short[] input, short[] output)");
        sb.AppendLine("        {");
        sb.AppendLine("            switch (layerIndex)");
        sb.AppendLine("            {");
        for (int i = 0; i < layers.Length; i++)
        {
            if (compiled[i])
            {
                sb.Append("                case ").Append(N(i)).Append(": WideDense").Append(N(i)).AppendLine("(input, output); break;");
            }
        }

        sb.AppendLine("            }");
        sb.AppendLine("        }");
        for (int i = 0; i < layers.Length; i++)
        {
            if (compiled[i])
            {
                sb.AppendLine();
                Dense(sb, i, layers[i]);
            }
        }
    }

    private static void Dense(StringBuilder sb, int index, PreparedLayer p)
    {
        const string I = "            ";
        int n = p.InputLength, outC = p.OutChannels;
        sb.Append("        private static void WideDense").Append(N(index)).AppendLine("(short[] input, short[] output)");
        sb.AppendLine("        {");
        sb.Append(I).Append("long lo = ").Append(N(p.ActivationMin)).Append(", hi = ").Append(N(p.ActivationMax)).AppendLine(";");
        for (int i = 0; i < n; i++)
        {
            sb.Append(I).Append("long x").Append(N(i)).Append(" = input[").Append(N(i)).AppendLine("];");
        }

        sb.Append(I).AppendLine(outC > 1 ? "long a, l, v;" : "long a, v;");
        sb.Append(I).AppendLine("unchecked");
        sb.Append(I).AppendLine("{");
        for (int o = 0; o < outC; o += 2)
        {
            bool pair = o + 1 < outC;
            sb.Append(I).Append("    a = ").Append(L(Word(p.PackedBias[o], pair ? p.PackedBias[o + 1] : 0)));
            int terms = 0;
            for (int i = 0; i < n; i++)
            {
                long w = Word(p.Int8Weights[(o * n) + i], pair ? p.Int8Weights[((o + 1) * n) + i] : 0);
                if (w != 0)
                {
                    sb.Append(terms++ % 6 == 0 ? "\n" + I + "        " : " ").Append("+ (x").Append(N(i)).Append(" * ").Append(L(w)).Append(')');
                }
            }

            sb.AppendLine(";");
            if (pair)
            {
                sb.Append(I).AppendLine("    l = (a << 32) >> 32;");
                Requant(sb, I + "    ", p, o, "l");
                sb.Append(I).AppendLine("    a = (a - l) >> 32;");
                Requant(sb, I + "    ", p, o + 1, "a");
            }
            else
            {
                Requant(sb, I + "    ", p, o, "a");
            }
        }

        sb.Append(I).AppendLine("}");
        sb.AppendLine("        }");
    }

    /// <summary>low + high 2^32 modulo 2^64 (the two lanes of a word).</summary>
    private static long Word(long low, long high) => unchecked(low + (high << 32));

    private static void Requant(StringBuilder sb, string indent, PreparedLayer p, int o, string src)
    {
        sb.Append(indent).Append("v = (((").Append(src).Append(" * ").Append(L(p.Multiplier[o])).Append(") + ").Append(L(p.Rounding[o])).Append(") >> ").Append(N(p.Shift[o]))
            .Append(") + ").Append(N(p.OutputZeroPoint)).AppendLine(";");
        sb.Append(indent).Append("output[").Append(N(o)).AppendLine("] = (short)(v < lo ? lo : (v > hi ? hi : v));");
    }
}
