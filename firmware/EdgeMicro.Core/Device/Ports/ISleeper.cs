namespace EdgeMicro.Core.Device.Ports
{
    /// <summary>Waiting between loop iterations: light idle, or ESP32 deep sleep with timer wake-up (which reboots).</summary>
    public interface ISleeper
    {
        /// <summary>Waits, staying awake (MQTT keeps running).</summary>
        /// <param name="ms">Milliseconds.</param>
        void Idle(int ms);

        /// <summary>Enters deep sleep; on the device this does not return (wake-up is a reboot).</summary>
        /// <param name="ms">Milliseconds until the timer wakes the device.</param>
        void DeepSleep(int ms);
    }
}
