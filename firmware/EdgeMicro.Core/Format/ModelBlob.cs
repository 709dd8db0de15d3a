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
    }
}
