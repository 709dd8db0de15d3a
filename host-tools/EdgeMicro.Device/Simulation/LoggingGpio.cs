using System.Collections.Concurrent;
using EdgeMicro.Core.Device.Ports;

namespace EdgeMicro.Device.Simulation;

/// <summary>Simulated GPIO: remembers pin levels and logs every change.</summary>
public sealed class LoggingGpio(Action<string> log) : IGpioOutputs
{
    private readonly ConcurrentDictionary<int, bool> _pins = new();

    /// <summary>Number of level changes so far.</summary>
    public int Changes { get; private set; }

    /// <summary>Current level of a pin (false if never written).</summary>
    /// <param name="pin">Pin.</param>
    /// <returns>True for high.</returns>
    public bool Level(int pin) => _pins.TryGetValue(pin, out bool high) && high;

    /// <inheritdoc/>
    public void Write(int pin, bool high)
    {
        if (_pins.TryGetValue(pin, out bool old) && old == high)
        {
            return;
        }

        _pins[pin] = high;
        Changes++;
        log($"gpio {pin} -> {(high ? "high" : "low")}");
    }
}
