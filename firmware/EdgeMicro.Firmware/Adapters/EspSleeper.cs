using System.Threading;
using System;
using EdgeMicro.Core.Device.Ports;
using nanoFramework.Hardware.Esp32;

namespace EdgeMicro.Firmware.Adapters
{
    /// <summary>Light idle with Thread.Sleep; deep sleep with the ESP32 timer wake-up (the wake-up is a reboot).</summary>
    public sealed class EspSleeper : ISleeper
    {
        private readonly IRuntimePlatform _platform;

        /// <summary>Initializes a new instance of the <see cref="EspSleeper"/> class.</summary>
        /// <param name="platform">For logging.</param>
        public EspSleeper(IRuntimePlatform platform)
        {
            _platform = platform;
        }

        /// <inheritdoc/>
        public void Idle(int ms)
        {
            Thread.Sleep(ms);
        }

        /// <inheritdoc/>
        public void DeepSleep(int ms)
        {
            EspNativeError error = Sleep.EnableWakeupByTimer(new TimeSpan(ms * TimeSpan.TicksPerMillisecond));
            if (error != EspNativeError.OK)
            {
                _platform.Log("deep sleep unavailable, idling");
                Thread.Sleep(ms);
                return;
            }

            Sleep.StartDeepSleep();
        }
    }
}
