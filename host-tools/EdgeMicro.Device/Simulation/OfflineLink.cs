using EdgeMicro.Core.Device.Ports;


namespace EdgeMicro.Device.Simulation;

/// <summary>
/// An <see cref="IMqttLink"/> that is never connected: the runtime runs as on a device without network (nothing is
/// published, the outbox keeps the newest messages, no update arrives over MQTT). Used when the virtual device is
/// reached only over its serial link (<c>edgemicro hil --virtual</c>), so no broker is needed or contacted.
/// </summary>
public sealed class OfflineLink : IMqttLink
{
    /// <inheritdoc/>
    public bool IsConnected => false;

    /// <inheritdoc/>
    public void Subscribe(string filter)
    {
    }

    /// <inheritdoc/>
    public bool Publish(string topic, byte[] payload, int length, bool retain) => false;

    /// <inheritdoc/>
    public MqttInbound? Receive() => null;
}
