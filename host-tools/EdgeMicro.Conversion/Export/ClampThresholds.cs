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

    /// <summary>The lane's multiplier, rounding term and the zero point still to add after the shift, as the generated
    /// code uses them. The rounding of a lane read with a mask carries minus m * 2^(bits-1) (the lane's offset); an
    /// output zero point not folded by the layer is folded here as zo * 2^s (exact: a multiple of 2^s commutes with the
    /// floor shift) when t * m + r + zo * 2^s provably stays within 2^62 for every lane value t.</summary>
    /// <param name="p">Prepared layer.</param>
    /// <param name="word">The SWAR word.</param>
    /// <param name="j">Lane.</param>
    /// <param name="folded">Whether the layer's rounding term already holds the output zero point.</param>
    /// <returns>Multiplier, rounding term and zero point after the shift.</returns>
    public static (long Multiplier, long Rounding, long AfterShift) LaneConstants(PreparedLayer p, ConvSwarWord word, int j, bool folded)
    {
        int o = word.Rows[j], s = p.Shift[o];
        long m = p.Multiplier[o], r = folded ? p.RoundingWithZeroPoint![o] : p.Rounding[o];
        bool masked = j < word.Rows.Length - 1;
        r = masked ? unchecked(r - (m << (word.Bits - 1))) : r;
        long zo = folded ? 0 : p.OutputZeroPoint;
        if (zo == 0 || s < 0 || s > 48)
        {
            return (m, r, zo);
        }

        (long low, long high) = ConvSwarWords.AccumulatorRange(p.Definition, o);
        Int128 t = masked ? (Int128)1 << word.Bits : Int128.Max(Int128.Abs(low), Int128.Abs(high));
        Int128 worst = (t * Int128.Abs(m)) + Int128.Abs(r) + (Int128.Abs(zo) << s);
        return worst < ((Int128)1 << 62) ? (m, r + (zo << s), 0) : (m, r, zo);
    }

    /// <summary>The lane's clamp thresholds, or null when its multiplier is not positive.</summary>
    /// <param name="p">Prepared layer.</param>
    /// <param name="word">The SWAR word.</param>
    /// <param name="j">Lane.</param>
    /// <param name="folded">Whether the output zero point is folded into the rounding term.</param>
    /// <returns>(Low, High) or null.</returns>
    public static (long Low, long High)? Of(PreparedLayer p, ConvSwarWord word, int j, bool folded)
    {
        (long m, long r, long zo) = LaneConstants(p, word, j, folded);
        int s = p.Shift[word.Rows[j]];
        if (m <= 0 || s < 0 || s > 100)
        {
            return null;
        }

        return Of(m, r, s, zo, p.ActivationMin, p.ActivationMax);
    }

    /// <summary>The thresholds of f(t) = ((t * m + r) &gt;&gt; s) + zo against [lo, hi], for m &gt; 0: Low is the least t
    /// with f(t) &gt;= lo, High the greatest t with f(t) &lt;= hi (searched in [-2^61, 2^61], exactly).</summary>
    /// <param name="m">Multiplier (positive).</param>
    /// <param name="r">Rounding term.</param>
    /// <param name="s">Shift.</param>
    /// <param name="zo">Zero point added after the shift.</param>
    /// <param name="lo">Clamp floor.</param>
    /// <param name="hi">Clamp ceiling.</param>
    /// <returns>(Low, High).</returns>
    public static (long Low, long High) Of(long m, long r, int s, long zo, int lo, int hi)
    {
        Int128 F(long t) => ((((Int128)t * m) + r) >> s) + zo;
        long low = Least(t => F(t) >= lo);
        long high = Least(t => F(t) > hi) - 1;
        return (low, high);
    }

    /// <summary>The lane's thresholds and which of the two tests can ever be true: a lane whose values provably stay
    /// at or above Low (at or below High) for every input needs no low (high) test. Null without thresholds.</summary>
    /// <param name="p">Prepared layer.</param>
    /// <param name="word">The SWAR word.</param>
    /// <param name="j">Lane.</param>
    /// <param name="folded">Whether the output zero point is folded into the rounding term.</param>
    /// <returns>(Low, High, TestLow, TestHigh) or null.</returns>
    public static (long Low, long High, bool TestLow, bool TestHigh)? Plan(PreparedLayer p, ConvSwarWord word, int j, bool folded)
    {
        if (Of(p, word, j, folded) is not { } t)
        {
            return null;
        }

        // A masked lane holds the accumulator plus 2^(bits-1); the top lane holds it as it is.
        (long low, long high) = ConvSwarWords.AccumulatorRange(p.Definition, word.Rows[j]);
        long offset = j < word.Rows.Length - 1 ? 1L << (word.Bits - 1) : 0;
        return (t.Low, t.High, low + offset < t.Low, high + offset > t.High);
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
