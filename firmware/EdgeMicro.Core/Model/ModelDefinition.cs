namespace EdgeMicro.Core.Model
{
    /// <summary>
    /// A complete quantized classifier: input quantizer, layers, output head. Built from a blob
    /// (<see cref="EdgeMicro.Core.Format.ModelBlobReader"/>) or a compiled weight table
    /// (<see cref="EdgeMicro.Core.Format.ModelTable"/>); both give the same definition and the same CRC.
    /// <para>Input quantizer, per model-input element j (integer only):</para>
    /// <code>
    /// x       = sample[InputGather[j]]                 raw sensor value in Q(InputFractionBits) fixed point
    /// q_in[j] = clamp(((x - InputOffset[j]) * InputMultiplier[j] + 2^(InputShift[j]-1)) &gt;&gt; InputShift[j]
    ///                 + InputZeroPoint[j], -128, 127)   (64-bit product, round half up)
    /// </code>
    /// </summary>
    public sealed class ModelDefinition
    {
        /// <summary>Gets or sets the model identifier (e.g. "digits").</summary>
        public string ModelId { get; set; }

        /// <summary>Gets or sets the model version (monotonic per model id).</summary>
        public uint ModelVersion { get; set; }

        /// <summary>Gets or sets the class names, one per class.</summary>
        public string[] ClassNames { get; set; }

        /// <summary>Gets or sets the number of raw features in a sample (CSV columns).</summary>
        public int FeatureCount { get; set; }

        /// <summary>Gets or sets the fixed-point fraction bits of raw samples (a sample value v is stored as round(v * 2^F)).</summary>
        public int InputFractionBits { get; set; }

        /// <summary>Gets or sets which sample feature feeds each model-input element (input layout), or null for identity.</summary>
        public short[] InputGather { get; set; }

        /// <summary>Gets or sets the per-element raw offset (Q(F)) subtracted before scaling.</summary>
        public int[] InputOffset { get; set; }

        /// <summary>Gets or sets the per-element input multiplier.</summary>
        public int[] InputMultiplier { get; set; }

        /// <summary>Gets or sets the per-element input right shift, in [0, 62].</summary>
        public int[] InputShift { get; set; }

        /// <summary>Gets or sets the per-element input zero point.</summary>
        public int[] InputZeroPoint { get; set; }

        /// <summary>Gets or sets the layers in execution order.</summary>
        public LayerDefinition[] Layers { get; set; }

        /// <summary>Gets or sets the <see cref="OutputKind"/>.</summary>
        public int OutputKind { get; set; }

        /// <summary>Gets or sets the number of classes.</summary>
        public int ClassCount { get; set; }

        /// <summary>
        /// Gets or sets the 256-entry output lookup table. Softmax: Q16 of exp(-d * s_out) for a logit distance
        /// d = q_top - q_j in [0, 255]. Sigmoid: Q15 of sigmoid(s_out * (q - zp_out)) at index q + 128.
        /// </summary>
        public int[] OutputTable { get; set; }

        /// <summary>Gets or sets the CRC-32 of the canonical form (<c>ModelSerializer</c>) when known without the weights
        /// (set by a compiled-in weight table, which verified it or, with weights compiled into code, carries it), else 0.</summary>
        public uint Checksum { get; set; }

        /// <summary>A copy sharing every array with this one.</summary>
        /// <returns>The copy.</returns>
        public ModelDefinition ShallowCopy()
        {
            return (ModelDefinition)MemberwiseClone();
        }

        /// <summary>Number of instance fields (auto-property backing fields), for <see cref="HeapBytes"/>; a test checks it.</summary>
        public const int InstanceFields = 15;

        /// <summary>Gets the managed-heap bytes of the model on nanoFramework (<see cref="HeapSize"/>): this object, its
        /// strings and arrays and every layer (int8 weights one byte each, packed weights 8 bytes per word).</summary>
        public int HeapBytes
        {
            get
            {
                int bytes = HeapSize.Object(InstanceFields) + HeapSize.Of(ModelId) + HeapSize.Of(ClassNames) + HeapSize.Of(InputGather)
                    + HeapSize.Of(InputOffset) + HeapSize.Of(InputMultiplier) + HeapSize.Of(InputShift) + HeapSize.Of(InputZeroPoint)
                    + HeapSize.Of(OutputTable);
                if (Layers != null)
                {
                    bytes += HeapSize.Array(Layers.Length, HeapSize.Block);
                    for (int i = 0; i < Layers.Length; i++)
                    {
                        bytes += Layers[i].HeapBytes;
                    }
                }

                return bytes;
            }
        }

        /// <summary>Gets a value indicating whether some layer has 16-bit outputs (<see cref="LayerDefinition.WideOutput"/>):
        /// the classifier then runs every layer on int16 buffers with the int8 weights read as they are.</summary>
        public bool HasWideActivations
        {
            get
            {
                if (Layers == null)
                {
                    return false;
                }

                for (int i = 0; i < Layers.Length; i++)
                {
                    if (Layers[i] != null && Layers[i].WideOutput)
                    {
                        return true;
                    }
                }

                return false;
            }
        }

        /// <summary>Gets the number of model-input elements (after the input layout).</summary>
        public int InputLength
        {
            get { return InputZeroPoint == null ? 0 : InputZeroPoint.Length; }
        }
    }
}
