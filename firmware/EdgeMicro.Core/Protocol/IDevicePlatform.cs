using EdgeMicro.Core.Device.Runtime;
using EdgeMicro.Core.Device.Update;


namespace EdgeMicro.Core.Protocol
{
    /// <summary>
    /// What the serial request handler needs from the device it runs on: identity, clock, memory, statistics, the
    /// model it runs and its update gate. <see cref="RuntimeDevicePlatform"/> implements it over the
    /// <see cref="DeviceRuntime"/> for the firmware and the desktop virtual device alike.
    /// </summary>
    public interface IDevicePlatform
    {
        /// <summary>Gets the device id.</summary>
        string DeviceId { get; }

        /// <summary>Gets the firmware version.</summary>
        string FirmwareVersion { get; }

        /// <summary>Gets the frequency of <see cref="Ticks"/>.</summary>
        uint TicksPerSecond { get; }

        /// <summary>Gets the model the device runs now (INFO and INFER serve it), or null.</summary>
        ActiveModel Model { get; }

        /// <summary>Reads a monotonic tick counter.</summary>
        /// <returns>Ticks.</returns>
        long Ticks();

        /// <summary>Reads the free managed memory.</summary>
        /// <returns>Bytes.</returns>
        int FreeMemory();

        /// <summary>Returns the statistics in the device statistics format, or null when not built in.</summary>
        /// <returns>Opaque bytes or null.</returns>
        byte[] GetStatistics();

        /// <summary>Clears the statistics.</summary>
        /// <returns>False when statistics are not built in.</returns>
        bool ResetStatistics();

        /// <summary>Returns up to <paramref name="maxCount"/> buffered samples, or null when not built in.</summary>
        /// <param name="maxCount">Largest number of samples.</param>
        /// <returns>Opaque bytes or null.</returns>
        byte[] GetSamples(int maxCount);

        /// <summary>
        /// Hands an uploaded blob that arrived complete and with the declared CRC, and the signed manifest of the
        /// PUT_MODEL begin frame, to the device's update gate, which verifies them once (fleet-key signature, target,
        /// anti-rollback, parse, compatibility, self-test), switches the model slots and makes it the
        /// <see cref="Model"/>; on rejection the running model stays.
        /// </summary>
        /// <param name="blobBytes">The blob file.</param>
        /// <param name="manifest">The signed manifest (<see cref="EdgeMicro.Core.Device.Update.UpdateMessages"/>).</param>
        /// <returns>Null when the blob now runs, else why it was rejected.</returns>
        string InstallModel(byte[] blobBytes, byte[] manifest);
    }
}
