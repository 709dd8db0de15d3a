using EdgeMicro.Core.Device.Messaging;

namespace EdgeMicro.Core.Protocol
{
    /// <summary>
    /// Message types of the serial link. Requests are 0x01..0x7F; a response has the request's type with bit 7 set,
    /// or is <see cref="Error"/>. Payloads (little-endian, strings as u16 byte count + UTF-8):
    /// <code>
    /// HELLO           -                          INFO       see <see cref="DeviceInfo"/>
    /// INFER           packed raw sample (<see cref="SamplePayload"/>)    INFER_RESULT see <see cref="InferenceReply"/>
    /// GET_STATS       -                          STATS      opaque statistics bytes (device statistics format)
    /// RESET_STATS     -                          ACK        u32 0
    /// GET_SAMPLES     u16 max samples            SAMPLES    opaque sample-buffer bytes
    /// PUT_MODEL_BEGIN u32 size, u32 CRC-32       ACK        u32 bytes received (0)
    /// PUT_MODEL_CHUNK u32 offset, bytes          ACK        u32 bytes received so far
    /// PUT_MODEL_COMMIT -                         MODEL_ACTIVATED string model id, u32 version, u32 model CRC
    /// any             ...                        ERROR      u16 code (<see cref="ErrorCode"/>), string message
    /// (a bad frame)   -                          NAK        u8 reason (<see cref="NakReason"/>); the rejected request's id when known
    /// </code>
    /// </summary>
    public static class MessageType
    {
        /// <summary>Asks for the device description.</summary>
        public const int Hello = 0x01;

        /// <summary>Runs one inference on a raw input vector.</summary>
        public const int Infer = 0x02;

        /// <summary>Asks for the device statistics.</summary>
        public const int GetStats = 0x03;

        /// <summary>Clears the device statistics.</summary>
        public const int ResetStats = 0x04;

        /// <summary>Asks for buffered samples.</summary>
        public const int GetSamples = 0x05;

        /// <summary>Starts a model upload; the payload is the signed update manifest (<see cref="EdgeMicro.Core.Device.Update.UpdateMessages"/>).</summary>
        public const int PutModelBegin = 0x06;

        /// <summary>Carries one chunk of a model upload.</summary>
        public const int PutModelChunk = 0x07;

        /// <summary>Verifies and activates the uploaded model.</summary>
        public const int PutModelCommit = 0x08;

        /// <summary>Bit set on every response type.</summary>
        public const int ResponseBit = 0x80;

        /// <summary>Response to <see cref="Hello"/>.</summary>
        public const int Info = Hello | ResponseBit;

        /// <summary>Response to <see cref="Infer"/>.</summary>
        public const int InferResult = Infer | ResponseBit;

        /// <summary>Response to <see cref="GetStats"/>.</summary>
        public const int Stats = GetStats | ResponseBit;

        /// <summary>Response to <see cref="GetSamples"/>.</summary>
        public const int Samples = GetSamples | ResponseBit;

        /// <summary>Response to <see cref="PutModelCommit"/> when the new model is active.</summary>
        public const int ModelActivated = PutModelCommit | ResponseBit;

        /// <summary>Negative acknowledgement: the device received a frame it could not accept (u8
        /// <see cref="NakReason"/>); the sender resends at once instead of waiting out its timeout.</summary>
        public const int Nak = 0xFD;

        /// <summary>Generic acknowledgement (u32 value).</summary>
        public const int Ack = 0xFE;

        /// <summary>The request failed (u16 code, string message).</summary>
        public const int Error = 0xFF;
    }
}
