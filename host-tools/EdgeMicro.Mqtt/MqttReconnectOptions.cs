namespace EdgeMicro.Mqtt;

/// <summary>Backoff settings of <see cref="ReconnectingMqttClient"/>.</summary>
public sealed record MqttReconnectOptions
{
    /// <summary>Delay before the first reconnect attempt after a loss.</summary>
    public TimeSpan InitialDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of the delay between attempts.</summary>
    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Factor applied to the delay after each failed attempt (exponential backoff).</summary>
    public double Multiplier { get; init; } = 2.0;

    /// <summary>Random spread applied to each delay, as a fraction (0.2 = plus or minus 20 %), so clients do not reconnect in lockstep.</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>The delay before attempt number <paramref name="attempt"/> (0-based), before jitter.</summary>
    /// <param name="attempt">Number of failed attempts so far.</param>
    /// <returns>min(MaxDelay, InitialDelay * Multiplier^attempt).</returns>
    public TimeSpan DelayFor(int attempt)
    {
        double ms = InitialDelay.TotalMilliseconds * Math.Pow(Multiplier, Math.Min(attempt, 64));
        return TimeSpan.FromMilliseconds(Math.Min(ms, MaxDelay.TotalMilliseconds));
    }

    /// <summary>Throws <see cref="ArgumentException"/> on nonsensical values.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(InitialDelay, TimeSpan.Zero, nameof(InitialDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxDelay, InitialDelay, nameof(MaxDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(Multiplier, 1.0, nameof(Multiplier));
        ArgumentOutOfRangeException.ThrowIfNegative(Jitter, nameof(Jitter));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Jitter, 1.0, nameof(Jitter));
    }
}
