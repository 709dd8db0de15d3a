using System.Globalization;
using System.Text;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Conversion.Export;

/// <summary>
/// Generates the kernel of <c>--weights code</c>: an <see cref="ISpecializedKernel"/> whose Dense and one-group Conv
/// layers carry their SWAR-packed weights, packed biases and requantization constants as IL constants (flash, not
/// heap; ../shared/reference/interpreter-speed.md V7F, about 2.15 IL per MAC for a dense layer).
/// <para>Contract: bit-exact with the generic kernels (<see cref="DenseKernel"/>, <see cref="ConvKernel"/>): the same
/// packed words (<see cref="SwarPacker"/>), the same 64-bit wrapping sums, lanes and requantization
/// (<see cref="Requantizer"/>; the folded zero point where the prepared layer has it); convert checks it on the whole
/// test set. A term is <c>ldloc x; ldc.i8 W; mul; add</c> (4 IL for 3 MACs); zero words are skipped. Dense inputs are
/// read once into locals. Conv copies its input once per inference into a padded buffer whose border holds the
/// input zero point (allocated and filled at construction), so every window is read through constant tap offsets
/// without a border branch. No allocation per inference.</para>
/// <para><see cref="ISpecializedKernel.Accepts"/> takes a layer whose weights the table left to this kernel
/// (<see cref="LayerDefinition.WeightsCompiled"/>), or a layer whose canonical CRC is the one compiled in (the same
/// model from a blob); any other model runs on the generic kernels. Layers not compiled stay data: LeakyRelu, grouped
/// Conv, more than <see cref="KernelGenerator.MaxInputs"/> inputs per output (255 locals), pools.</para>
/// </summary>
public static class CompiledWeightsGenerator
{
    /// <summary>Says whether a prepared layer's weights can be compiled into code.</summary>
    /// <param name="p">The prepared layer (of the int8 model).</param>
    /// <returns>True when compiled.</returns>
    public static bool IsCompiled(PreparedLayer p) =>
        p.Definition.NegativeMultiplier == null && p.PackedWeights != null && (p.Lanes == 2 || p.Lanes == 3)
        && (p.Definition.Kind == LayerKind.Dense ? p.InputLength <= KernelGenerator.MaxInputs
            : p.Definition.Kind == LayerKind.Conv && (StraightConvGenerator.Fits(p.Definition) || (p.Definition.Groups == 1 && p.Definition.WeightsPerOutput <= KernelGenerator.MaxInputs)));

    /// <summary>Generates the kernel source.</summary>
    /// <param name="layers">The prepared layers of the int8 model (from a <see cref="Classifier"/>).</param>
    /// <param name="className">Class name (e.g. DigitsKernel).</param>
    /// <param name="provenance">One line of provenance.</param>
    /// <param name="model">The model, to generate its input quantizer and output head too (as the data-mode kernel), or null.</param>
    /// <param name="asData">Per layer: keep its weights as data although they could be compiled (to fit the assembly's
    /// bytecode limit; those layers run on the generic kernels); null for none.</param>
    /// <returns>C# source.</returns>
    public static string Generate(PreparedLayer[] layers, string className, string provenance, ModelDefinition? model = null, bool[]? asData = null)
    {
        bool wide = model?.HasWideActivations == true;
        bool IsCompiled(PreparedLayer p) => !wide && CompiledWeightsGenerator.IsCompiled(p) && !(asData?[Array.IndexOf(layers, p)] ?? false);
        bool[] wideCompiled = [.. layers.Select((p, i) => wide && WideKernelGenerator.IsCompiled(p) && !(asData?[i] ?? false))];

        bool fused = NetworkKernelGenerator.IsFused(layers, model, IsCompiled);
        var sb = new StringBuilder();
        KernelSource.Open(
            sb, "EdgeMicro kernel with the weights compiled in (edgemicro convert --weights code); do not edit.", provenance,
            "Bit-exact with EdgeMicro.Core.Inference.DenseKernel/ConvKernel (same SWAR words, lanes and rounding).",
            "Layer kernels with this model's weights as IL constants (flash, not heap).", className,
            KernelSource.Interfaces(model != null, fused) + (wide ? ", ISpecializedWideKernel" : string.Empty), "EdgeMicro.Core.Format", "EdgeMicro.Core.Inference", "EdgeMicro.Core.Model");
        var padded = new List<int>();
        for (int i = 0; i < layers.Length; i++)
        {
            if (IsCompiled(layers[i]) && layers[i].Definition.Kind == LayerKind.Conv && HasPadding(layers[i].Definition) && !StraightConvGenerator.Fits(layers[i].Definition))
            {
                padded.Add(i);
                sb.Append("        private readonly sbyte[] _padded").Append(N(i)).Append(" = new sbyte[").Append(N(PaddedLength(layers[i].Definition))).AppendLine("];");
            }
        }

        if (wide)
        {
            WideKernelGenerator.Fields(sb, layers, wideCompiled);
        }

        sb.AppendLine();
        sb.AppendLine("        /// <summary>Initializes a new instance: fills the padded input borders with the input zero points.</summary>");
        sb.Append("        public ").Append(className).AppendLine("()");
        sb.AppendLine("        {");
        foreach (int i in padded)
        {
            LayerDefinition l = layers[i].Definition;
            int plane = PaddedLength(l) / l.InChannels;
            for (int c = 0; c < l.InChannels; c++)
            {
                sb.Append("            for (int k = ").Append(N(c * plane)).Append("; k < ").Append(N((c + 1) * plane)).Append("; k++) { _padded").Append(N(i))
                    .Append("[k] = ").Append(N(l.InputZeroPoints[c])).AppendLine("; }");
            }
        }

        if (wide)
        {
            WideKernelGenerator.Fill(sb, layers, wideCompiled);
        }

        sb.AppendLine("        }");
        var accepts = new string?[layers.Length];
        var runs = new string?[layers.Length];
        for (int i = 0; i < layers.Length; i++)
        {
            PreparedLayer p = layers[i];
            if (IsCompiled(p))
            {
                uint crc = EdgeMicro.Core.Format.ModelSerializer.LayerChecksum(p.Definition);
                accepts[i] = "layer.Definition.Kind == " + N(p.Definition.Kind) + " && layer.InputLength == " + N(p.InputLength) + " && layer.OutChannels == " + N(p.OutChannels)
                    + " && layer.Definition.OutputLength == " + N(p.Definition.OutputLength)
                    + " && (layer.Definition.WeightsCompiled || ModelSerializer.LayerChecksum(layer.Definition) == 0x" + crc.ToString("X8", CultureInfo.InvariantCulture) + "u)";
                runs[i] = (p.Definition.Kind == LayerKind.Dense ? "Dense" : "Conv") + N(i) + "(input, output)";
            }
            else if (!wide && PoolKernelGenerator.IsSpecialized(p.Definition))
            {
                accepts[i] = PoolKernelGenerator.AcceptsCondition(p);
                runs[i] = "Pool" + N(i) + "(layer, input, output)";
            }
        }

        KernelSource.Dispatch(sb, accepts, runs);
        if (!wide && layers.Any(l => PoolKernelGenerator.IsSpecialized(l.Definition)))
        {
            sb.AppendLine(ConvKernelGenerator.SameShapeMethod);
            foreach (int i in Enumerable.Range(0, layers.Length).Where(i => PoolKernelGenerator.IsSpecialized(layers[i].Definition)))
            {
                sb.AppendLine();
                PoolKernelGenerator.Pool(sb, i, layers[i]);
            }
        }

        if (wide)
        {
            WideKernelGenerator.Emit(sb, layers, wideCompiled);
        }

        if (model != null)
        {
            InputKernelGenerator.Emit(sb, model);
            HeadKernelGenerator.Emit(sb, model);
            if (fused)
            {
                NetworkKernelGenerator.Emit(sb, layers, model, code: true);
            }
        }

        for (int i = 0; i < layers.Length; i++)
        {
            if (IsCompiled(layers[i]))
            {
                sb.AppendLine();
                if (layers[i].Definition.Kind == LayerKind.Dense)
                {
                    Dense(sb, i, layers[i]);
                }
                else
                {
                    CompiledConvGenerator.Conv(sb, i, layers[i], HasPadding(layers[i].Definition));
                }
            }
        }

        sb.AppendLine("    }");
        sb.AppendLine("}");
        return sb.ToString();
    }

    /// <summary>Emits <c>a = bias + sum_k x_k * W_k</c> for row group <paramref name="g"/> (zero words skipped).</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="indent">Indentation.</param>
    /// <param name="p">The prepared layer.</param>
    /// <param name="g">Row group.</param>
    /// <param name="taps">Inputs per row.</param>
    internal static void Dot(StringBuilder sb, string indent, PreparedLayer p, int g, int taps)
    {
        sb.Append(indent).Append("a = ").Append(L(p.PackedBias[g]));
        int terms = 0;
        for (int k = 0; k < taps; k++)
        {
            long w = p.PackedWeights[(g * p.Stride) + k];
            if (w != 0)
            {
                sb.Append(terms++ % 6 == 0 ? "\n" + indent + "    " : " ").Append("+ (x").Append(N(k)).Append(" * ").Append(L(w)).Append(')');
            }
        }

        sb.AppendLine(";");
    }

    /// <summary>Emits the lane extraction and requantization of row group <paramref name="g"/> with constants.</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="indent">Indentation.</param>
    /// <param name="p">The prepared layer.</param>
    /// <param name="g">Row group (one convolution group).</param>
    /// <param name="index">Output index expression of channel o.</param>
    internal static void Lanes(StringBuilder sb, string indent, PreparedLayer p, int g, Func<int, string> index)
    {
        int bits = p.Lanes == 3 ? 21 : 32;
        for (int lane = 0; lane < p.Lanes; lane++)
        {
            int o = (g * p.Lanes) + lane;
            if (o >= p.OutChannels)
            {
                break;
            }

            bool last = lane == p.Lanes - 1;
            if (!last)
            {
                sb.Append(indent).Append("l = (a << ").Append(N(64 - bits)).Append(") >> ").Append(N(64 - bits)).AppendLine(";");
                if (o + 1 < p.OutChannels)
                {
                    sb.Append(indent).Append("a = (a - l) >> ").Append(N(bits)).AppendLine(";");
                }
            }

            Requant(sb, indent, p, o, last ? "a" : "l", index(o));
        }
    }

    private static void Requant(StringBuilder sb, string indent, PreparedLayer p, int o, string src, string index)
    {
        if (p.RoundingWithZeroPoint != null)
        {
            sb.Append(indent).Append("v = ((").Append(src).Append(" * ").Append(L(p.Multiplier[o])).Append(") + ").Append(L(p.RoundingWithZeroPoint[o])).Append(") >> ").Append(N(p.Shift[o])).AppendLine(";");
        }
        else
        {
            sb.Append(indent).Append("v = (((").Append(src).Append(" * ").Append(L(p.Multiplier[o])).Append(") + ").Append(L(p.Rounding[o])).Append(") >> ").Append(N(p.Shift[o]))
                .Append(") + ").Append(N(p.OutputZeroPoint)).AppendLine(";");
        }

        sb.Append(indent).Append("output[").Append(index).AppendLine("] = (sbyte)(v < lo ? lo : (v > hi ? hi : v));");
    }

    /// <summary>Invariant integer text.</summary>
    /// <param name="v">Value.</param>
    /// <returns>Text.</returns>
    internal static string N(int v) => v.ToString(CultureInfo.InvariantCulture);

    /// <summary>Invariant long literal.</summary>
    /// <param name="v">Value.</param>
    /// <returns>Text.</returns>
    internal static string L(long v) => v == long.MinValue ? "long.MinValue" : v.ToString(CultureInfo.InvariantCulture) + "L";

    private static bool HasPadding(LayerDefinition l) => l.PadTop != 0 || l.PadLeft != 0 || l.PadBottom != 0 || l.PadRight != 0;

    private static int PaddedLength(LayerDefinition l) => l.InChannels * (l.InHeight + l.PadTop + l.PadBottom) * (l.InWidth + l.PadLeft + l.PadRight);

    private static void Dense(StringBuilder sb, int index, PreparedLayer p)
    {
        const string I = "            ";
        int n = p.InputLength;
        sb.Append("        private static void Dense").Append(N(index)).AppendLine("(sbyte[] input, sbyte[] output)");
        sb.AppendLine("        {");
        sb.Append(I).Append("long lo = ").Append(N(p.ActivationMin)).Append(", hi = ").Append(N(p.ActivationMax)).AppendLine(";");
        for (int i = 0; i < n; i++)
        {
            sb.Append(I).Append("long x").Append(N(i)).Append(" = input[").Append(N(i)).AppendLine("];");
        }

        sb.Append(I).AppendLine(p.OutChannels > 1 || p.TailRows != 0 ? "long a, l, v;" : "long a, v;");
        sb.Append(I).AppendLine("unchecked");
        sb.Append(I).AppendLine("{");
        for (int g = 0; g < p.RowGroups; g++)
        {
            Dot(sb, I + "    ", p, g, n);
            Lanes(sb, I + "    ", p, g, N);
        }

        if (p.TailRows != 0)
        {
            // The tail row (SwarTailRow): inputs three to a word times its words, read back from bits 42..62.
            int start = p.RowGroups * p.Stride, o = p.OutChannels - 1;
            KernelGenerator.Tail(sb, I + "    ", p, k => "x" + N(k), j => L(p.PackedWeights[start + j]), L(p.PackedBias[p.RowGroups]));
            sb.Append(I).Append("    l = ").Append(KernelGenerator.TailLane).AppendLine(";");
            Requant(sb, I + "    ", p, o, "l", N(o));
        }

        sb.Append(I).AppendLine("}");
        sb.AppendLine("        }");
    }
}
