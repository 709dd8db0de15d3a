using System.Diagnostics;
using EdgeMicro.Core.Device.Ports;

namespace EdgeMicro.Device.Simulation;

/// <summary>Clock since start, managed memory figures and a log with the device id as prefix.</summary>
public sealed class DesktopPlatform(string deviceId, TextWriter? log) : IRuntimePlatform
{
    private static readonly Lock LogGate = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    /// <inheritdoc/>
    public long NowMs => _clock.ElapsedMilliseconds;

    /// <summary>Free managed memory of the process (the desktop has no device heap to report).</summary>
    public long FreeMemoryBytes => Math.Max(0, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes - GC.GetTotalMemory(false));

    /// <inheritdoc/>
    public void Log(string line)
    {
        if (log is null)
        {
            return;
        }

        lock (LogGate)
        {
            log.WriteLine($"[{deviceId} {NowMs,7} ms] {line}");
        }
    }
}
