using System.Text;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using static EdgeMicro.Conversion.Export.KernelGenerator;

namespace EdgeMicro.Conversion.Export;

/// <summary>
/// Emits the specialized method of a one-group Conv layer. Per output position the receptive field goes into locals
/// (windows inside the input: constant tap offsets from the window origin, <c>ldelem.i1; conv.i8</c> per tap;
/// border windows: <see cref="ConvKernel.GatherPadded"/> into the scratch patch, then copied), and every packed row
/// group is a straight-line SWAR3 dot product with constant weight indices followed by inline requantization - the
/// same arithmetic as <see cref="ConvKernel"/>, bit for bit.
/// </summary>
internal static class ConvKernelGenerator
{
    /// <summary>Condition that the prepared layer has the shape and packing the method was generated for.</summary>
    /// <param name="p">Prepared layer.</param>
    /// <returns>C# boolean expression over <c>layer</c>.</returns>
    public static string AcceptsCondition(PreparedLayer p)
    {
        LayerDefinition l = p.Definition;
        int[] shape = EdgeMicro.Core.Format.ModelTable.ToShape(l);
        var sb = new StringBuilder("layer.Definition.Kind == LayerKind.Conv && layer.RoundingWithZeroPoint != null && layer.Stride == ").Append(N(p.Stride));
        sb.Append(" && SameShape(layer.Definition, new int[] { ").Append(string.Join(", ", shape.Take(19).Select(N))).Append(" })");
        return sb.ToString();
    }

    /// <summary>Emits the method.</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="index">Layer index.</param>
    /// <param name="p">Prepared layer.</param>
    public static void Conv(StringBuilder sb, int index, PreparedLayer p)
    {
        LayerDefinition l = p.Definition;
        const string I = "            ";
        int taps = l.WeightsPerOutput, plane = l.OutHeight * l.OutWidth;
        int spanH = ((l.KernelHeight - 1) * l.DilationHeight) + 1, spanW = ((l.KernelWidth - 1) * l.DilationWidth) + 1;
        sb.Append("        private static void Conv").Append(N(index)).AppendLine("(PreparedLayer p, sbyte[] input, sbyte[] output, long[] patch)");
        sb.AppendLine("        {");
        sb.Append(I).AppendLine("long[] w = p.PackedWeights, b = p.PackedBias, m = p.Multiplier, r = p.RoundingWithZeroPoint;");
        sb.Append(I).AppendLine("int[] s = p.Shift, zp = p.Definition.InputZeroPoints, off = p.TapOffsets;");
        sb.Append(I).AppendLine("long lo = p.ActivationMin, hi = p.ActivationMax;");
        sb.Append(I).Append("long ").Append(string.Join(", ", Enumerable.Range(0, taps).Select(k => "t" + N(k)))).AppendLine(";");
        sb.Append(I).AppendLine("long a, l, v;");
        sb.Append(I).Append("for (int oy = 0; oy < ").Append(N(l.OutHeight)).AppendLine("; oy++)");
        sb.Append(I).AppendLine("{");
        sb.Append(I).Append("    int y0 = (oy * ").Append(N(l.StrideHeight)).Append(") - ").Append(N(l.PadTop)).AppendLine(";");
        sb.Append(I).Append("    for (int ox = 0; ox < ").Append(N(l.OutWidth)).AppendLine("; ox++)");
        sb.Append(I).AppendLine("    {");
        string J = I + "        ";
        sb.Append(J).Append("int x0 = (ox * ").Append(N(l.StrideWidth)).Append(") - ").Append(N(l.PadLeft)).AppendLine(";");
        sb.Append(J).Append("int pos = (oy * ").Append(N(l.OutWidth)).AppendLine(") + ox;");
        sb.Append(J).Append("if (y0 >= 0 && x0 >= 0 && y0 + ").Append(N(spanH)).Append(" <= ").Append(N(l.InHeight)).Append(" && x0 + ").Append(N(spanW)).Append(" <= ").Append(N(l.InWidth)).AppendLine(")");
        sb.Append(J).AppendLine("{");
        sb.Append(J).Append("    int o = (y0 * ").Append(N(l.InWidth)).AppendLine(") + x0;");
        int[] offsets = p.TapOffsets;
        for (int k = 0; k < taps; k++)
        {
            sb.Append(J).Append("    t").Append(N(k)).Append(" = input[o + ").Append(N(offsets[k])).AppendLine("];");
        }

        sb.Append(J).AppendLine("}");
        sb.Append(J).AppendLine("else");
        sb.Append(J).AppendLine("{");
        sb.Append(J).Append("    ConvKernel.GatherPadded(input, patch, zp, 0, ").Append(N(l.InChannels)).Append(", ").Append(N(l.InHeight)).Append(", ").Append(N(l.InWidth))
            .Append(", y0, x0, ").Append(N(l.KernelHeight)).Append(", ").Append(N(l.KernelWidth)).Append(", ").Append(N(l.DilationHeight)).Append(", ").Append(N(l.DilationWidth)).AppendLine(");");
        for (int k = 0; k < taps; k++)
        {
            sb.Append(J).Append("    t").Append(N(k)).Append(" = patch[").Append(N(k)).AppendLine("];");
        }

        sb.Append(J).AppendLine("}");
        sb.AppendLine();
        sb.Append(J).AppendLine("unchecked");
        sb.Append(J).AppendLine("{");
        for (int g = 0; g < p.RowGroups; g++)
        {
            sb.Append(J).Append("    a = b[").Append(N(g)).Append(']');
            for (int k = 0; k < taps; k++)
            {
                sb.Append(k % 6 == 0 ? "\n" + J + "        " : " ").Append("+ (t").Append(N(k)).Append(" * w[").Append(N((g * p.Stride) + k)).Append("])");
            }

            sb.AppendLine(";");
            Lanes(sb, J + "    ", g, l.OutChannels, o => N(o * plane) + " + pos");
        }

        sb.Append(J).AppendLine("}");
        sb.Append(I).AppendLine("    }");
        sb.Append(I).AppendLine("}");
        sb.AppendLine("        }");
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
