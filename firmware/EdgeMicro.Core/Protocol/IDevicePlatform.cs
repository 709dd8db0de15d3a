using EdgeMicro.Core.Format;

namespace EdgeMicro.Core.Protocol
{
    /// <summary>
    /// What the serial request handler needs from the device it runs on: identity, clock, memory, statistics and
    /// model persistence. The firmware implements it over nanoFramework APIs; the desktop virtual device over .NET.
    /// </summary>
    public interface IDevicePlatform
    {
        /// <summary>Gets the device id.</summary>
        string DeviceId { get; }

        /// <summary>Gets the firmware version.</summary>
        string FirmwareVersion { get; }

        /// <summary>Gets the frequency of <see cref="Ticks"/>.</summary>
        uint TicksPerSecond { get; }

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
        /// Hands an uploaded model that passed the link checks (size, CRC, parse, self-test) to the device's update
        /// gate, which may still reject it (e.g. the runtime's own verification and atomic slot switch); the serial
        /// handler activates it only when this succeeds.
        /// </summary>
        /// <param name="blobBytes">The blob file.</param>
        /// <param name="blob">The parsed blob.</param>
        /// <returns>Null when stored and activated by the device, else why it was rejected.</returns>
        string StoreModel(byte[] blobBytes, ModelBlob blob);
    }
}
