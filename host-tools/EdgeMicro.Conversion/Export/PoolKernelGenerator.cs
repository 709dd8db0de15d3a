using System.Text;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using static EdgeMicro.Conversion.Export.KernelGenerator;

namespace EdgeMicro.Conversion.Export;

/// <summary>
/// Emits the specialized method of a MaxPool or AveragePool layer: every output is straight-line code over its
/// in-bounds taps at constant indices (which taps are in bounds, and the divisor, are known from the shape), so the
/// generic kernel's per-tap bounds test and index arithmetic disappear.
/// <para>Contract: the same as <see cref="PoolKernel"/>, bit for bit. Max: max over in-bounds taps. Average: sum over
/// in-bounds taps plus zp_in[c] per padded tap when CountIncludePad, divided by the window size (CountIncludePad) or
/// the in-bounds count, rounded half away from zero by truncating division; then clamp to [ActivationMin,
/// ActivationMax]. The clamp bounds are part of the accepted shape; the clamp is left out when it is [-128, 127]
/// (an int8 maximum or rounded average cannot leave that range). With <c>wide</c> the method reads and writes int16
/// (<see cref="WideKernels.Pool"/>, run through <see cref="ISpecializedWideKernel"/>) and always clamps.</para>
/// </summary>
internal static class PoolKernelGenerator
{
    /// <summary>Largest number of taps (outputs x window) unrolled; larger pools stay on the generic kernel, so the
    /// method stays a few KB of bytecode.</summary>
    public const int MaxUnrolledTaps = 2048;

    /// <summary>Says whether a pooling layer gets a specialized method.</summary>
    /// <param name="l">The layer.</param>
    /// <returns>True when specialized.</returns>
    public static bool IsSpecialized(LayerDefinition l) =>
        (l.Kind == LayerKind.MaxPool || l.Kind == LayerKind.AveragePool) && (long)l.OutputLength * l.KernelHeight * l.KernelWidth <= MaxUnrolledTaps;

    /// <summary>Condition that the layer has the shape and clamp the method was generated for.</summary>
    /// <param name="p">Prepared layer.</param>
    /// <returns>C# boolean expression over <c>layer</c>.</returns>
    public static string AcceptsCondition(PreparedLayer p)
    {
        int[] shape = EdgeMicro.Core.Format.ModelTable.ToShape(p.Definition);
        return "SameShape(layer.Definition, new int[] { " + string.Join(", ", shape.Take(22).Select(N)) + " })";
    }

    /// <summary>Emits the method.</summary>
    /// <param name="sb">Destination.</param>
    /// <param name="index">Layer index.</param>
    /// <param name="p">Prepared layer.</param>
    /// <param name="wide">Emit <c>WidePool{index}</c> over int16 arrays (a model with 16-bit activations).</param>
    public static void Pool(StringBuilder sb, int index, PreparedLayer p, bool wide = false)
    {
        LayerDefinition l = p.Definition;
        const string I = "            ";
        bool clamp = wide || l.ActivationMin > -128 || l.ActivationMax < 127;
        string element = wide ? "short" : "sbyte";
        sb.Append("        private static void ").Append(wide ? "WidePool" : "Pool").Append(N(index)).Append("(PreparedLayer p, ").Append(element).Append("[] input, ").Append(element).AppendLine("[] output)");
        sb.AppendLine("        {");
        sb.Append(I).AppendLine("int[] zp = p.Definition.InputZeroPoints;");
        bool max = l.Kind == LayerKind.MaxPool;
        // The body first: its locals are declared only when a window uses them (every window of a 2-tap max pool is
        // one conditional without locals, and nanoFramework's compiler build treats an unused local as an error).
        var body = new StringBuilder();
        bool locals = false;

        for (int c = 0; c < l.InChannels; c++)
        {
            for (int oy = 0; oy < l.OutHeight; oy++)
            {
                for (int ox = 0; ox < l.OutWidth; ox++)
                {
                    int[] taps = InBoundsTaps(l, c, oy, ox, out int padded);
                    int at = (((c * l.OutHeight) + oy) * l.OutWidth) + ox;
                    if (max && !clamp && taps.Length == 2)
                    {
                        // Two taps: one conditional over the elements, no locals (13.5 IL instead of 17).
                        body.Append(I).Append("output[").Append(N(at)).Append("] = input[").Append(N(taps[1])).Append("] > input[").Append(N(taps[0]))
                            .Append("] ? input[").Append(N(taps[1])).Append("] : input[").Append(N(taps[0])).AppendLine("];");
                        continue;
                    }

                    locals = true;
                    if (max)
                    {
                        Max(body, I, taps, l.ActivationMin);
                    }
                    else
                    {
                        Average(body, I, l, c, taps, padded);
                    }

                    string result = clamp ? "(" + element + ")(r < lo ? lo : (r > hi ? hi : r))" : (max ? "r" : "(sbyte)r");
                    body.Append(I).Append("output[").Append(N(at)).Append("] = ").Append(result).AppendLine(";");
                }
            }
        }

        if (locals)
        {
            // An unclamped max stays an int8: sbyte locals need no conversion at the store.
            bool usesV = body.ToString().Contains(" v = ", StringComparison.Ordinal);
            sb.Append(I).Append(max && !clamp ? "sbyte r" : "int r").AppendLine(usesV ? ", v;" : ";");
            if (clamp)
            {
                sb.Append(I).AppendLine("int lo = p.ActivationMin, hi = p.ActivationMax;");
            }
        }

        sb.Append(body);

        sb.AppendLine("        }");
    }

    /// <summary>Input indices of the in-bounds taps of one window, and the number of padded taps.</summary>
    private static int[] InBoundsTaps(LayerDefinition l, int c, int oy, int ox, out int padded)
    {
        var taps = new List<int>();
        padded = 0;
        for (int ky = 0; ky < l.KernelHeight; ky++)
        {
            for (int kx = 0; kx < l.KernelWidth; kx++)
            {
                int y = (oy * l.StrideHeight) - l.PadTop + ky, x = (ox * l.StrideWidth) - l.PadLeft + kx;
                if (y < 0 || y >= l.InHeight || x < 0 || x >= l.InWidth)
                {
                    padded++;
                }
                else
                {
                    taps.Add((((c * l.InHeight) + y) * l.InWidth) + x);
                }
            }
        }

        return taps.ToArray();
    }

    private static void Max(StringBuilder sb, string indent, int[] taps, int activationMin)
    {
        if (taps.Length == 0)
        {
            // No in-bounds tap: the generic kernel's -129 start clamps to ActivationMin (part of the accepted shape).
            sb.Append(indent).Append("r = ").Append(N(activationMin)).AppendLine(";");
            return;
        }

        sb.Append(indent).Append("r = input[").Append(N(taps[0])).AppendLine("];");
        for (int k = 1; k < taps.Length; k++)
        {
            sb.Append(indent).Append("v = input[").Append(N(taps[k])).AppendLine("];");
            sb.Append(indent).AppendLine("if (v > r) { r = v; }");
        }
    }

    private static void Average(StringBuilder sb, string indent, LayerDefinition l, int c, int[] taps, int padded)
    {
        bool includePad = l.CountIncludePad != 0;
        int d = includePad ? l.KernelHeight * l.KernelWidth : Math.Max(taps.Length, 1);
        sb.Append(indent).Append("v = ");
        if (taps.Length == 0)
        {
            sb.Append('0');
        }

        for (int k = 0; k < taps.Length; k++)
        {
            sb.Append(k == 0 ? string.Empty : " + ").Append("input[").Append(N(taps[k])).Append(']');
        }

        if (includePad && padded > 0)
        {
            sb.Append(" + (").Append(N(padded)).Append(" * zp[").Append(N(c)).Append("])");
        }

        sb.AppendLine(";");
        sb.Append(indent).Append("r = v >= 0 ? (v + ").Append(N(d / 2)).Append(") / ").Append(N(d)).Append(" : (v - ").Append(N(d / 2)).Append(") / ").Append(N(d)).AppendLine(";");
    }
}
