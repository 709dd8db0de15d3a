using System.Text;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using static EdgeMicro.Conversion.Export.CompiledWeightsGenerator;

namespace EdgeMicro.Conversion.Export;

/// <summary>
/// The Conv method of <see cref="WideKernelGenerator"/> (one group; 1-D is height 1): a Conv layer of a model with
/// 16-bit activations with its int8 weights as IL constants, two output channels per 64-bit word.
/// <para>Contract: out[oc, oy, ox] as <see cref="WideKernels.Conv"/> computes it, bit for bit. A padded layer first
/// copies its input rows into the kernel's padded int16 buffer (<c>Array.Copy</c>, one call per input row; the border
/// holds each channel's input zero point from construction, the value the generic kernel reads outside the input), so
/// every window is inside: per output position the taps are read through constant offsets into locals, then each pair
/// of output channels is one straight-line sum of <c>x_k * W</c> terms with W = w[2g, k] + w[2g+1, k] 2^32, whose
/// halves are the two exact int32 accumulators (as in <see cref="WideKernelGenerator"/>), requantized with constants.
/// No allocation per inference.</para>
/// </summary>
internal static class WideConvGenerator
{
    /// <summary>Says whether a Conv layer can be compiled: one group, at most <see cref="KernelGenerator.MaxInputs"/> taps.</summary>
    /// <param name="l">The layer.</param>
    /// <returns>True when compiled.</returns>
    public static bool Fits(LayerDefinition l) => l.Groups == 1 && l.WeightsPerOutput <= KernelGenerator.MaxInputs;

    /// <summary>Whether the layer reads a padded buffer.</summary>
    /// <param name="l">The layer.</param>
    /// <returns>True with any padding.</returns>
    public static bool IsPadded(LayerDefinition l) => l.PadTop != 0 || l.PadLeft != 0 || l.PadBottom != 0 || l.PadRight != 0;

    /// <summary>Elements of the padded buffer.</summary>
    /// <param name="l">The layer.</param>
    /// <returns>C x (H + pads) x (W + pads).</returns>
    public static int PaddedLength(LayerDefinition l) => l.InChannels * (l.InHeight + l.PadTop + l.PadBottom) * (l.InWidth + l.PadLeft + l.PadRight);

    /// <summary>Emits the padded buffer field of a layer.</summary>
    /// <param name="sb">Destination (class body).</param>
    /// <param name="index">Layer index.</param>
    /// <param name="l">The layer.</param>
    public static void Field(StringBuilder sb, int index, LayerDefinition l) =>
        sb.Append("        private readonly short[] _widePadded").Append(N(index)).Append(" = new short[").Append(N(PaddedLength(l))).AppendLine("];");

    /// <summary>Emits the constructor statements that fill the padded buffer with the input zero points.</summary>
    /// <param name="sb">Destination (constructor body).</param>
    /// <param name="index">Layer index.</param>
    /// <param name="l">The layer.</param>
    public static void Fill(StringBuilder sb, int index, LayerDefinition l)
    {
        int plane = PaddedLength(l) / l.InChannels;
        for (int c = 0; c < l.InChannels; c++)
        {
            if (l.InputZeroPoints[c] != 0)
            {
                sb.Append("            for (int k = ").Append(N(c * plane)).Append("; k < ").Append(N((c + 1) * plane)).Append("; k++) { _widePadded").Append(N(index))
                    .Append("[k] = ").Append(N(l.InputZeroPoints[c])).AppendLine("; }");
            }
        }
    }

    /// <summary>Emits <c>WideConv{index}(short[] input, short[] output)</c>.</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="index">Layer index.</param>
    /// <param name="p">The prepared layer (<see cref="SwarPacker.PrepareWide"/>: int8 rows, folded biases).</param>
    public static void Conv(StringBuilder sb, int index, PreparedLayer p)
    {
        LayerDefinition l = p.Definition;
        int plane = l.OutHeight * l.OutWidth;
        sb.Append("        private void WideConv").Append(N(index)).AppendLine("(short[] input, short[] output)");
        sb.AppendLine("        {");
        CompiledConvGenerator.Windows(sb, l, IsPadded(l), "short", "_widePadded" + N(index), p.ActivationMin, p.ActivationMax, l.OutChannels > 1, J =>
            WideKernelGenerator.Rows(sb, J, p, l.WeightsPerOutput, o => o == 0 ? "pos" : "pos + " + N(o * plane)));
        sb.AppendLine("        }");
    }
}
