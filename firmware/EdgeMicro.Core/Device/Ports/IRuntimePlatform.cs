namespace EdgeMicro.Core.Device.Ports
{
    /// <summary>Clock, memory and logging of the platform the core runs on.</summary>
    public interface IRuntimePlatform
    {
        /// <summary>Gets the milliseconds since boot (monotonic).</summary>
        long NowMs { get; }

        /// <summary>Gets the free managed memory in bytes (0 when unknown).</summary>
        long FreeMemoryBytes { get; }

        /// <summary>Writes a log line (serial console on the device).</summary>
        /// <param name="line">Text.</param>
        void Log(string line);
    }
}
