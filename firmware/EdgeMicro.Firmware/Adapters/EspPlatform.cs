using System;
using EdgeMicro.Core.Device.Ports;
using nanoFramework.Hardware.Esp32;

namespace EdgeMicro.Firmware.Adapters
{
    /// <summary>
    /// Clock, memory and log on the ESP32. The clock is DateTime.UtcNow relative to <see cref="Restart"/>, which the
    /// program calls once the network has set the time (SNTP), so later readings do not jump. Free memory is the
    /// internal heap from NativeMemory.GetMemoryInfo; the log is Console.WriteLine (kept in Release builds, unlike
    /// Debug.WriteLine).
    /// </summary>
    public sealed class EspPlatform : IRuntimePlatform
    {
        private long _startTicks = DateTime.UtcNow.Ticks;

        /// <inheritdoc/>
        public long NowMs
        {
            get { return (DateTime.UtcNow.Ticks - _startTicks) / TimeSpan.TicksPerMillisecond; }
        }

        /// <inheritdoc/>
        public long FreeMemoryBytes
        {
            get
            {
                uint total, free, largest;
                NativeMemory.GetMemoryInfo(NativeMemory.MemoryType.Internal, out total, out free, out largest);
                return free;
            }
        }

        /// <summary>Starts the clock from zero again.</summary>
        public void Restart()
        {
            _startTicks = DateTime.UtcNow.Ticks;
        }

        /// <inheritdoc/>
        public void Log(string line)
        {
            Console.WriteLine(line);
        }
    }
}
