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

        sb.Append("        private void Conv").Append(N(index)).AppendLine("(sbyte[] input, sbyte[] output)");
        sb.AppendLine("        {");
        int plane = l.OutHeight * l.OutWidth;
        Windows(sb, l, padded, "sbyte", "_padded" + N(index), p.ActivationMin, p.ActivationMax, p.OutChannels > 1, J =>
        {
            for (int g = 0; g < p.RowGroups; g++)
            {
                Dot(sb, J, p, g, l.WeightsPerOutput);
                Lanes(sb, J, p, g, o => o == 0 ? "pos" : "pos + " + N(o * plane));
            }
        });
        sb.AppendLine("        }");
    }

    /// <summary>Emits the body of a compiled Conv method: the padded copy of the input rows (when padded), the locals,
    /// and the loop over output positions that reads every window's taps through constant offsets into x0..x(taps-1)
    /// and then runs <paramref name="rows"/> (which writes output channel o at <c>pos + o * plane</c>).</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="l">The layer.</param>
    /// <param name="padded">Whether the layer reads the padded buffer <paramref name="field"/>.</param>
    /// <param name="element">Array element type (sbyte, or short for 16-bit activations).</param>
    /// <param name="field">The padded buffer's field name.</param>
    /// <param name="activationMin">Clamp low.</param>
    /// <param name="activationMax">Clamp high.</param>
    /// <param name="lanes">Whether a lane local <c>l</c> is needed (more than one output channel).</param>
    /// <param name="rows">Emits the sums and stores of one position at the given indentation, inside unchecked.</param>
    internal static void Windows(StringBuilder sb, LayerDefinition l, bool padded, string element, string field, int activationMin, int activationMax, bool lanes, Action<string> rows)
    {
        const string I = "            ";
        int ph = padded ? l.InHeight + l.PadTop + l.PadBottom : l.InHeight;
        int pw = padded ? l.InWidth + l.PadLeft + l.PadRight : l.InWidth;
        int taps = l.WeightsPerOutput;
        if (padded)
        {
            sb.Append(I).Append(element).Append("[] src = ").Append(field).AppendLine(";");
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
            sb.Append(I).Append(element).AppendLine("[] src = input;");
        }

        sb.Append(I).Append("long lo = ").Append(N(activationMin)).Append(", hi = ").Append(N(activationMax)).AppendLine(";");
        sb.Append(I).Append("long ").Append(string.Join(", ", Enumerable.Range(0, taps).Select(k => "x" + N(k)))).AppendLine(";");
        sb.Append(I).AppendLine(lanes ? "long a, l, v;" : "long a, v;");
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
        rows(J + "    ");
        sb.Append(J).AppendLine("}");
        sb.Append(I).AppendLine("    }");
        sb.Append(I).AppendLine("}");
    }
}
