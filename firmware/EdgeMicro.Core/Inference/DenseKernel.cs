namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// Generic fully connected int8 kernel for any layer shape, weights as loadable data (packed by
    /// <see cref="SwarPacker"/>).
    /// <para>Contract: out[o] = clamp(((acc_o * M_o + 2^(S_o-1)) &gt;&gt; S_o) + zp_out, act_min, act_max) with
    /// acc_o = Bias[o] + sum_i W[o,i] * (x[i] - zp_in[i]) exactly in integers (SWAR lanes, see
    /// <see cref="SwarPacker"/>; rounding half up as in <see cref="Requantizer"/>, which handles LeakyRelu and SWAR2
    /// layers through <see cref="LaneWriter"/>). Inputs int8, outputs int8, no allocation. Bit-exact with the plain
    /// TFLite-style reference kept in the tests.</para>
    /// <para>Speed (nanoFramework interpreter, cost = executed IL instructions): each 64-bit multiply does 3 MACs in an
    /// 8-way unrolled loop (12-13 IL per term). Narrow layers read the int8 input directly (one conv.i8 per term);
    /// wide layers (more than 12 row groups) first widen the input once into the long scratch buffer, which is cheaper
    /// than a conversion per row group. Lane extraction and requantization are straight-line with every field hoisted.
    /// Rows past the last output of the final group hit zero lanes; a row is read as whole blocks of 8 then a remainder
    /// loop, so rows are stored unpadded (<see cref="PreparedLayer.Stride"/> = inputs). A tail row
    /// (<see cref="SwarTailRow"/>) is summed last, three inputs per word.</para>
    /// </summary>
    public static class DenseKernel
    {
        /// <summary>Row groups above which the input is widened once instead of converted per term.</summary>
        public const int WidenAboveRowGroups = 12;

        /// <summary>Runs the layer.</summary>
        /// <param name="p">Prepared layer.</param>
        /// <param name="input">int8 input, at least Stride (= InputLength) values.</param>
        /// <param name="output">int8 output, OutChannels values.</param>
        /// <param name="x">Scratch of at least <see cref="PreparedLayer.ScratchLength"/> longs.</param>
        public static void Run(PreparedLayer p, sbyte[] input, sbyte[] output, long[] x)
        {
            if (p.Lanes == 1)
            {
                RunInt8Rows(p, input, output);
                return;
            }

            if (p.RoundingWithZeroPoint == null)
            {
                RunWithLaneWriter(p, input, output, x);
                return;
            }

            long[] w = p.PackedWeights, bias = p.PackedBias, m = p.Multiplier, r = p.RoundingWithZeroPoint;
            int[] s = p.Shift;
            int stride = p.Stride, whole = stride & ~7, groups = p.RowGroups, outC = p.OutChannels;
            long lo = p.ActivationMin, hi = p.ActivationMax;
            bool widen = groups > WidenAboveRowGroups;
            if (widen)
            {
                for (int i = 0; i < stride; i++)
                {
                    x[i] = input[i];
                }
            }

            int j = 0, o = 0;
            unchecked
            {
                for (int g = 0; g < groups; g++)
                {
                    long acc = bias[g];
                    if (widen)
                    {
                        int i = 0;
                        for (; i < whole; i += 8, j += 8)
                        {
                            acc += (x[i] * w[j]) + (x[i + 1] * w[j + 1]) + (x[i + 2] * w[j + 2]) + (x[i + 3] * w[j + 3])
                                + (x[i + 4] * w[j + 4]) + (x[i + 5] * w[j + 5]) + (x[i + 6] * w[j + 6]) + (x[i + 7] * w[j + 7]);
                        }

                        for (; i < stride; i++, j++)
                        {
                            acc += x[i] * w[j];
                        }
                    }
                    else
                    {
                        int i = 0;
                        for (; i < whole; i += 8, j += 8)
                        {
                            acc += (input[i] * w[j]) + (input[i + 1] * w[j + 1]) + (input[i + 2] * w[j + 2]) + (input[i + 3] * w[j + 3])
                                + (input[i + 4] * w[j + 4]) + (input[i + 5] * w[j + 5]) + (input[i + 6] * w[j + 6]) + (input[i + 7] * w[j + 7]);
                        }

                        for (; i < stride; i++, j++)
                        {
                            acc += input[i] * w[j];
                        }
                    }

                    long l = (acc << 43) >> 43;
                    long v = (((l * m[o]) + r[o]) >> s[o]);
                    output[o] = (sbyte)(v < lo ? lo : (v > hi ? hi : v));
                    if (++o == outC)
                    {
                        break;
                    }

                    acc = (acc - l) >> 21;
                    l = (acc << 43) >> 43;
                    v = (((l * m[o]) + r[o]) >> s[o]);
                    output[o] = (sbyte)(v < lo ? lo : (v > hi ? hi : v));
                    if (++o == outC)
                    {
                        break;
                    }

                    acc = (acc - l) >> 21;
                    v = (((acc * m[o]) + r[o]) >> s[o]);
                    output[o] = (sbyte)(v < lo ? lo : (v > hi ? hi : v));
                    o++;
                }

                if (p.TailRows != 0)
                {
                    long v = (((TailAccumulator(p, input, j) * m[o]) + r[o]) >> s[o]);
                    output[o] = (sbyte)(v < lo ? lo : (v > hi ? hi : v));
                }
            }
        }

        /// <summary>The accumulator of the tail row (<see cref="SwarTailRow"/>): the inputs three to a word times the
        /// tail words from <paramref name="j"/> on, read back from bits 42..62.</summary>
        /// <param name="p">Prepared layer with a tail row.</param>
        /// <param name="input">int8 input.</param>
        /// <param name="j">Index of the tail's first word (after the row groups).</param>
        /// <returns>The row's exact accumulator (bias and zero points included).</returns>
        private static long TailAccumulator(PreparedLayer p, sbyte[] input, int j)
        {
            long[] w = p.PackedWeights;
            int n = p.Stride, whole = n - (n % 3), i = 0;
            unchecked
            {
                long acc = p.PackedBias[p.RowGroups];
                for (; i < whole; i += 3, j++)
                {
                    acc += (input[i] + ((long)input[i + 1] << 21) + ((long)input[i + 2] << 42)) * w[j];
                }

                if (i < n)
                {
                    acc += (input[i] + (i + 1 < n ? (long)input[i + 1] << 21 : 0)) * w[j];
                }

                return (acc << 1) >> 43;
            }
        }

        /// <summary>One lane (<c>--weights int8</c>): acc_o = folded bias + sum_i x_i * W[o,i] over the int8 rows as they
        /// are (products and sums exact in 64 bits), 8-way unrolled, requantized by <see cref="Requantizer"/>.</summary>
        private static void RunInt8Rows(PreparedLayer p, sbyte[] input, sbyte[] output)
        {
            sbyte[] w = p.Int8Weights;
            long[] bias = p.PackedBias;
            int n = p.Stride, whole = n & ~7, outC = p.OutChannels, j = 0;
            for (int o = 0; o < outC; o++)
            {
                long acc = bias[o];
                int i = 0;
                for (; i < whole; i += 8, j += 8)
                {
                    acc += (input[i] * w[j]) + (input[i + 1] * w[j + 1]) + (input[i + 2] * w[j + 2]) + (input[i + 3] * w[j + 3])
                        + (input[i + 4] * w[j + 4]) + (input[i + 5] * w[j + 5]) + (input[i + 6] * w[j + 6]) + (input[i + 7] * w[j + 7]);
                }

                for (; i < n; i++, j++)
                {
                    acc += input[i] * w[j];
                }

                Requantizer.Store(p, acc, o, output, o);
            }
        }

        private static void RunWithLaneWriter(PreparedLayer p, sbyte[] input, sbyte[] output, long[] x)
        {
            long[] w = p.PackedWeights, bias = p.PackedBias;
            int stride = p.Stride, whole = stride & ~7, groups = p.RowGroups, outC = p.OutChannels, lanes = p.Lanes;
            for (int i = 0; i < stride; i++)
            {
                x[i] = input[i];
            }

            int j = 0;
            unchecked
            {
                for (int g = 0; g < groups; g++)
                {
                    long acc = bias[g];
                    int i = 0;
                    for (; i < whole; i += 8, j += 8)
                    {
                        acc += (x[i] * w[j]) + (x[i + 1] * w[j + 1]) + (x[i + 2] * w[j + 2]) + (x[i + 3] * w[j + 3])
                            + (x[i + 4] * w[j + 4]) + (x[i + 5] * w[j + 5]) + (x[i + 6] * w[j + 6]) + (x[i + 7] * w[j + 7]);
                    }

                    for (; i < stride; i++, j++)
                    {
                        acc += x[i] * w[j];
                    }

                    LaneWriter.Write(p, acc, g * lanes, outC, output, 1, 0);
                }

                if (p.TailRows != 0)
                {
                    Requantizer.Store(p, TailAccumulator(p, input, j), outC - 1, output, outC - 1);
                }
            }
        }
    }
}
