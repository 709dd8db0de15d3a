namespace EdgeMicro.Core.Protocol
{
    /// <summary>One decoded frame of the serial link (<see cref="FrameFormat"/>).</summary>
    public sealed class Frame
    {
        /// <summary>Initializes a new instance of the <see cref="Frame"/> class.</summary>
        /// <param name="type">Message type.</param>
        /// <param name="requestId">Request id.</param>
        /// <param name="payload">Payload bytes (never null).</param>
        /// <param name="crc">The frame's CRC (identifies a repeated request).</param>
        public Frame(int type, int requestId, byte[] payload, uint crc)
        {
            Type = type;
            RequestId = requestId;
            Payload = payload;
            Crc = crc;
        }

        /// <summary>Gets the message type.</summary>
        public int Type { get; private set; }

        /// <summary>Gets the request id.</summary>
        public int RequestId { get; private set; }

        /// <summary>Gets the payload.</summary>
        public byte[] Payload { get; private set; }

        /// <summary>Gets the frame CRC.</summary>
        public uint Crc { get; private set; }
    }
}
