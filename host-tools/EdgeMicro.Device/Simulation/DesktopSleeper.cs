using EdgeMicro.Core.Device.Ports;


namespace EdgeMicro.Device.Simulation;

/// <summary>
/// Idle waits that end early on cancellation or when <paramref name="wake"/> is signalled (serial bytes arrived, as a
/// UART interrupt would wake the device); deep sleep is simulated as a logged idle (no reboot).
/// </summary>
/// <param name="stop">Ends every wait.</param>
/// <param name="log">Device log.</param>
/// <param name="wake">Ends an idle wait early, or null.</param>
public sealed class DesktopSleeper(CancellationToken stop, Action<string> log, WaitHandle? wake = null) : ISleeper
{
    /// <inheritdoc/>
    public void Idle(int ms)
    {
        if (wake is null)
        {
            stop.WaitHandle.WaitOne(ms);
        }
        else
        {
            WaitHandle.WaitAny([stop.WaitHandle, wake], ms);
        }
    }

    /// <inheritdoc/>
    public void DeepSleep(int ms)
    {
        log($"deep sleep {ms} ms (simulated: idle, the process keeps its state)");
        Idle(ms);
    }
}
