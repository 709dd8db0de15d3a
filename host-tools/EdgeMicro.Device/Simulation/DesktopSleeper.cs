using EdgeMicro.Core.Device;

namespace EdgeMicro.Device.Simulation;

/// <summary>Idle waits that end early on cancellation; deep sleep is simulated as a logged idle (no reboot).</summary>
public sealed class DesktopSleeper(CancellationToken stop, Action<string> log) : ISleeper
{
    /// <inheritdoc/>
    public void Idle(int ms) => stop.WaitHandle.WaitOne(ms);

    /// <inheritdoc/>
    public void DeepSleep(int ms)
    {
        log($"deep sleep {ms} ms (simulated: idle, the process keeps its state)");
        Idle(ms);
    }
}
