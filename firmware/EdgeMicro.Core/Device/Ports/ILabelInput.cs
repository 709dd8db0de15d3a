namespace EdgeMicro.Core.Device.Ports
{
    /// <summary>Ground truth from a person (label button) or a replay file, for the last sample.</summary>
    public interface ILabelInput
    {
        /// <summary>Returns a completed label, once.</summary>
        /// <param name="nowMs">Device time.</param>
        /// <returns>The true class of the last sample, or -1 when there is none.</returns>
        int Poll(long nowMs);
    }
}
