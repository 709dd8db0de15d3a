namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// Generic fully connected int8 kernel for any layer shape, weights as loadable data (packed by
    /// <see cref="SwarPacker"/>).
    /// <para>Contract: out[o] = clamp(((acc_o * M_o + 2^(S_o-1)) &gt;&gt; S_o) + zp_out, act_min, act_max) with
    /// acc_o = Bias[o] + sum_i W[o,i] * (x[i] - zp_in[i]) exactly in integers (SWAR lanes, see
    /// <see cref="SwarPacker"/>; requantization and rounding in <see cref="Requantizer"/>). Inputs int8, outputs
    /// int8, no allocation. Bit-exact with the plain TFLite-style reference kept in the tests.</para>
    /// <para>Speed (nanoFramework interpreter): the input is widened once into a long scratch buffer, then each
    /// 64-bit multiply does 2-3 MACs in an 8-way unrolled loop; the cost per MAC is counted by <c>edgemicro bench</c>.</para>
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
            int n = p.Definition.InputLength;
            for (int i = 0; i < n; i++)
            {
                x[i] = input[i];
            }

            long[] w = p.PackedWeights;
            long[] bias = p.PackedBias;
            int stride = p.Stride;
            int groups = p.RowGroups;
            int outC = p.Definition.OutChannels;
            int lanes = p.Lanes;
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
