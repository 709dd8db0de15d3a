using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Conversion.Quantization;

/// <summary>
/// Keeps a Dense or Conv layer packable three rows per 64-bit word (SWAR3, <see cref="SwarPacker"/>) when a few of
/// its rows miss the 21-bit lane by little.
/// <para>The packer runs a layer in three 21-bit lanes only if EVERY row's accumulator provably stays in
/// [-2^20, 2^20) over the whole input box; one row over the limit sends the whole layer to two 32-bit lanes: half
/// again as many words of heap and multiplies. Such a row is requantized with its largest weight code lowered from 127
/// just far enough to fit (the accumulator range scales with 1 / scale: weights, bias steps and folded zero points
/// alike), but never below <see cref="LowestCode"/>: at most 1.02 dB coarser weights on those rows
/// (20 log10(127 / 113)). When some row would need more, every row keeps its 127 grid and the layer two lanes.</para>
/// </summary>
public static class ThreeLaneFit
{
    /// <summary>The lowest largest-weight code a row is requantized to (127 / 1.125, rounded up).</summary>
    public const int LowestCode = 113;

    /// <summary>Requantizes the rows that miss three lanes, or none.</summary>
    /// <param name="def">A layer whose rows are all quantized at code 127, input box and zero points set.</param>
    /// <param name="quantizeRow">Quantizes row r with its largest weight at the given code (weights, bias, multipliers).</param>
    /// <returns>The rows requantized (empty when every row fitted, or when some row could not be fitted).</returns>
    public static IReadOnlyList<int> Apply(LayerDefinition def, Action<int, int> quantizeRow)
    {
        ArgumentNullException.ThrowIfNull(def);
        ArgumentNullException.ThrowIfNull(quantizeRow);
        int perRow = def.WeightsPerOutput;
        List<int> over = [.. Enumerable.Range(0, def.OutChannels).Where(r => Worst(def, r, perRow) > SwarPacker.ThreeLaneLimit)];
        if (over.Count == 0)
        {
            return over;
        }

        foreach (int r in over)
        {
            int code = (int)Math.Min(126, Math.Floor(127.0 * SwarPacker.ThreeLaneLimit / Worst(def, r, perRow)));
            for (; code >= LowestCode; code--)
            {
                quantizeRow(r, code);
                if (Worst(def, r, perRow) <= SwarPacker.ThreeLaneLimit)
                {
                    break;
                }
            }

            if (code < LowestCode)
            {
                foreach (int back in over)
                {
                    quantizeRow(back, 127);
                }

                return [];
            }
        }

        return over;
    }

    /// <summary>Rows of a quantized layer that <see cref="Apply"/> requantized: those whose largest weight code is below
    /// 127 (max-abs scaling puts every other non-zero row's largest weight at exactly 127).</summary>
    /// <param name="l">A quantized Dense or Conv layer (0 for other layers).</param>
    /// <returns>The count.</returns>
    public static int RowsRequantized(LayerDefinition l)
    {
        ArgumentNullException.ThrowIfNull(l);
        if (l.Weights == null || l.OutChannels == 0)
        {
            return 0;
        }

        int perRow = l.WeightsPerOutput;
        return Enumerable.Range(0, l.OutChannels).Count(r =>
        {
            int largest = 0;
            for (int k = 0; k < perRow; k++)
            {
                largest = Math.Max(largest, Math.Abs((int)l.Weights[(r * perRow) + k]));
            }

            return largest is > 0 and < 127;
        });
    }

    /// <summary>The least L such that row r's accumulator lies in [-L, L) over the input box.</summary>
    private static long Worst(LayerDefinition def, int r, int perRow)
    {
        SwarPacker.AccumulatorRange(def, r, perRow, out long low, out long high);
        return Math.Max(-low, high + 1);
    }
}
