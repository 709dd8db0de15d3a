using System.Text;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using static EdgeMicro.Conversion.Export.KernelGenerator;

namespace EdgeMicro.Conversion.Export;

/// <summary>
/// Emits the <see cref="ISpecializedHead"/> part of a generated kernel for a softmax head of two or more outputs:
/// the top/runner-up pass and the table sum of <see cref="OutputHead"/> unrolled over the output count, every index a
/// constant, no loop.
/// <para>Contract: bit-exact with <see cref="OutputHead.Evaluate"/> (see <see cref="ISpecializedHead"/>); the sum of
/// at most 256 table entries of at most 2^16 each is exact in 32 bits, the divisions are the generic 64-bit ones.
/// Sigmoid heads are not specialized (<c>AcceptsHead</c> says no, the generic head runs).</para>
/// </summary>
internal static class HeadKernelGenerator
{
    /// <summary>Says whether the model's head gets a specialized method.</summary>
    /// <param name="m">The model.</param>
    /// <returns>True for softmax heads of 2 to 256 outputs.</returns>
    public static bool IsSpecialized(ModelDefinition m)
    {
        int outputs = m.Layers[^1].OutputLength;
        return m.OutputKind == OutputKind.Softmax && outputs >= 2 && outputs <= 256;
    }

    /// <summary>Emits <c>AcceptsHead</c> and <c>EvaluateHead</c>.</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="m">The model.</param>
    public static void Emit(StringBuilder sb, ModelDefinition m)
    {
        const string I = "            ";
        bool special = IsSpecialized(m);
        int n = m.Layers[^1].OutputLength;
        sb.AppendLine();
        sb.AppendLine("        /// <inheritdoc/>");
        sb.AppendLine("        public bool AcceptsHead(ModelDefinition model)");
        sb.AppendLine("        {");
        sb.Append(I).Append("return ").Append(special ? "model.OutputKind == OutputKind.Softmax && model.Layers[model.Layers.Length - 1].OutputLength == " + N(n) : "false").AppendLine(";");
        sb.AppendLine("        }");
        sb.AppendLine();
        sb.AppendLine("        /// <inheritdoc/>");
        sb.AppendLine("        public void EvaluateHead(sbyte[] q, int[] table, int[] result)");
        sb.AppendLine("        {");
        if (special)
        {
            Softmax(sb, I, n);
        }

        sb.AppendLine("        }");
    }

    /// <summary>Emits the softmax head on logits held in long locals (the fused network of
    /// <see cref="NetworkKernelGenerator"/>) in its own block, reading the method's <c>table</c> and writing
    /// <c>result</c>: the same arithmetic as <c>EvaluateHead</c> (the locals hold int8 values).</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="indent">Indentation.</param>
    /// <param name="n">Output count (2 to 256).</param>
    /// <param name="y">Name of logit j's local.</param>
    internal static void SoftmaxOnLocals(StringBuilder sb, string indent, int n, Func<int, string> y)
    {
        sb.Append(indent).AppendLine("{");
        string i2 = indent + "    ";
        sb.Append(i2).AppendLine("int top = 0, second = -1;");
        sb.Append(i2).Append("long qTop = ").Append(y(0)).AppendLine(", qSecond = int.MinValue;");
        for (int j = 1; j < n; j++)
        {
            sb.Append(i2).Append("if (").Append(y(j)).Append(" > qTop) { second = top; qSecond = qTop; top = ").Append(N(j)).Append("; qTop = ").Append(y(j)).AppendLine("; }");
            sb.Append(i2).Append("else if (").Append(y(j)).Append(" > qSecond) { second = ").Append(N(j)).Append("; qSecond = ").Append(y(j)).AppendLine("; }");
        }

        Confidence(sb, i2, n, j => "(int)(qTop - " + y(j) + ")", "(int)(qTop - qSecond)");
        sb.Append(indent).AppendLine("}");
    }

    private static void Softmax(StringBuilder sb, string indent, int n)
    {
        sb.Append(indent).AppendLine("int top = 0, second = -1, qTop = q[0], qSecond = int.MinValue, v;");
        for (int j = 1; j < n; j++)
        {
            sb.Append(indent).Append("v = q[").Append(N(j)).AppendLine("];");
            sb.Append(indent).Append("if (v > qTop) { second = top; qSecond = qTop; top = ").Append(N(j)).AppendLine("; qTop = v; }");
            sb.Append(indent).Append("else if (v > qSecond) { second = ").Append(N(j)).AppendLine("; qSecond = v; }");
        }

        Confidence(sb, indent, n, j => "qTop - q[" + N(j) + "]", "qTop - qSecond");
    }

    /// <summary>The softmax sum over the table, the Q15 confidence and margin, and the four results (shared by the
    /// array and the locals form of the head).</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="indent">Indentation.</param>
    /// <param name="n">Classes.</param>
    /// <param name="distance">The table index of class j (qTop minus its logit).</param>
    /// <param name="runnerUpDistance">The table index of the runner-up.</param>
    private static void Confidence(StringBuilder sb, string indent, int n, Func<int, string> distance, string runnerUpDistance)
    {
        sb.Append(indent).Append("long sum = table[").Append(distance(0)).Append(']');
        for (int j = 1; j < n; j++)
        {
            sb.Append(j % 4 == 0 ? "\n" + indent + "    " : " ").Append("+ table[").Append(distance(j)).Append(']');
        }

        sb.AppendLine(";");
        sb.Append(indent).AppendLine("long halfSum = sum >> 1;"); // sum > 0 (T[0] = 2^16 is in it): sum / 2 == sum >> 1
        sb.Append(indent).AppendLine("int confidence = (int)((2147483648L + halfSum) / sum);");
        sb.Append(indent).Append("int runnerUp = (int)((((long)table[").Append(runnerUpDistance).AppendLine("] << 15) + halfSum) / sum);");
        sb.Append(indent).AppendLine("result[0] = top;");
        sb.Append(indent).AppendLine("result[1] = second;");
        sb.Append(indent).AppendLine("result[2] = confidence;");
        sb.Append(indent).AppendLine("result[3] = confidence - runnerUp;");
    }
}
