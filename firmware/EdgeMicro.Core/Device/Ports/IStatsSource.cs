namespace EdgeMicro.Core.Device
{
    /// <summary>
    /// Device statistics as the runtime publishes them on <c>stats</c> (implemented by the statistics component,
    /// which also receives every inference through <see cref="IInferenceListener"/>).
    /// </summary>
    public interface IStatsSource
    {
        /// <summary>Writes the statistics as fields of the open JSON object (the runtime adds seq, boot and time).</summary>
        /// <param name="writer">Writer positioned inside an object.</param>
        void WriteFields(PayloadWriter writer);

        /// <summary>Clears the statistics (command reset-stats).</summary>
        void Reset();
    }
}
