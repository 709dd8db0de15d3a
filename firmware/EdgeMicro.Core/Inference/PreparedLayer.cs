using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// A layer made ready for the fast kernels (once, at model load): weights packed for SWAR, input zero points
    /// folded into the packed bias, rounding constants precomputed. See <see cref="SwarPacker"/> for the packing.
    /// </summary>
    public sealed class PreparedLayer
    {
        /// <summary>Gets or sets the definition this was prepared from.</summary>
        public LayerDefinition Definition { get; set; }

        /// <summary>Gets or sets the number of output rows packed in one 64-bit word: 3 (21/21/22-bit lanes) or 2 (32/32).</summary>
        public int Lanes { get; set; }

        /// <summary>Gets or sets the number of packed row groups.</summary>
        public int RowGroups { get; set; }

        /// <summary>Gets or sets the row groups per convolution group (Conv) or <see cref="RowGroups"/> (Dense).</summary>
        public int RowGroupsPerGroup { get; set; }

        /// <summary>Gets or sets the packed row length: weights per output rounded up to a multiple of 8.</summary>
        public int Stride { get; set; }

        /// <summary>Gets or sets the packed weights, [RowGroups][Stride]; padding weights are zero.</summary>
        public long[] PackedWeights { get; set; }

        /// <summary>Gets or sets the packed bias per row group: Bias[o] - sum_i W[o,i] * zp(i), lane by lane.</summary>
        public long[] PackedBias { get; set; }

        /// <summary>Gets or sets the multiplier per output channel (widened).</summary>
        public long[] Multiplier { get; set; }

        /// <summary>Gets or sets the rounding term 2^(S-1) per output channel.</summary>
        public long[] Rounding { get; set; }

        /// <summary>Gets or sets the shift per output channel.</summary>
        public int[] Shift { get; set; }

        /// <summary>Gets or sets the LeakyRelu multiplier per output channel, or null.</summary>
        public long[] NegativeMultiplier { get; set; }

        /// <summary>Gets or sets the LeakyRelu rounding term per output channel, or null.</summary>
        public long[] NegativeRounding { get; set; }

        /// <summary>Gets or sets the LeakyRelu shift per output channel, or null.</summary>
        public int[] NegativeShift { get; set; }

        /// <summary>Gets or sets the length of the long scratch buffer this layer needs.</summary>
        public int ScratchLength { get; set; }
    }
}
