using System.Text;
using EdgeMicro.Core.Inference;

namespace EdgeMicro.Conversion.Export;

/// <summary>The Dense methods of the data-mode kernel: SWAR row groups, the tail row (<see cref="SwarTailRow"/>) and
/// int8 rows (<c>--weights int8</c>).</summary>
public static partial class KernelGenerator
{
    private static void Dense(StringBuilder sb, int index, PreparedLayer p)
    {
        if (p.Lanes == 1)
        {
            DenseInt8Rows(sb, index, p);
            return;
        }

        const string I = "            ";
        int n = p.InputLength;
        sb.Append("        private static void Dense").Append(N(index)).AppendLine("(PreparedLayer p, sbyte[] input, sbyte[] output)");
        sb.AppendLine("        {");
        RequantLocals(sb, I, p);
        for (int i = 0; i < n; i++)
        {
            sb.Append(I).Append("long x").Append(N(i)).Append(" = input[").Append(N(i)).AppendLine("];");
        }

        sb.Append(I).AppendLine(p.NegativeMultiplier == null ? "long a, v;" : "long a, v, l;");
        sb.Append(I).AppendLine("unchecked");
        sb.Append(I).AppendLine("{");
        for (int g = 0; g < p.RowGroups; g++)
        {
            sb.Append(I).Append("    a = b[").Append(N(g)).Append(']');
            for (int i = 0; i < n; i++)
            {
                sb.Append(i % 6 == 0 ? "\n" + I + "        " : " ").Append("+ (x").Append(N(i)).Append(" * w[").Append(N((g * p.Stride) + i)).Append("])");
            }

            sb.AppendLine(";");
            Lanes(sb, I + "    ", p, g, o => N(o));
        }

        if (p.TailRows != 0)
        {
            Tail(sb, I + "    ", p, k => "x" + N(k), "w", "b[" + N(p.RowGroups) + "]");
            Lane(sb, I + "    ", p, p.OutChannels - 1, TailLane, N(p.OutChannels - 1), false);
        }

        sb.Append(I).AppendLine("}");
        sb.AppendLine("        }");
    }

    /// <summary>One-lane Dense (<c>--weights int8</c>): per row a = folded bias + sum_i x_i * W[o, i] over the int8
    /// rows in 32-bit int arithmetic (<c>ldloc x; ldloc w; ldc idx; ldelem.i1; mul; add</c>: 6 IL per MAC; wrapping
    /// sums are exact because the accumulator is checked to stay in int32 at load), requantized as
    /// <see cref="Requantizer"/> (the output zero point added after the shift).</summary>
    private static void DenseInt8Rows(StringBuilder sb, int index, PreparedLayer p)
    {
        const string I = "            ";
        int n = p.InputLength;
        sb.Append("        private static void Dense").Append(N(index)).AppendLine("(PreparedLayer p, sbyte[] input, sbyte[] output)");
        sb.AppendLine("        {");
        sb.Append(I).AppendLine("sbyte[] w = p.Int8Weights;");
        sb.Append(I).AppendLine("long[] b = p.PackedBias, m = p.Multiplier, r = p.Rounding;");
        sb.Append(I).AppendLine("int[] s = p.Shift;");
        sb.Append(I).AppendLine("long lo = p.ActivationMin, hi = p.ActivationMax, zo = p.OutputZeroPoint;");
        if (p.NegativeMultiplier != null)
        {
            sb.Append(I).AppendLine("long[] mn = p.NegativeMultiplier, rn = p.NegativeRounding;");
            sb.Append(I).AppendLine("int[] sn = p.NegativeShift;");
        }

        for (int i = 0; i < n; i++)
        {
            sb.Append(I).Append("int x").Append(N(i)).Append(" = input[").Append(N(i)).AppendLine("];");
        }

        sb.Append(I).AppendLine(p.NegativeMultiplier == null ? "int a; long v;" : "int a; long v, l;");
        sb.Append(I).AppendLine("unchecked");
        sb.Append(I).AppendLine("{");
        for (int o = 0; o < p.OutChannels; o++)
        {
            sb.Append(I).Append("    a = (int)b[").Append(N(o)).Append(']');
            for (int i = 0; i < n; i++)
            {
                sb.Append(i % 6 == 0 ? "\n" + I + "        " : " ").Append("+ (x").Append(N(i)).Append(" * w[").Append(N((o * n) + i)).Append("])");
            }

            sb.AppendLine(";");
            Lane(sb, I + "    ", p, o, "a", N(o), false);
        }

        sb.Append(I).AppendLine("}");
        sb.AppendLine("        }");
    }

    /// <summary>The tail row's accumulator read from <c>a</c> (<see cref="SwarTailRow"/>: bits 42..62).</summary>
    internal const string TailLane = "((a << 1) >> 43)";

    /// <summary>Emits <c>a = bias + sum_j X_j * W_j</c> for the tail row (<see cref="SwarTailRow"/>): the inputs three to
    /// a word (x[3j] + x[3j+1] * 2^21 + x[3j+2] * 2^42, from long locals) times the tail words.</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="indent">Indentation.</param>
    /// <param name="p">Prepared layer with a tail row.</param>
    /// <param name="x">Name of the long local holding input k.</param>
    /// <param name="word">Tail word j as an expression: an element of the packed array or a constant.</param>
    /// <param name="bias">The tail's bias expression.</param>
    internal static void Tail(StringBuilder sb, string indent, PreparedLayer p, Func<int, string> x, Func<int, string> word, string bias)
    {
        int n = p.Stride;
        sb.Append(indent).Append("a = ").Append(bias);
        for (int j = 0; j < p.TailWords; j++)
        {
            int i = 3 * j;
            string input = "(" + x(i) + (i + 1 < n ? " + (" + x(i + 1) + " << 21)" : string.Empty) + (i + 2 < n ? " + (" + x(i + 2) + " << 42)" : string.Empty) + ")";
            sb.Append(j % 3 == 0 ? "\n" + indent + "    " : " ").Append("+ (").Append(input).Append(" * ").Append(word(j)).Append(')');
        }

        sb.AppendLine(";");
    }

    private static void Tail(StringBuilder sb, string indent, PreparedLayer p, Func<int, string> x, string array, string bias) =>
        Tail(sb, indent, p, x, j => array + "[" + N((p.RowGroups * p.Stride) + j) + "]", bias);
}
