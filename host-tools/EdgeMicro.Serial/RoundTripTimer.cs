using EdgeMicro.Core.Protocol;

namespace EdgeMicro.Serial;

/// <summary>
/// Adaptive response timeout of one request type, from measured round trips (RFC 6298: smoothed round trip plus
/// four deviations, measured from the last send of each request). A type not measured yet waits four times the
/// timeout of all types together (<see cref="DeviceClient"/>). Before the first
/// measurement, and as a ceiling, it waits the configured timeout; never less than
/// <see cref="FrameFormat.HostIncompleteFrameMs"/> plus the device's silence before it NAKs a truncated frame
/// (<see cref="FrameFormat.IncompleteFrameMs"/>). Each
/// timeout in a row adds the base wait once more, up to the ceiling.
/// </summary>
public sealed class RoundTripTimer
{
    /// <summary>Shortest timeout in milliseconds.</summary>
    public const int FloorMs = FrameFormat.HostIncompleteFrameMs + FrameFormat.IncompleteFrameMs;

    private readonly int _ceilingMs;
    private double _smoothed = -1;
    private double _deviation;

    /// <summary>Initializes a new instance of the <see cref="RoundTripTimer"/> class.</summary>
    /// <param name="ceilingMs">The initial and largest timeout.</param>
    public RoundTripTimer(int ceilingMs)
    {
        _ceilingMs = Math.Max(1, ceilingMs);
    }

    /// <summary>Gets the number of round trips measured.</summary>
    public int Samples { get; private set; }

    /// <summary>Gets the smoothed round trip in milliseconds, or -1 before the first measurement.</summary>
    public double SmoothedMs => _smoothed;

    /// <summary>Adds a measured round trip.</summary>
    /// <param name="ms">Milliseconds from sending the request to its response.</param>
    public void Add(double ms)
    {
        if (_smoothed < 0)
        {
            _smoothed = ms;
            _deviation = ms / 2;
        }
        else
        {
            _deviation = (0.75 * _deviation) + (0.25 * Math.Abs(_smoothed - ms));
            _smoothed = (0.875 * _smoothed) + (0.125 * ms);
        }

        Samples++;
    }

    /// <summary>Gets the timeout of the next attempt.</summary>
    /// <param name="timeoutsInARow">Timeouts of this request so far (each adds the base timeout once: a serial link
    /// has no congestion to back off from, only a round trip that may have been underestimated).</param>
    /// <param name="factor">Multiplies the base timeout (a request type borrowing another type's measurements).</param>
    /// <returns>Milliseconds.</returns>
    public int TimeoutMs(int timeoutsInARow, int factor = 1)
    {
        if (_smoothed < 0)
        {
            return _ceilingMs;
        }

        double rto = Math.Max(FloorMs, _smoothed + Math.Max(10, 4 * _deviation)) * factor * (1 + Math.Min(timeoutsInARow, 1000));
        return (int)Math.Min(_ceilingMs, Math.Ceiling(rto));
    }
}
