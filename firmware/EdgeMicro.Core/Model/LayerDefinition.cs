namespace EdgeMicro.Core.Model
{
    /// <summary>
    /// One quantized layer, exactly as stored in a blob or weight table (no derived data). Feature maps are CHW int8
    /// (a vector of n values is n x 1 x 1). Integer semantics, TFLite int8 style (see Inference/ReferenceFormulas.md
    /// in the contract comments of the kernels):
    /// <code>
    /// acc[o]  = Bias[o] + sum_i W[o, i] * (q_in[i] - InputZeroPoints[channel(i)])
    /// v       = (acc * M + 2^(S-1)) &gt;&gt; S          M = Multiplier[o], S = Shift[o]   (round half up)
    ///           (acc &lt; 0 and NegativeMultiplier != null: M, S from the Negative arrays: LeakyRelu)
    /// q_out   = clamp(v + OutputZeroPoint, ActivationMin, ActivationMax)
    /// </code>
    /// Pooling keeps the input scale: MaxPool takes the max of the in-bounds window; AveragePool sums the window
    /// (padded positions read InputZeroPoints, i.e. real zero) and divides by the window size (CountIncludePad) or the
    /// in-bounds count, rounding half away from zero, then clamps.
    /// </summary>
    public sealed class LayerDefinition
    {
        /// <summary>Gets or sets the <see cref="LayerKind"/>.</summary>
        public int Kind { get; set; }

        /// <summary>Gets or sets the input channels.</summary>
        public int InChannels { get; set; }

        /// <summary>Gets or sets the input height.</summary>
        public int InHeight { get; set; }

        /// <summary>Gets or sets the input width.</summary>
        public int InWidth { get; set; }

        /// <summary>Gets or sets the output channels.</summary>
        public int OutChannels { get; set; }

        /// <summary>Gets or sets the output height.</summary>
        public int OutHeight { get; set; }

        /// <summary>Gets or sets the output width.</summary>
        public int OutWidth { get; set; }

        /// <summary>Gets or sets the kernel height (Conv, pools).</summary>
        public int KernelHeight { get; set; }

        /// <summary>Gets or sets the kernel width (Conv, pools).</summary>
        public int KernelWidth { get; set; }

        /// <summary>Gets or sets the vertical stride.</summary>
        public int StrideHeight { get; set; }

        /// <summary>Gets or sets the horizontal stride.</summary>
        public int StrideWidth { get; set; }

        /// <summary>Gets or sets the padding rows above.</summary>
        public int PadTop { get; set; }

        /// <summary>Gets or sets the padding columns left.</summary>
        public int PadLeft { get; set; }

        /// <summary>Gets or sets the padding rows below.</summary>
        public int PadBottom { get; set; }

        /// <summary>Gets or sets the padding columns right.</summary>
        public int PadRight { get; set; }

        /// <summary>Gets or sets the vertical dilation (Conv).</summary>
        public int DilationHeight { get; set; }

        /// <summary>Gets or sets the horizontal dilation (Conv).</summary>
        public int DilationWidth { get; set; }

        /// <summary>Gets or sets the number of groups (Conv; InChannels for depthwise).</summary>
        public int Groups { get; set; }

        /// <summary>Gets or sets whether average pooling divides by the full window (1) or the in-bounds count (0).</summary>
        public int CountIncludePad { get; set; }

        /// <summary>Gets or sets the output zero point.</summary>
        public int OutputZeroPoint { get; set; }

        /// <summary>Gets or sets the lowest output value (fused activation clamp).</summary>
        public int ActivationMin { get; set; }

        /// <summary>Gets or sets the highest output value (fused activation clamp).</summary>
        public int ActivationMax { get; set; }

        /// <summary>Gets or sets the lowest value the input can take (the producer's clamp; -128 for the model input).</summary>
        public int InputMin { get; set; }

        /// <summary>Gets or sets the highest value the input can take.</summary>
        public int InputMax { get; set; }

        /// <summary>Gets or sets the input zero point per input channel (per element for Dense).</summary>
        public int[] InputZeroPoints { get; set; }

        /// <summary>Gets or sets the int8 weights: Dense [out, in]; Conv [out, in/groups, kh, kw]. Null for pools.</summary>
        public sbyte[] Weights { get; set; }

        /// <summary>Gets or sets the weights in the SWAR form the kernels read (<c>SwarPacker</c> layout, [row groups][stride]),
        /// when the layer holds them packed instead of as int8 <see cref="Weights"/> (a compiled-in weight table: one
        /// copy on the heap). Null otherwise.</summary>
        public long[] PackedWeights { get; set; }

        /// <summary>Gets or sets the packed bias per row group (input zero points folded), with <see cref="PackedWeights"/>.</summary>
        public long[] PackedBias { get; set; }

        /// <summary>Gets or sets the rows per packed word of <see cref="PackedWeights"/> (3 or 2); for a layer holding int8
        /// <see cref="Weights"/>: 0 when the classifier packs them at load, 1 when a Dense layer's kernels read the int8
        /// rows as they are (<c>--weights int8</c>: one byte of heap per weight, no packed copy).</summary>
        public int PackedLanes { get; set; }

        /// <summary>Gets or sets the rows of <see cref="PackedWeights"/> packed along their inputs instead of across rows
        /// (0 or 1): a Dense SWAR3 layer whose row count leaves one row over stores that last row three inputs per word
        /// (<c>SwarPacker</c>'s tail row) after its row groups, rather than alone in a row group with two empty lanes.</summary>
        public int PackedTailRows { get; set; }

        /// <summary>Gets or sets a value indicating whether the weights are compiled into a generated kernel as IL
        /// constants (a weight table converted with <c>--weights code</c>): the layer holds no weights, only that kernel
        /// can run it.</summary>
        public bool WeightsCompiled { get; set; }

        /// <summary>Gets or sets the int32 bias per output channel (input and weight scale). Null for pools.</summary>
        public int[] Bias { get; set; }

        /// <summary>Gets or sets the requantization multiplier per output channel, in [2^30, 2^31).</summary>
        public int[] Multiplier { get; set; }

        /// <summary>Gets or sets the requantization right shift per output channel, in [1, 62].</summary>
        public int[] Shift { get; set; }

        /// <summary>Gets or sets the multiplier for negative accumulators (LeakyRelu), or null.</summary>
        public int[] NegativeMultiplier { get; set; }

        /// <summary>Gets or sets the shift for negative accumulators (LeakyRelu), or null.</summary>
        public int[] NegativeShift { get; set; }

        /// <summary>A copy sharing every array with this one.</summary>
        /// <returns>The copy.</returns>
        public LayerDefinition ShallowCopy()
        {
            return (LayerDefinition)MemberwiseClone();
        }

        /// <summary>Number of instance fields (auto-property backing fields), for <see cref="HeapBytes"/>; a test checks it.</summary>
        public const int InstanceFields = 36;

        /// <summary>Gets the managed-heap bytes of this layer and its arrays on nanoFramework (<see cref="HeapSize"/>).</summary>
        public int HeapBytes
        {
            get
            {
                return HeapSize.Object(InstanceFields) + HeapSize.Of(InputZeroPoints) + HeapSize.Of(Weights) + HeapSize.Of(PackedWeights) + HeapSize.Of(PackedBias) + HeapSize.Of(Bias)
                    + HeapSize.Of(Multiplier) + HeapSize.Of(Shift) + HeapSize.Of(NegativeMultiplier) + HeapSize.Of(NegativeShift);
            }
        }

        /// <summary>Gets a value indicating whether the layer's outputs are 16-bit activations: its clamp
        /// [ActivationMin, ActivationMax] reaches beyond int8 (a 16-bit layer is symmetric, zero point 0, clamp within
        /// [-32767, 32767]). A model with such a layer runs every layer on int16 buffers (<c>WideKernels</c>); its last
        /// layer stays int8 (the output head's input). No field: the width is the clamp, so the canonical form and
        /// the weight table need nothing more, and firmware that only knows int8 refuses such a model's clamp.</summary>
        public bool WideOutput
        {
            get { return ActivationMin < -128 || ActivationMax > 127; }
        }

        /// <summary>Gets the number of input elements.</summary>
        public int InputLength
        {
            get { return InChannels * InHeight * InWidth; }
        }

        /// <summary>Gets the number of output elements.</summary>
        public int OutputLength
        {
            get { return OutChannels * OutHeight * OutWidth; }
        }

        /// <summary>Gets the packed row length: the weights per output, unpadded (the SWAR layout stores each row group's
        /// words back to back; the generic kernels' 8-way loops finish a row with a remainder loop).</summary>
        public int PackedStride
        {
            get { return WeightsPerOutput; }
        }

        /// <summary>Number of packed row groups (words per input) for a lane count: ceil((rows per group - tail rows) /
        /// lanes) x groups.</summary>
        /// <param name="lanes">Rows per packed word (3 or 2).</param>
        /// <returns>The row group count.</returns>
        public int PackedRowGroups(int lanes)
        {
            int groups = Kind == LayerKind.Conv ? Groups : 1;
            return ((OutChannels / groups) - PackedTailRows + lanes - 1) / lanes * groups;
        }

        /// <summary>Gets the packed words of the tail row (three inputs per word, the last one padded with zeros), 0
        /// without one.</summary>
        public int PackedTailWords
        {
            get { return PackedTailRows == 0 ? 0 : (WeightsPerOutput + 2) / 3; }
        }

        /// <summary>Gets the number of weights per output channel (Dense: inputs; Conv: in/groups x kh x kw).</summary>
        public int WeightsPerOutput
        {
            get
            {
                if (Kind == LayerKind.Dense)
                {
                    return InputLength;
                }

                return Groups == 0 ? 0 : (InChannels / Groups) * KernelHeight * KernelWidth;
            }
        }

        /// <summary>Gets the multiply-accumulates per inference.</summary>
        public long Macs
        {
            get
            {
                if (Kind == LayerKind.Dense)
                {
                    return (long)InputLength * OutChannels;
                }

                return Kind == LayerKind.Conv ? (long)OutputLength * WeightsPerOutput : 0;
            }
        }
    }
}
