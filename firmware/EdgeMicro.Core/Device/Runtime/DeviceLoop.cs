using EdgeMicro.Core.Device.Ports;

namespace EdgeMicro.Core.Device.Runtime
{
    /// <summary>The firmware's main loop body: one runtime step, then wait until the next due time.</summary>
    public static class DeviceLoop
    {
        /// <summary>Longest light idle, so incoming updates and commands are handled promptly.</summary>
        public const int MaxIdleMs = 50;

        /// <summary>Runs one iteration. With deep sleep configured, the device sleeps only when nothing is pending.</summary>
        /// <param name="runtime">Booted runtime.</param>
        /// <param name="sleeper">Sleep adapter.</param>
        /// <param name="deepSleep">Deep sleep between samples.</param>
        public static void RunOnce(DeviceRuntime runtime, ISleeper sleeper, bool deepSleep)
        {
            runtime.Step();
            int due = runtime.MillisecondsUntilDue();
            if (deepSleep && runtime.CanDeepSleep && due > MaxIdleMs)
            {
                sleeper.DeepSleep(due);
            }
            else if (due > 0)
            {
                sleeper.Idle(due < MaxIdleMs ? due : MaxIdleMs);
            }
        }
    }
}
