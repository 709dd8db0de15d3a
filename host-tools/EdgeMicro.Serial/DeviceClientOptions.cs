namespace EdgeMicro.Serial;

/// <summary>Timeouts, retries and chunking of <see cref="DeviceClient"/>.</summary>
public sealed class DeviceClientOptions
{
    /// <summary>Gets or sets the timeout per attempt in milliseconds before any round trip was measured, and the
    /// longest wait of any attempt (once round trips are measured the timeout adapts, <see cref="RoundTripTimer"/>); the
    /// last retransmission always waits this long, so a request fails only after this much silence.</summary>
    public int TimeoutMs { get; set; } = 1000;

    /// <summary>Gets or sets the timeout of PUT_MODEL commit (the device parses and self-tests the model).</summary>
    public int CommitTimeoutMs { get; set; } = 15000;

    /// <summary>Gets or sets the retransmissions after a timeout.</summary>
    public int Retries { get; set; } = 3;

    /// <summary>Gets or sets the immediate retransmissions of one request after a NAK or a corrupted or truncated
    /// response (they cost a round trip, not a timeout).</summary>
    public int FastResends { get; set; } = 20;

    /// <summary>Gets or sets the model chunk size in bytes (smaller chunks survive noisy links better).</summary>
    public int ChunkSize { get; set; } = 256;
}
