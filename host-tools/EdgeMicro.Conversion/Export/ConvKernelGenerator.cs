using System.Text;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using static EdgeMicro.Conversion.Export.KernelGenerator;

namespace EdgeMicro.Conversion.Export;

/// <summary>
/// Emits the specialized method of a one-group Conv layer, without a per-window border branch: a layer that pads first
/// writes its input once into a padded buffer (rows by <c>Array.Copy</c>, border cells set to the channel's input zero
/// point, i.e. real zero, at constant indices), so every window is inside and each tap is one load at a constant
/// offset from the window origin (<c>ldelem.i1; conv.i8</c> into a local); a window sliding by one column keeps the
/// taps it shares with the previous one and loads one column. Every packed row group (SWAR3 or SWAR2) is
/// then a straight-line dot product with constant weight indices followed by inline requantization.
/// <para>Contract: the same as <see cref="ConvKernel"/>, bit for bit (out-of-bounds taps read zp_in[c], the same
/// SWAR lanes and <see cref="Requantizer"/> rounding).</para>
/// </summary>
internal static class ConvKernelGenerator
{
    /// <summary>Largest padded input specialized (its copy is straight-line code: a few KB of bytecode at most).</summary>
    public const int MaxPaddedLength = 2048;

    /// <summary>Most weights held in locals.</summary>
    public const int MaxHoistedWeights = 64;

    /// <summary>Budget of locals for taps, hoisted constants and weights (nanoFramework allows 255 in all).</summary>
    public const int MaxLocals = 220;

    /// <summary>Condition that the prepared layer has the shape and packing the method was generated for.</summary>
    /// <param name="p">Prepared layer.</param>
    /// <returns>C# boolean expression over <c>layer</c>.</returns>
    public static string AcceptsCondition(PreparedLayer p)
    {
        int[] shape = EdgeMicro.Core.Format.ModelTable.ToShape(p.Definition);
        string bias = StraightConvGenerator.Fits(p.Definition) ? " && layer.Definition.Bias != null" : string.Empty;
        return "layer.Definition.Kind == LayerKind.Conv && " + PackingCondition(p) + bias + " && SameShape(layer.Definition, new int[] { " + string.Join(", ", shape.Take(19).Select(N)) + " })";
    }

    /// <summary>Length of the padded input buffer a Conv layer needs (0 when it does not pad or is not a Conv).</summary>
    /// <param name="l">The layer.</param>
    /// <returns>C x (H + pads) x (W + pads), or 0.</returns>
    public static int PaddedLength(LayerDefinition l) =>
        l.Kind == LayerKind.Conv && Pads(l) && !StraightConvGenerator.Fits(l) ? l.InChannels * PaddedHeight(l) * PaddedWidth(l) : 0;

    /// <summary>Says whether a Conv layer gets a specialized method (data or code mode): straight-line
    /// (<see cref="StraightConvGenerator"/>, any groups) when it fits, else the per-position loop of one group.</summary>
    /// <param name="l">The layer.</param>
    /// <returns>True when specialized.</returns>
    public static bool IsSpecialized(LayerDefinition l) =>
        l.Kind == LayerKind.Conv && (StraightConvGenerator.Fits(l)
            || (l.Groups == 1 && l.WeightsPerOutput <= KernelGenerator.MaxInputs && PaddedLength(l) <= MaxPaddedLength));

    /// <summary>Emits the method.</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="index">Layer index.</param>
    /// <param name="p">Prepared layer.</param>
    public static void Conv(StringBuilder sb, int index, PreparedLayer p)
    {
        LayerDefinition l = p.Definition;
        if (StraightConvGenerator.Fits(l))
        {
            StraightConvGenerator.Emit(sb, index, p, constants: false);
            return;
        }

        const string I = "            ";
        bool pads = Pads(l);
        int taps = l.WeightsPerOutput, plane = l.OutHeight * l.OutWidth, width = pads ? PaddedWidth(l) : l.InWidth;
        sb.Append("        private static void Conv").Append(N(index)).AppendLine("(PreparedLayer p, sbyte[] input, sbyte[] output, sbyte[] padded)");
        sb.AppendLine("        {");
        RequantLocals(sb, I, p);
        if (pads)
        {
            PaddedCopy(sb, I, l);
        }

        sb.Append(I).Append("sbyte[] x = ").Append(pads ? "padded" : "input").AppendLine(";");
        bool hoistRequant = HoistsRequant(l), hoistWeights = HoistsWeights(p);
        if (hoistRequant)
        {
            HoistRequant(sb, I, l.OutChannels);
        }

        if (hoistWeights)
        {
            HoistWeights(sb, I, p);
        }

        // Zero-initialized so the compiler sees sliding taps assigned (every tap is loaded at column 0 anyway).
        string init = Slides(l) ? " = 0" : string.Empty;
        sb.Append(I).Append("long ").Append(string.Join(", ", Enumerable.Range(0, taps).Select(k => "t" + N(k) + init))).AppendLine(";");
        sb.Append(I).AppendLine("long a, v;");
        sb.Append(I).Append("for (int oy = 0; oy < ").Append(N(l.OutHeight)).AppendLine("; oy++)");
        sb.Append(I).AppendLine("{");
        sb.Append(I).Append("    int row = oy * ").Append(N(l.StrideHeight * width)).AppendLine(";");
        sb.Append(I).Append("    for (int ox = 0; ox < ").Append(N(l.OutWidth)).AppendLine("; ox++)");
        sb.Append(I).AppendLine("    {");
        string J = I + "        ";
        sb.Append(J).Append("int o = row + (ox * ").Append(N(l.StrideWidth)).AppendLine(");");
        sb.Append(J).Append("int pos = (oy * ").Append(N(l.OutWidth)).AppendLine(") + ox;");
        int[] offsets = TapOffsets(l, pads ? PaddedHeight(l) : l.InHeight, width);
        if (Slides(l))
        {
            SlidingTaps(sb, J, l, offsets);
        }
        else
        {
            LoadTaps(sb, J, offsets, Enumerable.Range(0, taps));
        }

        sb.AppendLine();
        sb.Append(J).AppendLine("unchecked");
        sb.Append(J).AppendLine("{");
        for (int g = 0; g < p.RowGroups; g++)
        {
            sb.Append(J).Append("    a = b[").Append(N(g)).Append(']');
            for (int k = 0; k < taps; k++)
            {
                string weight = hoistWeights ? "c" + N((g * p.Stride) + k) : "w[" + N((g * p.Stride) + k) + "]";
                sb.Append(k % 6 == 0 ? "\n" + J + "        " : " ").Append("+ (t").Append(N(k)).Append(" * ").Append(weight).Append(')');
            }

            sb.AppendLine(";");
            Lanes(sb, J + "    ", p, g, o => N(o * plane) + " + pos", hoistRequant);
        }

        sb.Append(J).AppendLine("}");
        sb.Append(I).AppendLine("    }");
        sb.Append(I).AppendLine("}");
        sb.AppendLine("        }");
    }

    /// <summary>Per-channel requantization constants go into locals when the taps leave room under the 255-locals
    /// limit (they are reused at every output position).</summary>
    private static bool HoistsRequant(LayerDefinition l) => l.OutHeight * l.OutWidth > 1 && l.WeightsPerOutput + (3 * l.OutChannels) <= MaxLocals;

    /// <summary>Packed weights go into locals when there are few (a small first layer) and the positions reuse them.</summary>
    private static bool HoistsWeights(PreparedLayer p)
    {
        LayerDefinition l = p.Definition;
        int weights = p.RowGroups * l.WeightsPerOutput;
        return l.OutHeight * l.OutWidth >= 4 && weights <= MaxHoistedWeights && l.WeightsPerOutput + (3 * l.OutChannels) + weights <= MaxLocals;
    }

    private static void HoistWeights(StringBuilder sb, string indent, PreparedLayer p)
    {
        for (int g = 0; g < p.RowGroups; g++)
        {
            for (int k = 0; k < p.Definition.WeightsPerOutput; k++)
            {
                int at = (g * p.Stride) + k;
                sb.Append(indent).Append("long c").Append(N(at)).Append(" = w[").Append(N(at)).AppendLine("];");
            }
        }
    }

    /// <summary>Whether the window slides by one column (stride and dilation 1 along the width, a kernel at least two
    /// wide, more than one output column): then each step keeps kw - 1 columns of taps and loads one.</summary>
    private static bool Slides(LayerDefinition l) => l.StrideWidth == 1 && l.DilationWidth == 1 && l.KernelWidth >= 2 && l.OutWidth > 1;

    private static void LoadTaps(StringBuilder sb, string indent, int[] offsets, IEnumerable<int> taps)
    {
        foreach (int k in taps)
        {
            sb.Append(indent).Append("t").Append(N(k)).Append(" = x[o + ").Append(N(offsets[k])).AppendLine("];");
        }
    }

    /// <summary>First column of a row: every tap loaded; next columns: taps (ic, ky, kx) take (ic, ky, kx + 1) of the
    /// previous window and only kx = kw - 1 is loaded (taps are in (ic, ky, kx) order).</summary>
    private static void SlidingTaps(StringBuilder sb, string indent, LayerDefinition l, int[] offsets)
    {
        int kw = l.KernelWidth, rows = offsets.Length / kw;
        sb.Append(indent).AppendLine("if (ox == 0)");
        sb.Append(indent).AppendLine("{");
        LoadTaps(sb, indent + "    ", offsets, Enumerable.Range(0, offsets.Length));
        sb.Append(indent).AppendLine("}");
        sb.Append(indent).AppendLine("else");
        sb.Append(indent).AppendLine("{");
        for (int row = 0; row < rows; row++)
        {
            for (int kx = 0; kx < kw - 1; kx++)
            {
                int k = (row * kw) + kx;
                sb.Append(indent).Append("    t").Append(N(k)).Append(" = t").Append(N(k + 1)).AppendLine(";");
            }

            LoadTaps(sb, indent + "    ", offsets, [(row * kw) + kw - 1]);
        }

        sb.Append(indent).AppendLine("}");
    }

    private static bool Pads(LayerDefinition l) => l.PadTop > 0 || l.PadLeft > 0 || l.PadBottom > 0 || l.PadRight > 0;

    private static int PaddedHeight(LayerDefinition l) => l.InHeight + l.PadTop + l.PadBottom;

    private static int PaddedWidth(LayerDefinition l) => l.InWidth + l.PadLeft + l.PadRight;

    /// <summary>Offset of each tap (ic, ky, kx), in packed-weight order, from the window origin in a C x h x w buffer.</summary>
    private static int[] TapOffsets(LayerDefinition l, int h, int w)
    {
        var offsets = new List<int>();
        for (int ic = 0; ic < l.InChannels; ic++)
        {
            for (int ky = 0; ky < l.KernelHeight; ky++)
            {
                for (int kx = 0; kx < l.KernelWidth; kx++)
                {
                    offsets.Add((((ic * h) + (ky * l.DilationHeight)) * w) + (kx * l.DilationWidth));
                }
            }
        }

        return offsets.ToArray();
    }

    /// <summary>Emits the padded copy of the input: border cells of channel c = (sbyte)zp[c], rows copied.</summary>
    private static void PaddedCopy(StringBuilder sb, string indent, LayerDefinition l)
    {
        int hp = PaddedHeight(l), wp = PaddedWidth(l);
        sb.Append(indent).AppendLine("int[] zp = p.Definition.InputZeroPoints;");
        sb.Append(indent).AppendLine("sbyte z;");
        for (int c = 0; c < l.InChannels; c++)
        {
            sb.Append(indent).Append("z = (sbyte)zp[").Append(N(c)).AppendLine("];");
            for (int y = 0; y < hp; y++)
            {
                bool borderRow = y < l.PadTop || y >= l.PadTop + l.InHeight;
                for (int x = 0; x < wp; x++)
                {
                    if (borderRow || x < l.PadLeft || x >= l.PadLeft + l.InWidth)
                    {
                        sb.Append(indent).Append("padded[").Append(N((((c * hp) + y) * wp) + x)).AppendLine("] = z;");
                    }
                }

                if (!borderRow)
                {
                    int source = ((c * l.InHeight) + (y - l.PadTop)) * l.InWidth;
                    sb.Append(indent).Append("System.Array.Copy(input, ").Append(N(source)).Append(", padded, ").Append(N((((c * hp) + y) * wp) + l.PadLeft)).Append(", ").Append(N(l.InWidth)).AppendLine(");");
                }
            }
        }
    }

    /// <summary>Helper emitted once into kernels with Conv methods: compares the first 19 shape fields.</summary>
    public const string SameShapeMethod = @"
        private static bool SameShape(LayerDefinition d, int[] expected)
        {
            int[] actual = EdgeMicro.Core.Format.ModelTable.ToShape(d);
            for (int i = 0; i < expected.Length; i++)
            {
                if (actual[i] != expected[i])
                {
                    return false;
                }
            }

            return true;
        }";
}
