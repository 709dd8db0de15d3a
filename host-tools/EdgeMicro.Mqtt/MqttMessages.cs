namespace EdgeMicro.Mqtt;

/// <summary>Will message that the broker publishes if the client disconnects without DISCONNECT (section 3.1.2.5).</summary>
/// <param name="Topic">Will topic, a valid topic name (section 3.1.3.2).</param>
/// <param name="Payload">Will message payload (section 3.1.3.3).</param>
/// <param name="Qos">Will QoS (section 3.1.2.6).</param>
/// <param name="Retain">Will Retain (section 3.1.2.7).</param>
public sealed record MqttWill(
    string Topic,
    byte[] Payload,
    MqttQualityOfService Qos = MqttQualityOfService.AtMostOnce,
    bool Retain = false);

/// <summary>One topic filter with its requested maximum QoS, as carried by SUBSCRIBE (section 3.8.3).</summary>
/// <param name="Filter">Topic filter (section 4.7).</param>
/// <param name="Qos">Requested maximum QoS.</param>
public sealed record MqttTopicSubscription(string Filter, MqttQualityOfService Qos = MqttQualityOfService.AtMostOnce);

/// <summary>An application message received from the broker.</summary>
/// <param name="Topic">Topic name it was published to.</param>
/// <param name="Payload">Payload bytes.</param>
/// <param name="Qos">QoS of this delivery (the minimum of publish and subscription QoS, section 3.8.4).</param>
/// <param name="Retain">True if the broker sent it as a retained message to a new subscription (section 3.3.1.3).</param>
/// <param name="Dup">True if this may be a re-delivery of an earlier attempt (section 3.3.1.1).</param>
public sealed record MqttApplicationMessage(
    string Topic,
    byte[] Payload,
    MqttQualityOfService Qos,
    bool Retain,
    bool Dup);

/// <summary>Data of the <c>MessageReceived</c> events.</summary>
/// <param name="message">The received message.</param>
public sealed class MqttMessageReceivedEventArgs(MqttApplicationMessage message) : EventArgs
{
    /// <summary>The received message.</summary>
    public MqttApplicationMessage Message { get; } = message;
}

/// <summary>Data of the <c>ConnectionLost</c> events.</summary>
/// <param name="reason">Why the connection ended (an <see cref="MqttException"/> or the I/O error).</param>
public sealed class MqttConnectionLostEventArgs(Exception reason) : EventArgs
{
    /// <summary>Why the connection ended.</summary>
    public Exception Reason { get; } = reason;
}

/// <summary>Data of <see cref="ReconnectingMqttClient.Connected"/>.</summary>
/// <param name="sessionPresent">CONNACK Session Present flag (section 3.2.2.2).</param>
/// <param name="isReconnect">False for the first connection, true after a loss.</param>
public sealed class MqttConnectedEventArgs(bool sessionPresent, bool isReconnect) : EventArgs
{
    /// <summary>CONNACK Session Present flag (section 3.2.2.2).</summary>
    public bool SessionPresent { get; } = sessionPresent;

    /// <summary>False for the first connection, true after a loss.</summary>
    public bool IsReconnect { get; } = isReconnect;
}
