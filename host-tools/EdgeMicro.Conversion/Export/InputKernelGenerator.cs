using System.Globalization;
using System.Text;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using static EdgeMicro.Conversion.Export.KernelGenerator;

namespace EdgeMicro.Conversion.Export;

/// <summary>
/// Emits the <see cref="ISpecializedInput"/> part of a generated kernel: the model's input quantizer as straight-line
/// code, one statement per model-input element with its gather index, multiplier, rounding term (raw offset folded
/// in, the same 64-bit value as <see cref="Classifier"/>'s, modulo 2^64), shift and zero point as IL constants - no
/// array reads and no loop. A multiplier of 1 drops the multiply, a shift of 0 the shift; a value in [-128, 127]
/// costs one unsigned test, only an out-of-range one takes the clamp.
/// <para>Contract: bit-exact with <see cref="Classifier.QuantizeInput"/> (see <see cref="ISpecializedInput"/>);
/// <c>AcceptsInput</c> compares every parameter, so a recalibrated model falls back to the generic quantizer.</para>
/// </summary>
internal static class InputKernelGenerator
{
    /// <summary>Largest input specialized (about 40 bytes of bytecode per element: at most ~10 KB of the assembly's
    /// 64 KB); a larger input keeps the generic quantizer (<c>AcceptsInput</c> says no).</summary>
    public const int MaxInputs = 256;

    /// <summary>Emits <c>AcceptsInput</c> and <c>QuantizeInput</c>.</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="m">The model.</param>
    public static void Emit(StringBuilder sb, ModelDefinition m)
    {
        const string I = "            ";
        if (m.InputLength > MaxInputs)
        {
            Declined(sb);
            return;
        }

        sb.AppendLine();
        sb.AppendLine("        /// <inheritdoc/>");
        sb.AppendLine("        public bool AcceptsInput(ModelDefinition model)");
        sb.AppendLine("        {");
        sb.Append(I).Append("return model.InputLength == ").Append(N(m.InputLength)).Append(" && model.FeatureCount == ").Append(N(m.FeatureCount)).AppendLine();
        sb.Append(I).Append("    && ").Append(m.InputGather == null ? "model.InputGather == null" : "SameInts(Widen(model.InputGather), new int[] { " + Join(m.InputGather.Select(g => (int)g)) + " })").AppendLine();
        sb.Append(I).Append("    && SameInts(model.InputOffset, new int[] { ").Append(Join(m.InputOffset)).AppendLine(" })");
        sb.Append(I).Append("    && SameInts(model.InputMultiplier, new int[] { ").Append(Join(m.InputMultiplier)).AppendLine(" })");
        sb.Append(I).Append("    && SameInts(model.InputShift, new int[] { ").Append(Join(m.InputShift)).AppendLine(" })");
        sb.Append(I).Append("    && SameInts(model.InputZeroPoint, new int[] { ").Append(Join(m.InputZeroPoint)).AppendLine(" });");
        sb.AppendLine("        }");
        sb.AppendLine();
        sb.AppendLine("        /// <inheritdoc/>");
        sb.AppendLine("        public void QuantizeInput(int[] sample, sbyte[] q)");
        sb.AppendLine("        {");
        sb.Append(I).AppendLine("long v, lo = -128, hi = 127, half = 128, span = 255;");
        sb.Append(I).AppendLine("unchecked");
        sb.Append(I).AppendLine("{");
        for (int j = 0; j < m.InputLength; j++)
        {
            // In range is one unsigned test (v + 128 in [0, 255]); only an out-of-range value takes the clamp.
            sb.Append(I).Append("    v = ").Append(Element(m, j)).AppendLine(";");
            sb.Append(I).AppendLine("    if ((ulong)(v + half) > (ulong)span) { v = v < lo ? lo : hi; }");
            sb.Append(I).Append("    q[").Append(N(j)).AppendLine("] = (sbyte)v;");
        }

        sb.Append(I).AppendLine("}");
        sb.AppendLine("        }");
        sb.AppendLine(CompareMethods);
    }

    private static void Declined(StringBuilder sb)
    {
        sb.AppendLine();
        sb.AppendLine("        /// <inheritdoc/>");
        sb.AppendLine("        public bool AcceptsInput(ModelDefinition model)");
        sb.AppendLine("        {");
        sb.AppendLine("            return false;");
        sb.AppendLine("        }");
        sb.AppendLine();
        sb.AppendLine("        /// <inheritdoc/>");
        sb.AppendLine("        public void QuantizeInput(int[] sample, sbyte[] q)");
        sb.AppendLine("        {");
        sb.AppendLine("        }");
    }

    /// <summary>The expression of element j: ((x * M + rounding) &gt;&gt; S) + zp (before the clamp).</summary>
    /// <param name="m">The model.</param>
    /// <param name="j">Model-input element.</param>
    /// <returns>C# long expression over <c>sample</c>.</returns>
    internal static string Element(ModelDefinition m, int j)
    {
        int source = m.InputGather == null ? j : m.InputGather[j];
        int multiplier = m.InputMultiplier[j], shift = m.InputShift[j], zp = m.InputZeroPoint[j];
        long rounding;
        unchecked
        {
            // Exactly Classifier's _inputRounding[j].
            rounding = (shift == 0 ? 0 : 1L << (shift - 1)) - ((long)m.InputOffset[j] * multiplier);
        }

        // The zero point joins the rounding term when no int32 sample can make either sum wrap: then
        // ((x*M + r) >> S) + zp == (x*M + r + zp*2^S) >> S exactly.
        double bound = (Math.Abs((double)multiplier) * 2147483648.0) + Math.Abs((double)rounding) + (Math.Abs((double)zp) * Math.Pow(2, shift));
        bool fold = shift > 0 && bound < 9.0e18;
        if (fold)
        {
            rounding += (long)zp << shift;
        }

        string x = "(long)sample[" + N(source) + "]";
        string product = multiplier == 1 ? x : "(" + x + " * " + N(multiplier) + ")";
        string sum = rounding == 0 ? product : "(" + product + " + " + Long(rounding) + ")";
        string shifted = shift == 0 ? sum : "(" + sum + " >> " + N(shift) + ")";
        return zp == 0 || fold ? shifted : shifted + " + " + N(zp);
    }

    private static string Long(long v) => v == long.MinValue ? "long.MinValue" : v.ToString(CultureInfo.InvariantCulture) + "L";

    private static string Join(IEnumerable<int> values) => string.Join(", ", values.Select(N));

    private const string CompareMethods = @"
        private static bool SameInts(int[] actual, int[] expected)
        {
            if (actual == null || actual.Length != expected.Length)
            {
                return false;
            }

            for (int i = 0; i < expected.Length; i++)
            {
                if (actual[i] != expected[i])
                {
                    return false;
                }
            }

            return true;
        }

        private static int[] Widen(short[] values)
        {
            if (values == null)
            {
                return null;
            }

            int[] wide = new int[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                wide[i] = values[i];
            }

            return wide;
        }";
}
