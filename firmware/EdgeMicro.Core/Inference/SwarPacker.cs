using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// Packs int8 weight rows for SWAR (several multiply-accumulates per 64-bit multiply).
    /// <para>Contract. Rows r0, r1, r2 of one row group share a 64-bit word per input i:
    /// SWAR3: W = w0 + w1 * 2^21 + w2 * 2^42; SWAR2: W = w0 + w1 * 2^32. Then acc = B + sum_i x_i * W_i (wrapping
    /// 64-bit arithmetic) holds lane k = bias'_k + sum_i x_i * w_k,i in bits [21k, 21k+21) (SWAR3) or [32k, 32k+32)
    /// (SWAR2), where bias'_k = Bias - sum_i w_k,i * zp(i) folds the input zero points. Lanes are recovered exactly by
    /// sign extension: l0 = (acc &lt;&lt; 43) &gt;&gt; 43; acc = (acc - l0) &gt;&gt; 21; l1 = (acc &lt;&lt; 43) &gt;&gt; 43;
    /// l2 = (acc - l1) &gt;&gt; 21 (SWAR2: l0 = (acc &lt;&lt; 32) &gt;&gt; 32; l1 = (acc - l0) &gt;&gt; 32).</para>
    /// <para>Exactness condition, checked here for every row over the whole box of possible inputs
    /// [InputMin, InputMax]: SWAR3 needs every lane value in [-2^20, 2^20) (top lane [-2^21, 2^21)); otherwise the
    /// layer falls back to SWAR2, exact for any int32 accumulator. Accumulators outside int32 reject the model.
    /// <para>A Dense SWAR3 layer whose row count leaves one row over packs that row along its inputs instead
    /// (<see cref="SwarTailRow"/>), when exact.</para>
    /// Reference: nanoFramework interpreter measurements (V7G/V7H) in the project's interpreter-speed notes.</para>
    /// </summary>
    public static partial class SwarPacker
    {
        /// <summary>A SWAR3 lane holds accumulators in [-ThreeLaneLimit, ThreeLaneLimit) (2^20; the exactness condition
        /// above).</summary>
        public const long ThreeLaneLimit = 1L << 20;

        /// <summary>Prepares a Dense or Conv layer (pools get rounding-free preparation).</summary>
        /// <param name="l">A validated layer.</param>
        /// <returns>The prepared layer.</returns>
        public static PreparedLayer Prepare(LayerDefinition l)
        {
            PreparedLayer p = Shape(l);
            if ((l.Kind != LayerKind.Dense && l.Kind != LayerKind.Conv) || l.WeightsCompiled)
            {
                // Pools, and layers whose weights a generated kernel holds as constants: nothing to pack.
                p.ScratchLength = 0;
                return p;
            }

            int outC = l.OutChannels;
            int perOutput = l.WeightsPerOutput;
            if (l.PackedLanes == 1 && l.Weights != null)
            {
                PrepareInt8Rows(l, p, perOutput);
                return p;
            }

            int groups = l.Kind == LayerKind.Conv ? l.Groups : 1;
            int rowsPerGroup = outC / groups;
            p.Lanes = l.PackedWeights != null ? l.PackedLanes : (FitsThreeLanes(l, perOutput) ? 3 : 2);
            p.TailRows = l.PackedWeights != null ? l.PackedTailRows : (p.Lanes == 3 ? SwarTailRow.RowsFor(l) : 0);
            p.RowGroupsPerGroup = (rowsPerGroup - p.TailRows + p.Lanes - 1) / p.Lanes;
            p.RowGroups = p.RowGroupsPerGroup * groups;
            p.Stride = l.PackedStride;
            p.TailWords = p.TailRows == 0 ? 0 : (perOutput + 2) / 3;
            p.ScratchLength = p.Stride;
            if (l.PackedWeights != null)
            {
                // Packed once at convert time (compiled-in table): the kernels read the table's own arrays.
                p.PackedWeights = l.PackedWeights;
                p.PackedBias = l.PackedBias;
            }
            else
            {
                Pack(l, p, rowsPerGroup, perOutput);
            }

            if (l.Kind == LayerKind.Conv)
            {
                p.TapOffsets = TapOffsets(l);
            }

            p.Multiplier = Widen(l.Multiplier);
            p.Shift = l.Shift;
            p.Rounding = RoundingTerms(l.Shift);
            p.RoundingWithZeroPoint = FoldZeroPoint(p);
            if (l.NegativeMultiplier != null)
            {
                p.NegativeMultiplier = Widen(l.NegativeMultiplier);
                p.NegativeShift = l.NegativeShift;
                p.NegativeRounding = RoundingTerms(l.NegativeShift);
            }

            return p;
        }

        /// <summary>Prepares a layer of a model with 16-bit activations (<see cref="WideKernels"/>): Dense and Conv read their
        /// int8 weights as they are (folded biases and rounding terms only, every row's accumulator checked to stay in
        /// int32 over the input box); pools, and Dense layers whose weights a generated kernel holds, need nothing.</summary>
        /// <param name="l">A validated layer of a model with <see cref="ModelDefinition.HasWideActivations"/>.</param>
        /// <returns>The prepared layer.</returns>
        public static PreparedLayer PrepareWide(LayerDefinition l)
        {
            PreparedLayer p = Shape(l);
            if (l.WeightsCompiled)
            {
                // A Dense layer whose weights, folded biases and requantization constants a generated kernel holds
                // (ISpecializedWideKernel): nothing to prepare.
                p.Stride = l.WeightsPerOutput;
                return p;
            }

            if (l.Kind == LayerKind.Dense || l.Kind == LayerKind.Conv)
            {
                PrepareInt8Rows(l, p, l.WeightsPerOutput);
            }

            return p;
        }

        /// <summary>A prepared layer with the definition's sizes, output zero point and clamp, nothing packed yet.</summary>
        private static PreparedLayer Shape(LayerDefinition l)
        {
            PreparedLayer p = new PreparedLayer();
            p.Definition = l;
            p.InputLength = l.InputLength;
            p.OutChannels = l.OutChannels;
            p.OutputZeroPoint = l.OutputZeroPoint;
            p.ActivationMin = l.ActivationMin;
            p.ActivationMax = l.ActivationMax;
            return p;
        }

        /// <summary>Gets weight [row, i] of a layer from its int8 weights or, when it holds them packed, from its lanes
        /// (exact: a packed word is sum_k w_k * 2^(bits * k) with int8 w_k).</summary>
        /// <param name="l">The layer.</param>
        /// <param name="row">Output channel.</param>
        /// <param name="i">Index within the row (WeightsPerOutput).</param>
        /// <returns>The int8 weight.</returns>
        public static int WeightAt(LayerDefinition l, int row, int i)
        {
            if (l.Weights != null)
            {
                return l.Weights[(row * l.WeightsPerOutput) + i];
            }

            if (l.PackedTailRows != 0 && row == l.OutChannels - 1)
            {
                return SwarTailRow.WeightAt(l, i);
            }

            int lanes = l.PackedLanes, groups = l.Kind == LayerKind.Conv ? l.Groups : 1;
            int rowsPerGroup = l.OutChannels / groups;
            int perGroup = (rowsPerGroup - l.PackedTailRows + lanes - 1) / lanes;
            int g = row / rowsPerGroup, within = row % rowsPerGroup;
            long word = l.PackedWeights[((((g * perGroup) + (within / lanes)) * l.PackedStride)) + i];
            int bits = lanes == 3 ? 21 : 32;
            for (int k = 0; k < within % lanes; k++)
            {
                long low = (word << (64 - bits)) >> (64 - bits);
                word = (word - low) >> bits;
            }

            return (int)((word << (64 - bits)) >> (64 - bits));
        }

        private static void Pack(LayerDefinition l, PreparedLayer p, int rowsPerGroup, int perOutput)
        {
            p.PackedWeights = new long[(p.RowGroups * p.Stride) + p.TailWords];
            p.PackedBias = new long[p.RowGroups + p.TailRows];
            int laneBits = p.Lanes == 3 ? 21 : 32;
            for (int t = 0; t < p.RowGroups; t++)
            {
                int g = t / p.RowGroupsPerGroup;
                int firstRow = (g * rowsPerGroup) + ((t % p.RowGroupsPerGroup) * p.Lanes);
                for (int lane = 0; lane < p.Lanes; lane++)
                {
                    int row = firstRow + lane;
                    if (row >= (g + 1) * rowsPerGroup)
                    {
                        break;
                    }

                    long scale = 1L << (laneBits * lane);
                    long folded = FoldedBias(l, row, perOutput);
                    unchecked
                    {
                        // Modulo 2^64 like the kernels: a folded bias wider than its lane (inputs clamped far from
                        // the zero points) wraps here and comes back exactly when the lanes are extracted.
                        p.PackedBias[t] += folded * scale;
                    }

                    for (int i = 0; i < perOutput; i++)
                    {
                        p.PackedWeights[(t * p.Stride) + i] += l.Weights[(row * perOutput) + i] * scale;
                    }
                }
            }

            if (p.TailRows != 0)
            {
                SwarTailRow.Pack(l, p);
            }
        }

        private static void PrepareInt8Rows(LayerDefinition l, PreparedLayer p, int perOutput)
        {
            // One lane: the kernels read the definition's int8 rows; only the folded biases are computed. Accumulators
            // must stay in int32 as for packed rows (the generated kernel sums in int; FitsThreeLanes throws otherwise).
            FitsThreeLanes(l, perOutput);
            p.Lanes = 1;
            p.RowGroups = l.OutChannels;
            p.RowGroupsPerGroup = l.OutChannels;
            p.Stride = perOutput;
            p.ScratchLength = 0;
            p.Int8Weights = l.Weights;
            p.PackedBias = new long[l.OutChannels];
            for (int o = 0; o < l.OutChannels; o++)
            {
                p.PackedBias[o] = FoldedBias(l, o, perOutput);
            }

            p.Multiplier = Widen(l.Multiplier);
            p.Shift = l.Shift;
            p.Rounding = RoundingTerms(l.Shift);
            if (l.NegativeMultiplier != null)
            {
                p.NegativeMultiplier = Widen(l.NegativeMultiplier);
                p.NegativeShift = l.NegativeShift;
                p.NegativeRounding = RoundingTerms(l.NegativeShift);
            }
        }

        /// <summary>Bias of a row with the input zero points folded in: Bias[o] - sum_i W[o,i] * zp(i).</summary>
        /// <param name="l">The layer.</param>
        /// <param name="row">Output channel.</param>
        /// <param name="perOutput">Weights per output channel.</param>
        /// <returns>The folded bias (64-bit).</returns>
        public static long FoldedBias(LayerDefinition l, int row, int perOutput)
        {
            long b = l.Bias[row];
            // Dense layers do not use (or validate) the window fields: never multiply them.
            int kernelArea = l.Kind == LayerKind.Conv ? l.KernelHeight * l.KernelWidth : 1;
            int inPerGroup = l.Kind == LayerKind.Conv ? l.InChannels / l.Groups : 0;
            int group = l.Kind == LayerKind.Conv ? row / (l.OutChannels / l.Groups) : 0;
            for (int i = 0; i < perOutput; i++)
            {
                int zpIndex = l.Kind == LayerKind.Dense ? i : (group * inPerGroup) + (i / kernelArea);
                b -= (long)WeightAt(l, row, i) * l.InputZeroPoints[zpIndex];
            }

            return b;
        }

        /// <summary>Range of a row's accumulator over all inputs in [InputMin, InputMax] (zero points folded).</summary>
        /// <param name="l">The layer.</param>
        /// <param name="row">Output channel.</param>
        /// <param name="perOutput">Weights per output channel.</param>
        /// <param name="low">Smallest possible accumulator.</param>
        /// <param name="high">Largest possible accumulator.</param>
        public static void AccumulatorRange(LayerDefinition l, int row, int perOutput, out long low, out long high)
        {
            long b = FoldedBias(l, row, perOutput);
            low = b;
            high = b;
            for (int i = 0; i < perOutput; i++)
            {
                long w = WeightAt(l, row, i);
                long a = w * l.InputMin, c = w * l.InputMax;
                low += a < c ? a : c;
                high += a < c ? c : a;
            }
        }

        private static bool FitsThreeLanes(LayerDefinition l, int perOutput)
        {
            bool fits = true;
            for (int row = 0; row < l.OutChannels; row++)
            {
                long low, high;
                AccumulatorRange(l, row, perOutput, out low, out high);
                if (low < int.MinValue || high > int.MaxValue)
                {
                    throw new ModelFormatException("layer accumulator of row " + row.ToString() + " can leave int32");
                }

                if (low < -ThreeLaneLimit || high >= ThreeLaneLimit)
                {
                    fits = false;
                }
            }

            return fits;
        }

        private static long[] FoldZeroPoint(PreparedLayer p)
        {
            if (p.Lanes != 3 || p.Definition.NegativeMultiplier != null)
            {
                return null;
            }

            long[] folded = new long[p.Shift.Length];
            for (int o = 0; o < folded.Length; o++)
            {
                if (p.Shift[o] > 54)
                {
                    return null;
                }

                folded[o] = p.Rounding[o] + ((long)p.OutputZeroPoint << p.Shift[o]);
            }

            return folded;
        }

        private static int[] TapOffsets(LayerDefinition l)
        {
            int inPerGroup = l.InChannels / l.Groups;
            int[] offsets = new int[inPerGroup * l.KernelHeight * l.KernelWidth];
            int k = 0;
            for (int ic = 0; ic < inPerGroup; ic++)
            {
                for (int ky = 0; ky < l.KernelHeight; ky++)
                {
                    for (int kx = 0; kx < l.KernelWidth; kx++)
                    {
                        offsets[k++] = (((ic * l.InHeight) + (ky * l.DilationHeight)) * l.InWidth) + (kx * l.DilationWidth);
                    }
                }
            }

            return offsets;
        }

        private static long[] Widen(int[] values)
        {
            long[] wide = new long[values.Length];
            for (int i = 0; i < values.Length; i++)
            {
                wide[i] = values[i];
            }

            return wide;
        }

        private static long[] RoundingTerms(int[] shift)
        {
            long[] r = new long[shift.Length];
            for (int i = 0; i < shift.Length; i++)
            {
                r[i] = 1L << (shift[i] - 1);
            }

            return r;
        }
    }
}
