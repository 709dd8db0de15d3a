namespace EdgeMicro.Messaging;

/// <summary>How a <see cref="BrokerConnection"/> reaches its broker and keeps its session.</summary>
public sealed record BrokerOptions
{
    /// <summary>Gets the broker host.</summary>
    public required string Host { get; init; }

    /// <summary>Gets the broker port.</summary>
    public int Port { get; init; } = 1883;

    /// <summary>Gets the MQTT client id (the key of a persistent session).</summary>
    public required string ClientId { get; init; }

    /// <summary>Gets a value indicating whether the broker keeps the session between connections (clean session off).</summary>
    public bool PersistentSession { get; init; } = true;

    /// <summary>Gets the keep-alive period.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Gets the user name, or null.</summary>
    public string? User { get; init; }

    /// <summary>Gets the password, or null.</summary>
    public string? Password { get; init; }

    /// <summary>Gets the topic of the retained QoS 1 will, or null for none.</summary>
    public string? WillTopic { get; init; }

    /// <summary>Gets the payload of the will.</summary>
    public byte[] WillPayload { get; init; } = [];

    /// <summary>Gets a value indicating whether received messages are acknowledged (PUBACK) only by <see cref="BrokerMessage.AcknowledgeAsync"/>.</summary>
    public bool ManualAcknowledgement { get; init; }

    /// <summary>Gets the time one connection attempt may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets the first reconnection delay (doubled after each failed attempt).</summary>
    public TimeSpan InitialBackoff { get; init; } = TimeSpan.FromMilliseconds(100);

    /// <summary>Gets the longest reconnection delay.</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);
}
