using EdgeMicro.Core.Inference;

namespace EdgeMicro.Core.Device
{
    /// <summary>
    /// Receives every inference the device runs and every ground-truth label a person gives (label button or
    /// command). The device statistics implement it; the device loop calls it after each classification. Calls
    /// must not allocate (they run once per sample, right after the inference).
    /// </summary>
    public interface IInferenceListener
    {
        /// <summary>Called after each inference.</summary>
        /// <param name="sample">The raw sample (FeatureCount values, Q(InputFractionBits)).</param>
        /// <param name="result">The classifier holding class, runner-up, confidence and margin of this sample.</param>
        /// <param name="sequence">Device-wide sample sequence number.</param>
        /// <param name="timestampMs">Device time in milliseconds.</param>
        void OnInference(int[] sample, Classifier result, uint sequence, long timestampMs);

        /// <summary>Called when a person labels a sample (the last one, for the button).</summary>
        /// <param name="sequence">Sequence number of the labelled sample.</param>
        /// <param name="trueClass">The true class.</param>
        /// <param name="predictedClass">What the model predicted for it.</param>
        void OnLabel(uint sequence, int trueClass, int predictedClass);
    }
}
