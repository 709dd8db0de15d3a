namespace EdgeMicro.Core.Device.Ports
{
    /// <summary>A sensor that produces one classifier sample per call (ADC window, thermal frame, replayed row).</summary>
    public interface ISensor
    {
        /// <summary>Gets the number of values in one sample.</summary>
        int FeatureCount { get; }

        /// <summary>Reads one sample as fixed-point values round(v * 2^fractionBits).</summary>
        /// <param name="sample">Destination, <see cref="FeatureCount"/> values.</param>
        /// <param name="fractionBits">The running model's input fraction bits.</param>
        /// <returns>False when no sample is available (sensor error, replay finished).</returns>
        bool Read(int[] sample, int fractionBits);
    }
}
