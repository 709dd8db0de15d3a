namespace EdgeMicro.Mqtt;

/// <summary>Quality of service levels supported by this client (MQTT 3.1.1 section 4.3; QoS 2 is not supported).</summary>
public enum MqttQualityOfService : byte
{
    /// <summary>QoS 0: fire and forget, the message is delivered at most once (section 4.3.1).</summary>
    AtMostOnce = 0,

    /// <summary>QoS 1: acknowledged with PUBACK, the message is delivered at least once (section 4.3.2).</summary>
    AtLeastOnce = 1,
}

/// <summary>CONNACK return codes (MQTT 3.1.1 section 3.2.2.3, table 3.1).</summary>
public enum MqttConnectReturnCode : byte
{
    /// <summary>0x00: connection accepted.</summary>
    Accepted = 0,

    /// <summary>0x01: the server does not support the level of the MQTT protocol requested.</summary>
    UnacceptableProtocolVersion = 1,

    /// <summary>0x02: the client identifier is correct UTF-8 but not allowed by the server.</summary>
    IdentifierRejected = 2,

    /// <summary>0x03: the network connection has been made but the MQTT service is unavailable.</summary>
    ServerUnavailable = 3,

    /// <summary>0x04: the data in the user name or password is malformed.</summary>
    BadUsernameOrPassword = 4,

    /// <summary>0x05: the client is not authorized to connect.</summary>
    NotAuthorized = 5,
}

/// <summary>SUBACK return codes, one per requested topic filter (MQTT 3.1.1 section 3.9.3).</summary>
public enum MqttSubscribeReturnCode : byte
{
    /// <summary>0x00: success, maximum QoS 0 granted.</summary>
    GrantedQoS0 = 0x00,

    /// <summary>0x01: success, maximum QoS 1 granted.</summary>
    GrantedQoS1 = 0x01,

    /// <summary>0x02: success, maximum QoS 2 granted (never requested by this client).</summary>
    GrantedQoS2 = 0x02,

    /// <summary>0x80: the server refused the subscription.</summary>
    Failure = 0x80,
}

/// <summary>What went wrong, carried by <see cref="MqttException.Kind"/>.</summary>
public enum MqttErrorKind
{
    /// <summary>Bytes received do not form a valid MQTT packet (section 4.8 "malformed Control Packet").</summary>
    MalformedPacket,

    /// <summary>A well-formed packet that the protocol does not allow here (section 4.8 "protocol violation").</summary>
    ProtocolViolation,

    /// <summary>The TCP connection to the broker could not be opened.</summary>
    ConnectionFailed,

    /// <summary>The broker answered CONNECT with a non-zero CONNACK return code (section 3.2.2.3).</summary>
    ConnectionRefused,

    /// <summary>An expected acknowledgement (CONNACK, PUBACK, SUBACK, UNSUBACK, PINGRESP) did not arrive in time.</summary>
    Timeout,

    /// <summary>The network connection was lost or closed while an operation was pending.</summary>
    ConnectionLost,

    /// <summary>The operation needs a connected client.</summary>
    NotConnected,

    /// <summary>All 65535 packet identifiers are in use (section 2.3.1).</summary>
    PacketIdentifiersExhausted,
}
