using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Format
{
    /// <summary>
    /// Contents of a <c>.emm</c> model blob: the model, self-test vectors with the outputs the exporter's host twin
    /// produced, and reference histogram bin edges per input feature (training distribution, for drift statistics).
    /// </summary>
    public sealed class ModelBlob
    {
        /// <summary>Gets or sets the model.</summary>
        public ModelDefinition Model { get; set; }

        /// <summary>Gets or sets the self-test samples (raw, FeatureCount values each).</summary>
        public int[][] SelfTestSamples { get; set; }

        /// <summary>Gets or sets the expected predicted class per self-test sample.</summary>
        public int[] SelfTestClasses { get; set; }

        /// <summary>Gets or sets the expected Q15 confidence per self-test sample.</summary>
        public int[] SelfTestConfidences { get; set; }

        /// <summary>Gets or sets the expected Q15 margin per self-test sample.</summary>
        public int[] SelfTestMargins { get; set; }

        /// <summary>Gets or sets the expected last-layer int8 outputs per self-test sample.</summary>
        public sbyte[][] SelfTestOutputs { get; set; }

        /// <summary>Gets or sets the number of bin edges per feature (bins = edges + 1), or 0 when absent.</summary>
        public int EdgesPerFeature { get; set; }

        /// <summary>Gets or sets the bin edges, FeatureCount x EdgesPerFeature, raw Q(F) units, ascending per feature.</summary>
        public int[] FeatureBinEdges { get; set; }

        /// <summary>Gets the number of self-test vectors.</summary>
        public int SelfTestCount
        {
            get { return SelfTestSamples == null ? 0 : SelfTestSamples.Length; }
        }

        /// <summary>Number of instance fields (auto-property backing fields), for <see cref="HeapBytes"/>; a test checks it.</summary>
        public const int InstanceFields = 8;

        /// <summary>Gets the managed-heap bytes of the parsed blob on nanoFramework (<see cref="HeapSize"/>): the model,
        /// the self-test vectors and the reference bin edges.</summary>
        public int HeapBytes
        {
            get
            {
                int bytes = HeapSize.Object(InstanceFields) + (Model == null ? 0 : Model.HeapBytes) + HeapSize.Of(SelfTestClasses)
                    + HeapSize.Of(SelfTestConfidences) + HeapSize.Of(SelfTestMargins) + HeapSize.Of(FeatureBinEdges);
                bytes += Rows(SelfTestSamples, 4) + Rows(SelfTestOutputs, 1);
                return bytes;
            }
        }

        private static int Rows(System.Array[] rows, int elementBytes)
        {
            if (rows == null)
            {
                return 0;
            }

            int bytes = HeapSize.Array(rows.Length, HeapSize.Block);
            for (int i = 0; i < rows.Length; i++)
            {
                bytes += rows[i] == null ? 0 : HeapSize.Array(rows[i].Length, elementBytes);
            }

            return bytes;
        }
    }
}
