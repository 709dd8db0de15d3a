using System.Text;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using static EdgeMicro.Conversion.Export.CompiledWeightsGenerator;

namespace EdgeMicro.Conversion.Export;

/// <summary>
/// The Conv method of <see cref="CompiledWeightsGenerator"/> (one group; 1-D is height 1).
/// <para>Contract: out[oc, oy, ox] as <see cref="ConvKernel"/> computes it, bit for bit. A padded layer first copies
/// its input rows into the kernel's padded buffer (<c>Array.Copy</c>, one call per input row; the border already
/// holds each channel's input zero point, which is the real zero the generic kernel reads there), so every window is
/// inside: per output position the taps are read through constant offsets into locals, then each row group is one
/// straight-line SWAR sum with the weights as IL constants, and its lanes are requantized with constants.</para>
/// </summary>
internal static class CompiledConvGenerator
{
    /// <summary>Emits <c>Conv{index}(sbyte[] input, sbyte[] output)</c>.</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="index">Layer index.</param>
    /// <param name="p">The prepared layer.</param>
    /// <param name="padded">Whether the layer reads the kernel's padded buffer <c>_padded{index}</c>.</param>
    public static void Conv(StringBuilder sb, int index, PreparedLayer p, bool padded)
    {
        LayerDefinition l = p.Definition;
        if (StraightConvGenerator.Fits(l))
        {
            StraightConvGenerator.Emit(sb, index, p, constants: true);
            return;
        }

        const string I = "            ";
        int ph = padded ? l.InHeight + l.PadTop + l.PadBottom : l.InHeight;
        int pw = padded ? l.InWidth + l.PadLeft + l.PadRight : l.InWidth;
        int taps = l.WeightsPerOutput, plane = l.OutHeight * l.OutWidth;
        sb.Append("        private void Conv").Append(N(index)).AppendLine("(sbyte[] input, sbyte[] output)");
        sb.AppendLine("        {");
        if (padded)
        {
            sb.Append(I).Append("sbyte[] src = _padded").Append(N(index)).AppendLine(";");
            for (int c = 0; c < l.InChannels; c++)
            {
                for (int y = 0; y < l.InHeight; y++)
                {
                    sb.Append(I).Append("System.Array.Copy(input, ").Append(N(((c * l.InHeight) + y) * l.InWidth)).Append(", src, ")
                        .Append(N((((c * ph) + y + l.PadTop) * pw) + l.PadLeft)).Append(", ").Append(N(l.InWidth)).AppendLine(");");
                }
            }
        }
        else
        {
            sb.Append(I).AppendLine("sbyte[] src = input;");
        }

        sb.Append(I).Append("long lo = ").Append(N(p.ActivationMin)).Append(", hi = ").Append(N(p.ActivationMax)).AppendLine(";");
        sb.Append(I).Append("long ").Append(string.Join(", ", Enumerable.Range(0, taps).Select(k => "x" + N(k)))).AppendLine(";");
        sb.Append(I).AppendLine(p.OutChannels > 1 ? "long a, l, v;" : "long a, v;");
        sb.Append(I).AppendLine("int pos = 0;");
        sb.Append(I).Append("for (int oy = 0; oy < ").Append(N(l.OutHeight)).AppendLine("; oy++)");
        sb.Append(I).AppendLine("{");
        sb.Append(I).Append("    int b = oy * ").Append(N(l.StrideHeight * pw)).AppendLine(";");
        sb.Append(I).Append("    for (int ox = 0; ox < ").Append(N(l.OutWidth)).Append("; ox++, pos++, b += ").Append(N(l.StrideWidth)).AppendLine(")");
        sb.Append(I).AppendLine("    {");
        string J = I + "        ";
        int k = 0;
        for (int ic = 0; ic < l.InChannels; ic++)
        {
            for (int ky = 0; ky < l.KernelHeight; ky++)
            {
                for (int kx = 0; kx < l.KernelWidth; kx++, k++)
                {
                    int offset = (((ic * ph) + (ky * l.DilationHeight)) * pw) + (kx * l.DilationWidth);
                    sb.Append(J).Append('x').Append(N(k)).Append(" = src[").Append(offset == 0 ? "b" : "b + " + N(offset)).AppendLine("];");
                }
            }
        }

        sb.Append(J).AppendLine("unchecked");
        sb.Append(J).AppendLine("{");
        for (int g = 0; g < p.RowGroups; g++)
        {
            Dot(sb, J + "    ", p, g, taps);
            Lanes(sb, J + "    ", p, g, o => o == 0 ? "pos" : "pos + " + N(o * plane));
        }

        sb.Append(J).AppendLine("}");
        sb.Append(I).AppendLine("    }");
        sb.Append(I).AppendLine("}");
        sb.AppendLine("        }");
    }
}
