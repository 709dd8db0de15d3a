namespace EdgeMicro.Core.Device.Ports
{
    /// <summary>A message received on a subscribed topic.</summary>
    public sealed class MqttInbound
    {
        /// <summary>Initializes a new instance of the <see cref="MqttInbound"/> class.</summary>
        /// <param name="topic">Topic name.</param>
        /// <param name="payload">Payload bytes.</param>
        public MqttInbound(string topic, byte[] payload)
        {
            Topic = topic;
            Payload = payload;
        }

        /// <summary>Gets the topic name.</summary>
        public string Topic { get; private set; }

        /// <summary>Gets the payload.</summary>
        public byte[] Payload { get; private set; }
    }
}
