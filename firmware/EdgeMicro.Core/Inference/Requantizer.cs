namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// Requantization of one accumulator to int8 (or int16, <see cref="StoreWide"/>), shared by the generic kernels' lane loops and by generated kernels.
    /// <para>Contract: v = ((acc * M + 2^(S-1)) &gt;&gt; S) + zp_out with a 64-bit product and an arithmetic shift,
    /// i.e. rounding half up (toward +infinity) - the TFLite reference rounds half away from zero, which differs only
    /// on exact negative ties; the host's float-to-int8 comparison and all kernels use this one rule. LeakyRelu uses
    /// (M, S) of the negative arrays when acc &lt; 0. The result saturates to [ActivationMin, ActivationMax] (the fused
    /// ReLU/ReLU6/Clip); the clamp happens in 64 bits, so no intermediate wraps.</para>
    /// </summary>
    public static class Requantizer
    {
        /// <summary>Requantizes the accumulator of output channel <paramref name="o"/> and stores it.</summary>
        /// <param name="p">Prepared layer.</param>
        /// <param name="acc">Exact accumulator (bias and zero points included).</param>
        /// <param name="o">Output channel.</param>
        /// <param name="output">Destination buffer.</param>
        /// <param name="index">Destination index.</param>
        public static void Store(PreparedLayer p, long acc, int o, sbyte[] output, int index)
        {
            long v;
            if (acc < 0 && p.NegativeMultiplier != null)
            {
                v = ((acc * p.NegativeMultiplier[o]) + p.NegativeRounding[o]) >> p.NegativeShift[o];
            }
            else
            {
                v = ((acc * p.Multiplier[o]) + p.Rounding[o]) >> p.Shift[o];
            }

            v += p.OutputZeroPoint;
            if (v < p.ActivationMin)
            {
                v = p.ActivationMin;
            }
            else if (v > p.ActivationMax)
            {
                v = p.ActivationMax;
            }

            output[index] = (sbyte)v;
        }

        /// <summary>As <see cref="Store"/>, into an int16 buffer (16-bit activations: the clamp is within int16). The
        /// same statements as <see cref="Store"/> on purpose: nanoFramework neither inlines nor has generics, and a
        /// shared helper would add a call per output to the int8 generic kernels; <c>WideFormatTests</c> and the
        /// property tests hold both to the one reference.</summary>
        /// <param name="p">Prepared layer.</param>
        /// <param name="acc">Exact accumulator (bias and zero points included).</param>
        /// <param name="o">Output channel.</param>
        /// <param name="output">Destination buffer.</param>
        /// <param name="index">Destination index.</param>
        public static void StoreWide(PreparedLayer p, long acc, int o, short[] output, int index)
        {
            long v;
            if (acc < 0 && p.NegativeMultiplier != null)
            {
                v = ((acc * p.NegativeMultiplier[o]) + p.NegativeRounding[o]) >> p.NegativeShift[o];
            }
            else
            {
                v = ((acc * p.Multiplier[o]) + p.Rounding[o]) >> p.Shift[o];
            }

            v += p.OutputZeroPoint;
            if (v < p.ActivationMin)
            {
                v = p.ActivationMin;
            }
            else if (v > p.ActivationMax)
            {
                v = p.ActivationMax;
            }

            output[index] = (short)v;
        }
    }
}
