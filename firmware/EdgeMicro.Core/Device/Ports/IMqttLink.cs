using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Runtime;

namespace EdgeMicro.Core.Device.Ports
{
    /// <summary>
    /// The device's MQTT connection (M2Mqtt on the device, EdgeMicro.Mqtt on the desktop). The adapter reconnects
    /// with backoff by itself, restores the subscriptions after reconnecting, and queues received messages for
    /// <see cref="Receive"/>, so the core stays single-threaded. The device adapter keeps that bookkeeping in
    /// <see cref="MqttSession"/>.
    /// </summary>
    public interface IMqttLink
    {
        /// <summary>Gets a value indicating whether the link is connected now.</summary>
        bool IsConnected { get; }

        /// <summary>Subscribes (QoS 1) and keeps the subscription across reconnects.</summary>
        /// <param name="filter">Topic filter.</param>
        void Subscribe(string filter);

        /// <summary>
        /// Publishes with QoS 1 and waits for the broker's acknowledgement, returning within
        /// <see cref="MqttSession.MaxPublishBlockMs"/> (the runtime's step bound <see cref="DeviceRuntime.MaxStepPublishMs"/>
        /// relies on it).
        /// </summary>
        /// <param name="topic">Topic.</param>
        /// <param name="payload">Buffer holding the payload.</param>
        /// <param name="length">Payload length (the first bytes of the buffer).</param>
        /// <param name="retain">RETAIN flag.</param>
        /// <returns>True once acknowledged; false when not connected or not acknowledged in time (the caller keeps it queued).</returns>
        bool Publish(string topic, byte[] payload, int length, bool retain);

        /// <summary>Takes the oldest received message.</summary>
        /// <returns>The message, or null when none is waiting.</returns>
        MqttInbound Receive();
    }
}
