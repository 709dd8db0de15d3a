using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// The tail row of a Dense SWAR3 layer: when the row count leaves one row over (OutChannels mod 3 = 1), that last
    /// row is packed three INPUTS per word instead of sitting alone in a row group with two empty lanes (a third of the
    /// words for it, and fewer executed IL).
    /// <para>Contract. Word j = w[3j+2] + w[3j+1] * 2^21 + w[3j] * 2^42 (weights past the row's end are 0); the kernel
    /// multiplies it by the input word X_j = x[3j] + x[3j+1] * 2^21 + x[3j+2] * 2^42 (raw int8 inputs, zero past the
    /// end). The coefficient of 2^42 in X_j * W_j is x[3j] w[3j] + x[3j+1] w[3j+1] + x[3j+2] w[3j+2]; the coefficient
    /// of 2^63 only flips bit 63 and 2^84 leaves the 64-bit word. With the bias word B = bias' * 2^42 + 2^41 (bias' the
    /// folded bias, as for row groups), acc = B + sum_j X_j W_j (wrapping) = D * 2^42 + L + 2^41 + c * 2^63, where
    /// D = bias' + sum_i x_i w_i is the row's accumulator and L = lane0 + lane1 * 2^21 with
    /// lane0 = sum_j x[3j] w[3j+2], lane1 = sum_j (x[3j] w[3j+1] + x[3j+1] w[3j+2]). Then D = (acc &lt;&lt; 1) &gt;&gt; 43
    /// exactly when D is in [-2^20, 2^20) (as for any SWAR3 lane) and L in [-2^41, 2^41); both are checked here over the
    /// whole box of inputs [InputMin, InputMax], else the layer keeps the plain row-group layout.</para>
    /// </summary>
    public static class SwarTailRow
    {
        private const long LowLimit = 1L << 41;

        /// <summary>Bias word offset 2^41: makes the low part L + 2^41 non-negative, so the shift floors to D.</summary>
        public const long BiasOffset = 1L << 41;

        /// <summary>Says whether a Dense layer (three lanes exact for every row) gets a tail row.</summary>
        /// <param name="l">The layer (int8 or packed weights).</param>
        /// <returns>1 or 0.</returns>
        public static int RowsFor(LayerDefinition l)
        {
            if (l.Kind != LayerKind.Dense || l.OutChannels % 3 != 1)
            {
                return 0;
            }

            int row = l.OutChannels - 1, n = l.WeightsPerOutput;
            long lo0 = 0, hi0 = 0, lo1 = 0, hi1 = 0;
            for (int i = 0; i < n; i += 3)
            {
                long w1 = i + 1 < n ? SwarPacker.WeightAt(l, row, i + 1) : 0;
                long w2 = i + 2 < n ? SwarPacker.WeightAt(l, row, i + 2) : 0;
                AddRange(w2, l, ref lo0, ref hi0);
                AddRange(w1, l, ref lo1, ref hi1);
                AddRange(w2, l, ref lo1, ref hi1);
            }

            return lo0 + (lo1 << 21) >= -LowLimit && hi0 + (hi1 << 21) < LowLimit ? 1 : 0;
        }

        /// <summary>Packs the tail row's words and bias into the prepared layer's arrays (after the row groups).</summary>
        /// <param name="l">The layer with int8 weights.</param>
        /// <param name="p">The prepared layer, arrays allocated with room for the tail.</param>
        public static void Pack(LayerDefinition l, PreparedLayer p)
        {
            int row = l.OutChannels - 1, n = l.WeightsPerOutput, start = p.RowGroups * p.Stride;
            for (int j = 0; j < p.TailWords; j++)
            {
                p.PackedWeights[start + j] = Word(l, row, n, j);
            }

            unchecked
            {
                p.PackedBias[p.RowGroups] = (SwarPacker.FoldedBias(l, row, n) << 42) + BiasOffset;
            }
        }

        /// <summary>Weight i of the tail row of a packed layer.</summary>
        /// <param name="l">The packed layer.</param>
        /// <param name="i">Index within the row.</param>
        /// <returns>The int8 weight.</returns>
        public static int WeightAt(LayerDefinition l, int i)
        {
            long word = l.PackedWeights[(l.PackedRowGroups(3) * l.PackedStride) + (i / 3)];
            for (int k = 0; k < 2 - (i % 3); k++)
            {
                long low = (word << 43) >> 43;
                word = (word - low) >> 21;
            }

            return (int)((word << 43) >> 43);
        }

        /// <summary>Checks the tail row's words and bias of a packed layer against its canonical fields.</summary>
        /// <param name="l">The packed layer.</param>
        /// <returns>Null when consistent, else what differs.</returns>
        public static string Check(LayerDefinition l)
        {
            int row = l.OutChannels - 1, n = l.WeightsPerOutput, groups = l.PackedRowGroups(3), start = groups * l.PackedStride;
            for (int j = 0; j < l.PackedTailWords; j++)
            {
                if (Word(l, row, n, j) != l.PackedWeights[start + j])
                {
                    return "packed word " + (start + j).ToString() + " of the tail row carries bits outside its weights";
                }
            }

            long bias;
            unchecked
            {
                bias = (SwarPacker.FoldedBias(l, row, n) << 42) + BiasOffset;
            }

            if (bias != l.PackedBias[groups])
            {
                return "packed bias " + groups.ToString() + " of the tail row differs from the bias";
            }

            return RowsFor(l) == 1 ? null : "the tail row is not exact for these weights";
        }

        private static long Word(LayerDefinition l, int row, int n, int j)
        {
            int i = 3 * j;
            long w0 = SwarPacker.WeightAt(l, row, i);
            long w1 = i + 1 < n ? SwarPacker.WeightAt(l, row, i + 1) : 0;
            long w2 = i + 2 < n ? SwarPacker.WeightAt(l, row, i + 2) : 0;
            return w2 + (w1 << 21) + (w0 << 42);
        }

        private static void AddRange(long w, LayerDefinition l, ref long low, ref long high)
        {
            long a = w * l.InputMin, c = w * l.InputMax;
            low += a < c ? a : c;
            high += a < c ? c : a;
        }
    }
}
