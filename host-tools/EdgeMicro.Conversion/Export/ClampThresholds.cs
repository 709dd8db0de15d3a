using EdgeMicro.Core.Inference;

namespace EdgeMicro.Conversion.Export;

/// <summary>
/// Code-mode Conv requantization as thresholds on the SWAR lane: the generated store is
/// <c>(t &lt; Low ? lo : (t &gt; High ? hi : ((t * m + r) &gt;&gt; s) + zo))</c> for the lane value t.
/// <para>Contract: f(t) = floor((t * m + r) / 2^s) + zo is non-decreasing in t when m &gt; 0, so with
/// Low = the least t with f(t) &gt;= lo and High = the greatest t with f(t) &lt;= hi, the thresholded store equals
/// clamp(f(t), lo, hi) for every t: bit-exact with the generic kernel's clamp (which the generated code computed
/// before, with the same f). f is evaluated exactly (128-bit) here; the device's 64-bit f is exact for every lane
/// value that can occur (the straight-line code relied on that already). Lanes with m &lt;= 0 get no thresholds.</para>
/// </summary>
internal static class ClampThresholds
{
    private const long Bound = 1L << 61;

    /// <summary>The lane's multiplier and rounding term as the generated code uses them (the rounding of a lane
    /// read with a mask carries minus m * 2^(bits-1), the lane's offset).</summary>
    /// <param name="p">Prepared layer.</param>
    /// <param name="word">The SWAR word.</param>
    /// <param name="j">Lane.</param>
    /// <param name="folded">Whether the output zero point is folded into the rounding term.</param>
    /// <returns>Multiplier and rounding term.</returns>
    public static (long Multiplier, long Rounding) LaneConstants(PreparedLayer p, ConvSwarWord word, int j, bool folded)
    {
        int o = word.Rows[j];
        long m = p.Multiplier[o], r = folded ? p.RoundingWithZeroPoint![o] : p.Rounding[o];
        return (m, j < word.Rows.Length - 1 ? unchecked(r - (m << (word.Bits - 1))) : r);
    }

    /// <summary>The lane's clamp thresholds, or null when its multiplier is not positive.</summary>
    /// <param name="p">Prepared layer.</param>
    /// <param name="word">The SWAR word.</param>
    /// <param name="j">Lane.</param>
    /// <param name="folded">Whether the output zero point is folded into the rounding term.</param>
    /// <returns>(Low, High) or null.</returns>
    public static (long Low, long High)? Of(PreparedLayer p, ConvSwarWord word, int j, bool folded)
    {
        (long m, long r) = LaneConstants(p, word, j, folded);
        int s = p.Shift[word.Rows[j]];
        long zo = folded ? 0 : p.OutputZeroPoint;
        if (m <= 0 || s < 0 || s > 100)
        {
            return null;
        }

        Int128 F(long t) => ((((Int128)t * m) + r) >> s) + zo;
        long low = Least(t => F(t) >= p.ActivationMin);
        long high = Least(t => F(t) > p.ActivationMax) - 1;
        return (low, high);
    }

    /// <summary>Least t in [-2^61, 2^61] where the monotone predicate holds (2^61 when it holds nowhere).</summary>
    private static long Least(Func<long, bool> holds)
    {
        long lo = -Bound, hi = Bound;
        while (lo < hi)
        {
            long mid = lo + ((hi - lo) >> 1);
            if (holds(mid))
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }
}
