using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// A layer made ready for the fast kernels (once, at model load): weights packed for SWAR, input zero points
    /// folded into the packed bias, rounding constants precomputed. See <see cref="SwarPacker"/> for the packing.
    /// Public fields rather than properties on purpose: on the nanoFramework interpreter a property read is a call
    /// (4 executed IL instructions instead of 1), and kernels read these once per layer.
    /// </summary>
    public sealed class PreparedLayer
    {
        /// <summary>The definition this was prepared from.</summary>
        public LayerDefinition Definition;

        /// <summary>The number of output rows packed in one 64-bit word: 3 (21/21/22-bit lanes) or 2 (32/32); 1 for a
        /// Dense layer whose kernels read its int8 rows (<see cref="Int8Weights"/>) as they are.</summary>
        public int Lanes;

        /// <summary>The number of packed row groups.</summary>
        public int RowGroups;

        /// <summary>The row groups per convolution group (Conv) or <see cref="RowGroups"/> (Dense).</summary>
        public int RowGroupsPerGroup;

        /// <summary>The packed row length: the weights per output (rows are stored unpadded).</summary>
        public int Stride;

        /// <summary>Rows packed along their inputs after the row groups (0 or 1; Dense SWAR3 layers whose row count leaves
        /// one over): the last output channel, see <see cref="SwarPacker"/>.</summary>
        public int TailRows;

        /// <summary>Words of the tail row (ceil(Stride / 3)), 0 without one; they follow the row groups in
        /// <see cref="PackedWeights"/>, and its bias is <see cref="PackedBias"/>[RowGroups].</summary>
        public int TailWords;

        /// <summary>The packed weights, [RowGroups][Stride] then the tail row's words; lanes past a group's last row are
        /// zero.</summary>
        public long[] PackedWeights;

        /// <summary>The int8 weights [out][in] of a one-lane layer (the definition's own array), else null.</summary>
        public sbyte[] Int8Weights;

        /// <summary>The packed bias per row group: Bias[o] - sum_i W[o,i] * zp(i), lane by lane (per row for one lane).</summary>
        public long[] PackedBias;

        /// <summary>The multiplier per output channel (widened).</summary>
        public long[] Multiplier;

        /// <summary>The rounding term 2^(S-1) per output channel.</summary>
        public long[] Rounding;

        /// <summary>Rounding term with the output zero point folded in, 2^(S-1) + zp_out * 2^S, so that
        /// ((acc * M + this) &gt;&gt; S) = requant + zp_out exactly; set only for SWAR3 layers without LeakyRelu whose
        /// shifts are at most 54 (|acc| &lt; 2^21 then keeps the sum below 2^62), else null. The inline fast paths
        /// require it.</summary>
        public long[] RoundingWithZeroPoint;

        /// <summary>The shift per output channel.</summary>
        public int[] Shift;

        /// <summary>The LeakyRelu multiplier per output channel, or null.</summary>
        public long[] NegativeMultiplier;

        /// <summary>The LeakyRelu rounding term per output channel, or null.</summary>
        public long[] NegativeRounding;

        /// <summary>The LeakyRelu shift per output channel, or null.</summary>
        public int[] NegativeShift;

        /// <summary>Number of input elements (copied from the definition).</summary>
        public int InputLength;

        /// <summary>Number of output channels (copied from the definition).</summary>
        public int OutChannels;

        /// <summary>Output zero point (copied from the definition).</summary>
        public int OutputZeroPoint;

        /// <summary>Lowest output value (copied from the definition).</summary>
        public int ActivationMin;

        /// <summary>Highest output value (copied from the definition).</summary>
        public int ActivationMax;

        /// <summary>Conv: input offset of each receptive-field tap (ic, ky, kx) from the window's top-left element in the
        /// group's first channel, in packed-weight order; used for windows that need no padding.</summary>
        public int[] TapOffsets;

        /// <summary>The length of the long scratch buffer this layer needs.</summary>
        public int ScratchLength;

        /// <summary>Number of instance fields, for <see cref="HeapBytes"/>; a test checks it.</summary>
        public const int InstanceFields = 24;

        /// <summary>Gets the managed-heap bytes this preparation allocates on nanoFramework (<see cref="HeapSize"/>):
        /// this object and its own arrays (the packed copy of the weights when the definition holds int8 weights); arrays
        /// shared with the definition (shifts, packed weights of a compiled-in table) are counted there.</summary>
        public int HeapBytes
        {
            get
            {
                // Packed once at convert time, the weights are the definition's own arrays (counted there).
                bool own = Definition == null || Definition.PackedBias != PackedBias;
                return HeapSize.Object(InstanceFields) + (own ? HeapSize.Of(PackedWeights) + HeapSize.Of(PackedBias) : 0) + HeapSize.Of(Multiplier)
                    + HeapSize.Of(Rounding) + HeapSize.Of(RoundingWithZeroPoint) + HeapSize.Of(NegativeMultiplier) + HeapSize.Of(NegativeRounding)
                    + HeapSize.Of(TapOffsets);
            }
        }
    }
}
