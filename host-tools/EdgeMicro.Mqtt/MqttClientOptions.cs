using System.Text;

namespace EdgeMicro.Mqtt;

/// <summary>Connection settings of <see cref="MqttClient"/> and <see cref="ReconnectingMqttClient"/>.</summary>
public sealed record MqttClientOptions
{
    /// <summary>Broker host name or IP address.</summary>
    public required string Host { get; init; }

    /// <summary>Broker TCP port (1883 is the IANA port for MQTT without TLS).</summary>
    public int Port { get; init; } = 1883;

    /// <summary>
    /// Client identifier (section 3.1.3.1). Brokers must accept 1 to 23 characters of [0-9a-zA-Z]; an empty id asks
    /// the broker to assign one and requires <see cref="CleanSession"/>.
    /// </summary>
    public string ClientId { get; init; } = "";

    /// <summary>
    /// Clean Session (section 3.1.2.4): true discards any previous session; false resumes it, so the broker keeps
    /// subscriptions and queues QoS 1 messages while the client is away.
    /// </summary>
    public bool CleanSession { get; init; } = true;

    /// <summary>
    /// Keep-alive interval in seconds (section 3.1.2.10); the client sends PINGREQ when it has sent nothing else for
    /// that long. 0 disables keep-alive.
    /// </summary>
    public ushort KeepAliveSeconds { get; init; } = 60;

    /// <summary>Optional user name (section 3.1.3.4).</summary>
    public string? Username { get; init; }

    /// <summary>Optional password (section 3.1.3.5), sent as UTF-8; requires <see cref="Username"/>.</summary>
    public string? Password { get; init; }

    /// <summary>Optional will message (section 3.1.2.5).</summary>
    public MqttWill? Will { get; init; }

    /// <summary>How long to wait for the TCP connection and the CONNACK.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long to wait for PUBACK, SUBACK, UNSUBACK and PINGRESP.</summary>
    public TimeSpan OperationTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest incoming packet body accepted; bigger packets close the connection.</summary>
    public int MaxIncomingPacketSize { get; init; } = 1 << 20;

    /// <summary>Throws <see cref="ArgumentException"/> if the settings cannot produce a valid CONNECT.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(Host, nameof(Host));
        ArgumentOutOfRangeException.ThrowIfLessThan(Port, 1, nameof(Port));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Port, 65535, nameof(Port));
        ArgumentNullException.ThrowIfNull(ClientId, nameof(ClientId));
        if (ClientId.Length == 0 && !CleanSession)
        {
            throw new ArgumentException("An empty ClientId requires CleanSession = true (MQTT-3.1.3-7).", nameof(ClientId));
        }

        if (Password is not null && Username is null)
        {
            throw new ArgumentException("A Password requires a Username (MQTT-3.1.2-22).", nameof(Password));
        }

        if (Will is not null)
        {
            MqttTopic.ValidateTopicName(Will.Topic, nameof(Will));
        }

        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(OperationTimeout, TimeSpan.Zero, nameof(OperationTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxIncomingPacketSize, 2, nameof(MaxIncomingPacketSize));
    }

    /// <summary>Keeps <see cref="Password"/> out of <c>ToString()</c> (and so out of logs).</summary>
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"Host = {Host}, Port = {Port}, ClientId = {ClientId}, CleanSession = {CleanSession}, ");
        builder.Append($"KeepAliveSeconds = {KeepAliveSeconds}, Username = {Username}, Password = {(Password is null ? "" : "***")}, ");
        builder.Append($"Will = {Will?.Topic}, ConnectTimeout = {ConnectTimeout}, OperationTimeout = {OperationTimeout}");
        return true;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the list is a valid SUBSCRIBE payload for this client.</summary>
    internal static void ValidateSubscriptions(IReadOnlyList<MqttTopicSubscription> subscriptions)
    {
        ArgumentNullException.ThrowIfNull(subscriptions);

        // Section 3.8.3 [MQTT-3.8.3-3]: at least one topic filter.
        if (subscriptions.Count == 0)
        {
            throw new ArgumentException("At least one topic filter is required (MQTT-3.8.3-3).", nameof(subscriptions));
        }

        foreach (MqttTopicSubscription s in subscriptions)
        {
            MqttTopic.ValidateTopicFilter(s.Filter, nameof(subscriptions));
            if (s.Qos is not (MqttQualityOfService.AtMostOnce or MqttQualityOfService.AtLeastOnce))
            {
                throw new ArgumentOutOfRangeException(nameof(subscriptions), s.Qos, "Only QoS 0 and 1 are supported.");
            }
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless the list is a valid UNSUBSCRIBE payload.</summary>
    internal static void ValidateFilters(IReadOnlyList<string> filters)
    {
        ArgumentNullException.ThrowIfNull(filters);

        // Section 3.10.3 [MQTT-3.10.3-2]: at least one topic filter.
        if (filters.Count == 0)
        {
            throw new ArgumentException("At least one topic filter is required (MQTT-3.10.3-2).", nameof(filters));
        }

        foreach (string filter in filters)
        {
            MqttTopic.ValidateTopicFilter(filter, nameof(filters));
        }
    }
}
