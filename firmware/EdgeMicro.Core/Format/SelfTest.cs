using EdgeMicro.Core.Inference;

namespace EdgeMicro.Core.Format
{
    /// <summary>Runs a blob's self-test vectors on a classifier (the gate before a model update is activated).</summary>
    public static class SelfTest
    {
        /// <summary>Runs every vector; returns null when all match, else a description of the first mismatch.</summary>
        /// <param name="blob">The blob with its vectors.</param>
        /// <param name="classifier">A classifier built from <c>blob.Model</c>.</param>
        /// <returns>Null on success, else what differed.</returns>
        public static string Run(ModelBlob blob, Classifier classifier)
        {
            for (int v = 0; v < blob.SelfTestCount; v++)
            {
                classifier.Classify(blob.SelfTestSamples[v]);
                sbyte[] expected = blob.SelfTestOutputs[v];
                for (int i = 0; i < expected.Length; i++)
                {
                    if (classifier.Outputs[i] != expected[i])
                    {
                        return "self-test " + v.ToString() + ": output " + i.ToString() + " is " + classifier.Outputs[i].ToString() + ", expected " + expected[i].ToString();
                    }
                }

                if (classifier.PredictedClass != blob.SelfTestClasses[v] || classifier.ConfidenceQ15 != blob.SelfTestConfidences[v] || classifier.MarginQ15 != blob.SelfTestMargins[v])
                {
                    return "self-test " + v.ToString() + ": class/confidence/margin differ";
                }
            }

            return null;
        }
    }
}
