using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Conversion.Export;

/// <summary>
/// One SWAR word of a straight-line Conv: the output channels it carries (lane j = Rows[j]), the lane width, and its
/// weights: in data mode the packed row group of the prepared layer (<see cref="PackedIndex"/>, weights read from
/// <c>PackedWeights</c> at run time), in code mode the word values themselves (<see cref="Values"/>, per tap).
/// </summary>
/// <param name="ChannelBase">Input offset of the word's convolution group's first channel.</param>
/// <param name="Rows">Output channels, lane by lane.</param>
/// <param name="Bits">Lane width: 21 (three lanes) or 32 (two).</param>
/// <param name="PackedIndex">Row group in the prepared layer's packing (data mode), or -1.</param>
/// <param name="Values">Word per tap, sum_j W[Rows[j], k] * 2^(Base + Bits * j) modulo 2^64 (code mode), or null.</param>
/// <param name="Base">Bit where lane 0 starts: 0, or 32 for a generated word of one row (its accumulator is then
/// <c>a &gt;&gt; 32</c>, exact for an int32 accumulator, and its weights are IL constants wider than 32 bits: one
/// ldc.i8 instead of ldc.i4 + conv.i8 per term).</param>
internal sealed record ConvSwarWord(int ChannelBase, int[] Rows, int Bits, int PackedIndex, long[]? Values, int Base = 0);

/// <summary>
/// Chooses the SWAR words of a straight-line Conv.
/// <para>Data mode: the prepared layer's row groups as they are (the packing is the device's, checked at load).
/// Code mode: the words are generated, so each word chooses its lanes: rows whose accumulator provably stays in
/// [-2^20, 2^20) for every input (<see cref="FitsThreeLanes"/>) go three to a word even in a layer the packer gave
/// two lanes (its check is per layer), the others two to a word (int32 accumulators always fit 32-bit lanes).</para>
/// </summary>
internal static class ConvSwarWords
{
    /// <summary>Plans the words of the layer.</summary>
    /// <param name="p">The prepared layer.</param>
    /// <param name="constants">True in code mode.</param>
    /// <returns>Words, in output-channel order within each convolution group.</returns>
    public static List<ConvSwarWord> Plan(PreparedLayer p, bool constants)
    {
        LayerDefinition l = p.Definition;
        int inPlane = l.InHeight * l.InWidth, inPerGroup = l.InChannels / l.Groups, outPerGroup = l.OutChannels / l.Groups;
        var words = new List<ConvSwarWord>();
        for (int g = 0; g < l.Groups; g++)
        {
            int channelBase = g * inPerGroup * inPlane;
            if (!constants)
            {
                for (int t = g * p.RowGroupsPerGroup; t < (g + 1) * p.RowGroupsPerGroup; t++)
                {
                    int first = (g * outPerGroup) + ((t - (g * p.RowGroupsPerGroup)) * p.Lanes);
                    int count = Math.Min(p.Lanes, ((g + 1) * outPerGroup) - first);
                    words.Add(new ConvSwarWord(channelBase, [.. Enumerable.Range(first, count)], p.Lanes == 3 ? 21 : 32, t, null));
                }

                continue;
            }

            var rows = Enumerable.Range(g * outPerGroup, outPerGroup).ToList();
            // Rows with the fewest zero weights take the top lanes: a word whose top lane weight is zero fits 32 bits and
            // costs ldc.i4 + conv.i8 (2 IL) instead of one ldc.i8.
            var three = rows.Where(o => FitsThreeLanes(l, o)).OrderByDescending(o => ZeroWeights(l, o)).ThenBy(o => o).ToList();
            int full = three.Count / 3 * 3;
            int triples = full / 3;
            for (int i = 0; i < triples; i++)
            {
                words.Add(Generated(l, channelBase, [three[i], three[triples + i], three[(2 * triples) + i]], 21, 0));
            }

            // The rest two to a word (a row alone in a word is its top lane: any width).
            var rest = rows.Except(three.Take(full)).ToList();
            for (int i = 0; i < rest.Count; i += 2)
            {
                int[] pair = [.. rest.Skip(i).Take(2)];
                words.Add(Generated(l, channelBase, pair, 32, pair.Length == 1 ? 32 : 0));
            }
        }

        return words;
    }

    /// <summary>Whether row o's accumulator, Bias[o] + sum over any subset of taps (padding leaves taps out) of
    /// W[o, k] * (x - zp_in) with x in [InputMin, InputMax], always lies in [-2^20, 2^20).</summary>
    /// <param name="l">The layer.</param>
    /// <param name="o">Output channel.</param>
    /// <returns>True when three 21-bit lanes are exact for it.</returns>
    public static bool FitsThreeLanes(LayerDefinition l, int o)
    {
        (long low, long high) = AccumulatorRange(l, o);
        return low >= -SwarPacker.ThreeLaneLimit && high < SwarPacker.ThreeLaneLimit;
    }

    /// <summary>Bounds of row o's accumulator, Bias[o] + sum over any subset of taps of W[o, k] * (x - zp_in) with x in
    /// [InputMin, InputMax].</summary>
    /// <param name="l">The layer.</param>
    /// <param name="o">Output channel.</param>
    /// <returns>Least and greatest value.</returns>
    public static (long Low, long High) AccumulatorRange(LayerDefinition l, int o)
    {
        int area = l.KernelHeight * l.KernelWidth, inPerGroup = l.InChannels / l.Groups, group = o / (l.OutChannels / l.Groups);
        long low = l.Bias[o], high = l.Bias[o];
        for (int k = 0; k < l.WeightsPerOutput; k++)
        {
            long w = SwarPacker.WeightAt(l, o, k), zp = l.InputZeroPoints[(group * inPerGroup) + (k / area)];
            long a = w * (l.InputMin - zp), c = w * (l.InputMax - zp);
            low += Math.Min(0, Math.Min(a, c));
            high += Math.Max(0, Math.Max(a, c));
        }

        return (low, high);
    }

    private static int ZeroWeights(LayerDefinition l, int o) => Enumerable.Range(0, l.WeightsPerOutput).Count(k => SwarPacker.WeightAt(l, o, k) == 0);

    private static ConvSwarWord Generated(LayerDefinition l, int channelBase, int[] rows, int bits, int lane0)
    {
        var values = new long[l.WeightsPerOutput];
        for (int k = 0; k < values.Length; k++)
        {
            for (int j = 0; j < rows.Length; j++)
            {
                values[k] = unchecked(values[k] + ((long)SwarPacker.WeightAt(l, rows[j], k) << (lane0 + (bits * j))));
            }
        }

        return new ConvSwarWord(channelBase, rows, bits, -1, values, lane0);
    }
}
