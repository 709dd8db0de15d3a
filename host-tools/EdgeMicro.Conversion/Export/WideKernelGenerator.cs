using System.Text;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using static EdgeMicro.Conversion.Export.CompiledWeightsGenerator;

namespace EdgeMicro.Conversion.Export;

/// <summary>
/// Generates the Dense and one-group Conv layers of a model with 16-bit activations under <c>--weights code</c>
/// (<see cref="ISpecializedWideKernel"/>): each layer's int8 weights become IL constants, two rows to a 64-bit word
/// (Conv: <see cref="WideConvGenerator"/>); pools get the straight-line methods of <see cref="PoolKernelGenerator"/> over int16.
/// <para>Contract: bit-exact with <see cref="WideKernels.Dense"/> and <see cref="WideKernels.Conv"/>. Word W_{g,i} = w[2g, i] + w[2g+1, i] 2^32 and the bias
/// word B_g = b'[2g] + b'[2g+1] 2^32 (folded biases, <see cref="SwarPacker.FoldedBias"/>); a = B_g + sum_i x_i W_{g,i}
/// in wrapping 64-bit arithmetic equals S_0 + S_1 2^32 with S_0, S_1 the two rows' exact accumulators, which the
/// converter checked to stay in int32 over the input box (<see cref="SwarPacker.PrepareWide"/>), so
/// l = (a &lt;&lt; 32) &gt;&gt; 32 is S_0 and (a - l) &gt;&gt; 32 is S_1 exactly. Each is requantized as
/// <see cref="Requantizer.StoreWide"/> does (round half up, output zero point, clamp), with its constants inlined. A
/// term is <c>ldloc x; ldc.i8 W; mul; add</c>: 4 IL for 2 MACs; zero words are skipped; inputs are read once into
/// locals. No allocation.</para>
/// </summary>
public static class WideKernelGenerator
{
    /// <summary>Says whether a prepared layer of a model with 16-bit activations can have its weights compiled.</summary>
    /// <param name="p">The prepared layer (<see cref="SwarPacker.PrepareWide"/> of the int8-weight model).</param>
    /// <returns>True for a Dense layer of at most <see cref="KernelGenerator.MaxInputs"/> inputs or a one-group Conv
    /// layer of at most as many taps, without LeakyRelu.</returns>
    public static bool IsCompiled(PreparedLayer p)
    {
        ArgumentNullException.ThrowIfNull(p);
        LayerDefinition l = p.Definition;
        return p.Int8Weights != null && l.NegativeMultiplier == null
            && (l.Kind == LayerKind.Dense ? p.InputLength <= KernelGenerator.MaxInputs : l.Kind == LayerKind.Conv && WideConvGenerator.Fits(l));
    }

    /// <summary>Emits the padded input buffers of the compiled padded Conv layers (class fields).</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="layers">The prepared layers.</param>
    /// <param name="compiled">Per layer: compiled into code.</param>
    public static void Fields(StringBuilder sb, PreparedLayer[] layers, IReadOnlyList<bool> compiled)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (int i in PaddedConvs(layers, compiled))
        {
            WideConvGenerator.Field(sb, i, layers[i].Definition);
        }
    }

    /// <summary>Emits the constructor statements filling those buffers' borders with the input zero points.</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="layers">The prepared layers.</param>
    /// <param name="compiled">Per layer: compiled into code.</param>
    public static void Fill(StringBuilder sb, PreparedLayer[] layers, IReadOnlyList<bool> compiled)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (int i in PaddedConvs(layers, compiled))
        {
            WideConvGenerator.Fill(sb, i, layers[i].Definition);
        }
    }

    private static IEnumerable<int> PaddedConvs(PreparedLayer[] layers, IReadOnlyList<bool> compiled) =>
        Enumerable.Range(0, layers.Length).Where(i => compiled[i] && layers[i].Definition.Kind == LayerKind.Conv && WideConvGenerator.IsPadded(layers[i].Definition));

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
            if (!compiled[i] && PoolKernelGenerator.IsSpecialized(layers[i].Definition))
            {
                sb.Append("                case ").Append(N(i)).Append(": return ").Append(PoolKernelGenerator.AcceptsCondition(layers[i])).AppendLine(";");
            }
            else if (compiled[i])
            {
                PreparedLayer p = layers[i];
                uint crc = EdgeMicro.Core.Format.ModelSerializer.LayerChecksum(p.Definition);
                sb.Append("                case ").Append(N(i)).Append(": return layer.Definition.Kind == ").Append(N(p.Definition.Kind)).Append(" && layer.InputLength == ").Append(N(p.InputLength))
                    .Append(" && layer.OutChannels == ").Append(N(p.OutChannels)).Append(" && layer.Definition.OutputLength == ").Append(N(p.Definition.OutputLength))
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
            if (!compiled[i] && PoolKernelGenerator.IsSpecialized(layers[i].Definition))
            {
                sb.Append("                case ").Append(N(i)).Append(": WidePool").Append(N(i)).AppendLine("(layer, input, output); break;");
            }
            else if (compiled[i])
            {
                sb.Append("                case ").Append(N(i)).Append(": Wide").Append(layers[i].Definition.Kind == LayerKind.Dense ? "Dense" : "Conv").Append(N(i)).AppendLine("(input, output); break;");
            }
        }

        sb.AppendLine("            }");
        sb.AppendLine("        }");
        if (layers.Any(l => PoolKernelGenerator.IsSpecialized(l.Definition)))
        {
            sb.AppendLine(ConvKernelGenerator.SameShapeMethod);
        }

        for (int i = 0; i < layers.Length; i++)
        {
            if (PoolKernelGenerator.IsSpecialized(layers[i].Definition))
            {
                sb.AppendLine();
                PoolKernelGenerator.Pool(sb, i, layers[i], wide: true);
            }
            else if (compiled[i])
            {
                sb.AppendLine();
                if (layers[i].Definition.Kind == LayerKind.Dense)
                {
                    Dense(sb, i, layers[i]);
                }
                else
                {
                    WideConvGenerator.Conv(sb, i, layers[i]);
                }
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
        Rows(sb, I + "    ", p, n, N);
        sb.Append(I).AppendLine("}");
        sb.AppendLine("        }");
    }

    /// <summary>Emits every output channel of one position: per pair of rows <c>a = B + sum_k x_k W_k</c> (zero words
    /// skipped), the two halves and their requantization.</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="indent">Indentation.</param>
    /// <param name="p">The prepared layer (int8 rows, folded biases).</param>
    /// <param name="n">Inputs (taps) per row, read from locals x0..x(n-1).</param>
    /// <param name="index">Output index expression of channel o.</param>
    internal static void Rows(StringBuilder sb, string indent, PreparedLayer p, int n, Func<int, string> index)
    {
        int outC = p.OutChannels;
        for (int o = 0; o < outC; o += 2)
        {
            bool pair = o + 1 < outC;
            sb.Append(indent).Append("a = ").Append(L(Word(p.PackedBias[o], pair ? p.PackedBias[o + 1] : 0)));
            int terms = 0;
            for (int i = 0; i < n; i++)
            {
                long w = Word(p.Int8Weights[(o * n) + i], pair ? p.Int8Weights[((o + 1) * n) + i] : 0);
                if (w != 0)
                {
                    sb.Append(terms++ % 6 == 0 ? "\n" + indent + "    " : " ").Append("+ (x").Append(N(i)).Append(" * ").Append(L(w)).Append(')');
                }
            }

            sb.AppendLine(";");
            if (pair)
            {
                sb.Append(indent).AppendLine("l = (a << 32) >> 32;");
                Requant(sb, indent, p, o, "l", index(o));
                sb.Append(indent).AppendLine("a = (a - l) >> 32;");
                Requant(sb, indent, p, o + 1, "a", index(o + 1));
            }
            else
            {
                Requant(sb, indent, p, o, "a", index(o));
            }
        }
    }

    /// <summary>low + high 2^32 modulo 2^64 (the two lanes of a word).</summary>
    private static long Word(long low, long high) => unchecked(low + (high << 32));

    private static void Requant(StringBuilder sb, string indent, PreparedLayer p, int o, string src, string index)
    {
        sb.Append(indent).Append("v = (((").Append(src).Append(" * ").Append(L(p.Multiplier[o])).Append(") + ").Append(L(p.Rounding[o])).Append(") >> ").Append(N(p.Shift[o]))
            .Append(") + ").Append(N(p.OutputZeroPoint)).AppendLine(";");
        sb.Append(indent).Append("output[").Append(index).AppendLine("] = (short)(v < lo ? lo : (v > hi ? hi : v));");
    }
}
