namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// Generic fully connected int8 kernel for any layer shape, weights as loadable data (packed by
    /// <see cref="SwarPacker"/>).
    /// <para>Contract: out[o] = clamp(((acc_o * M_o + 2^(S_o-1)) &gt;&gt; S_o) + zp_out, act_min, act_max) with
    /// acc_o = Bias[o] + sum_i W[o,i] * (x[i] - zp_in[i]) exactly in integers (SWAR lanes, see
    /// <see cref="SwarPacker"/>; rounding half up as in <see cref="Requantizer"/>, which handles LeakyRelu layers).
    /// Inputs int8, outputs int8, no allocation. Bit-exact with the plain TFLite-style reference kept in the tests.</para>
    /// <para>Speed (nanoFramework interpreter, cost = executed IL instructions): the input is widened once into a long
    /// scratch buffer; each 64-bit multiply then does 2-3 MACs in an 8-way unrolled loop; lane extraction and
    /// requantization are inlined with every field hoisted into locals. <c>edgemicro bench</c> counts the result.</para>
    /// </summary>
    public static class DenseKernel
    {
        /// <summary>Runs the layer.</summary>
        /// <param name="p">Prepared layer.</param>
        /// <param name="input">int8 input, InputLength values.</param>
        /// <param name="output">int8 output, OutChannels values.</param>
        /// <param name="x">Scratch of at least <see cref="PreparedLayer.ScratchLength"/> longs.</param>
        public static void Run(PreparedLayer p, sbyte[] input, sbyte[] output, long[] x)
        {
            int n = p.InputLength;
            for (int i = 0; i < n; i++)
            {
                x[i] = input[i];
            }

            if (p.NegativeMultiplier != null || p.Lanes != 3)
            {
                RunWithLaneWriter(p, output, x);
                return;
            }

            long[] w = p.PackedWeights, bias = p.PackedBias, m = p.Multiplier, r = p.Rounding;
            int[] s = p.Shift;
            int stride = p.Stride, groups = p.RowGroups, outC = p.OutChannels;
            long zp = p.OutputZeroPoint, lo = p.ActivationMin, hi = p.ActivationMax;
            int j = 0, o = 0;
            unchecked
            {
                for (int g = 0; g < groups; g++)
                {
                    long acc = bias[g];
                    for (int i = 0; i < stride; i += 8, j += 8)
                    {
                        acc += (x[i] * w[j]) + (x[i + 1] * w[j + 1]) + (x[i + 2] * w[j + 2]) + (x[i + 3] * w[j + 3])
                            + (x[i + 4] * w[j + 4]) + (x[i + 5] * w[j + 5]) + (x[i + 6] * w[j + 6]) + (x[i + 7] * w[j + 7]);
                    }

                    for (int lane = 0; lane < 3 && o < outC; lane++, o++)
                    {
                        long l = lane == 2 ? acc : (acc << 43) >> 43;
                        acc = (acc - l) >> 21;
                        long v = (((l * m[o]) + r[o]) >> s[o]) + zp;
                        output[o] = (sbyte)(v < lo ? lo : (v > hi ? hi : v));
                    }
                }
            }
        }

        private static void RunWithLaneWriter(PreparedLayer p, sbyte[] output, long[] x)
        {
            long[] w = p.PackedWeights, bias = p.PackedBias;
            int stride = p.Stride, groups = p.RowGroups, outC = p.OutChannels, lanes = p.Lanes;
            int j = 0;
            unchecked
            {
                for (int g = 0; g < groups; g++)
                {
                    long acc = bias[g];
                    for (int i = 0; i < stride; i += 8, j += 8)
                    {
                        acc += (x[i] * w[j]) + (x[i + 1] * w[j + 1]) + (x[i + 2] * w[j + 2]) + (x[i + 3] * w[j + 3])
                            + (x[i + 4] * w[j + 4]) + (x[i + 5] * w[j + 5]) + (x[i + 6] * w[j + 6]) + (x[i + 7] * w[j + 7]);
                    }

                    LaneWriter.Write(p, acc, g * lanes, outC, output, 1, 0);
                }
            }
        }
    }
}
