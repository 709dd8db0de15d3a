namespace EdgeMicro.Mqtt.Packets;

/// <summary>MQTT control packet types, the high nibble of the fixed header (MQTT 3.1.1 section 2.2.1, table 2.1).</summary>
public enum MqttPacketType : byte
{
    /// <summary>1: client request to connect to the server.</summary>
    Connect = 1,

    /// <summary>2: connect acknowledgment.</summary>
    ConnAck = 2,

    /// <summary>3: publish message.</summary>
    Publish = 3,

    /// <summary>4: publish acknowledgment (QoS 1).</summary>
    PubAck = 4,

    /// <summary>5: publish received (QoS 2, not supported).</summary>
    PubRec = 5,

    /// <summary>6: publish release (QoS 2, not supported).</summary>
    PubRel = 6,

    /// <summary>7: publish complete (QoS 2, not supported).</summary>
    PubComp = 7,

    /// <summary>8: client subscribe request.</summary>
    Subscribe = 8,

    /// <summary>9: subscribe acknowledgment.</summary>
    SubAck = 9,

    /// <summary>10: unsubscribe request.</summary>
    Unsubscribe = 10,

    /// <summary>11: unsubscribe acknowledgment.</summary>
    UnsubAck = 11,

    /// <summary>12: PING request.</summary>
    PingReq = 12,

    /// <summary>13: PING response.</summary>
    PingResp = 13,

    /// <summary>14: client is disconnecting.</summary>
    Disconnect = 14,
}

/// <summary>Base of all decoded/encodable MQTT 3.1.1 control packets.</summary>
public abstract record MqttPacket
{
    /// <summary>The packet type of the fixed header.</summary>
    public abstract MqttPacketType Type { get; }
}

/// <summary>CONNECT (section 3.1): protocol name "MQTT", protocol level 4.</summary>
public sealed record MqttConnectPacket : MqttPacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.Connect;

    /// <summary>Client identifier (section 3.1.3.1); may be empty only with <see cref="CleanSession"/>.</summary>
    public required string ClientId { get; init; }

    /// <summary>Clean Session flag (section 3.1.2.4).</summary>
    public bool CleanSession { get; init; } = true;

    /// <summary>Keep alive in seconds, 0 disables it (section 3.1.2.10).</summary>
    public ushort KeepAliveSeconds { get; init; }

    /// <summary>User name (section 3.1.3.4), or null.</summary>
    public string? Username { get; init; }

    /// <summary>Password as binary data (section 3.1.3.5), or null; requires <see cref="Username"/> (MQTT-3.1.2-22).</summary>
    public byte[]? Password { get; init; }

    /// <summary>Will message (sections 3.1.2.5 - 3.1.2.7, 3.1.3.2 - 3.1.3.3), or null.</summary>
    public MqttWill? Will { get; init; }
}

/// <summary>CONNACK (section 3.2).</summary>
/// <param name="SessionPresent">Session Present flag (section 3.2.2.2).</param>
/// <param name="ReturnCode">Connect return code (section 3.2.2.3).</param>
public sealed record MqttConnAckPacket(bool SessionPresent, MqttConnectReturnCode ReturnCode) : MqttPacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.ConnAck;
}

/// <summary>PUBLISH (section 3.3).</summary>
public sealed record MqttPublishPacket : MqttPacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.Publish;

    /// <summary>Topic name, without wildcards (section 3.3.2.1).</summary>
    public required string Topic { get; init; }

    /// <summary>Application payload (section 3.3.3); may be empty.</summary>
    public byte[] Payload { get; init; } = [];

    /// <summary>QoS level (section 3.3.1.2).</summary>
    public MqttQualityOfService Qos { get; init; }

    /// <summary>RETAIN flag (section 3.3.1.3).</summary>
    public bool Retain { get; init; }

    /// <summary>DUP flag: this is a re-delivery (section 3.3.1.1); must be false for QoS 0.</summary>
    public bool Dup { get; init; }

    /// <summary>Packet identifier, non-zero for QoS 1 and absent (0) for QoS 0 (section 3.3.2.2).</summary>
    public ushort PacketId { get; init; }
}

/// <summary>PUBACK (section 3.4).</summary>
/// <param name="PacketId">Identifier of the acknowledged PUBLISH.</param>
public sealed record MqttPubAckPacket(ushort PacketId) : MqttPacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.PubAck;
}

/// <summary>SUBSCRIBE (section 3.8).</summary>
/// <param name="PacketId">Non-zero packet identifier (section 3.8.2).</param>
/// <param name="Subscriptions">At least one filter (MQTT-3.8.3-3).</param>
public sealed record MqttSubscribePacket(ushort PacketId, IReadOnlyList<MqttTopicSubscription> Subscriptions) : MqttPacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.Subscribe;
}

/// <summary>SUBACK (section 3.9).</summary>
/// <param name="PacketId">Identifier of the acknowledged SUBSCRIBE.</param>
/// <param name="ReturnCodes">One return code per requested filter, in order (MQTT-3.9.3-1).</param>
public sealed record MqttSubAckPacket(ushort PacketId, IReadOnlyList<MqttSubscribeReturnCode> ReturnCodes) : MqttPacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.SubAck;
}

/// <summary>UNSUBSCRIBE (section 3.10).</summary>
/// <param name="PacketId">Non-zero packet identifier (section 3.10.2).</param>
/// <param name="Filters">At least one topic filter (MQTT-3.10.3-2).</param>
public sealed record MqttUnsubscribePacket(ushort PacketId, IReadOnlyList<string> Filters) : MqttPacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.Unsubscribe;
}

/// <summary>UNSUBACK (section 3.11).</summary>
/// <param name="PacketId">Identifier of the acknowledged UNSUBSCRIBE.</param>
public sealed record MqttUnsubAckPacket(ushort PacketId) : MqttPacket
{
    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.UnsubAck;
}

/// <summary>PINGREQ (section 3.12).</summary>
public sealed record MqttPingReqPacket : MqttPacket
{
    /// <summary>The only instance needed.</summary>
    public static readonly MqttPingReqPacket Instance = new();

    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.PingReq;
}

/// <summary>PINGRESP (section 3.13).</summary>
public sealed record MqttPingRespPacket : MqttPacket
{
    /// <summary>The only instance needed.</summary>
    public static readonly MqttPingRespPacket Instance = new();

    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.PingResp;
}

/// <summary>DISCONNECT (section 3.14).</summary>
public sealed record MqttDisconnectPacket : MqttPacket
{
    /// <summary>The only instance needed.</summary>
    public static readonly MqttDisconnectPacket Instance = new();

    /// <inheritdoc />
    public override MqttPacketType Type => MqttPacketType.Disconnect;
}
