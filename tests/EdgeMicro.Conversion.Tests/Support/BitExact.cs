using EdgeMicro.Core.Inference;

namespace EdgeMicro.Conversion.Tests.Support;

/// <summary>Compares two classifiers sample by sample: every output of the last layer and the head's results.</summary>
public static class BitExact
{
    /// <summary>Counts the samples on which the two classifiers differ.</summary>
    /// <param name="reference">The reference (generic kernels).</param>
    /// <param name="candidate">The classifier under test.</param>
    /// <param name="samples">Raw fixed-point samples.</param>
    /// <param name="first">Index of the first differing sample, or -1.</param>
    /// <returns>The number of differing samples.</returns>
    public static int CountDiffering(Classifier reference, Classifier candidate, int[][] samples, out int first)
    {
        int outputs = reference.Model.Layers[^1].OutputLength;
        int differing = 0;
        first = -1;
        for (int n = 0; n < samples.Length; n++)
        {
            reference.Classify(samples[n]);
            candidate.Classify(samples[n]);
            bool same = reference.Outputs.Take(outputs).SequenceEqual(candidate.Outputs.Take(outputs))
                && reference.PredictedClass == candidate.PredictedClass && reference.ConfidenceQ15 == candidate.ConfidenceQ15 && reference.MarginQ15 == candidate.MarginQ15;
            if (!same)
            {
                differing++;
                first = first < 0 ? n : first;
            }
        }

        return differing;
    }
}
