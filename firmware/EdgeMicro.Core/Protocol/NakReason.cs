namespace EdgeMicro.Core.Protocol
{
    /// <summary>
    /// Why a frame was rejected: the one-byte payload of a <see cref="MessageType.Nak"/> frame. With
    /// <see cref="BadCrc"/> and <see cref="Incomplete"/> the NAK frame carries the rejected frame's request id (its
    /// header was intact); with <see cref="BadHeader"/> the id is unknown and the NAK frame's id is 0.
    /// </summary>
    public static class NakReason
    {
        /// <summary>The header was intact but the frame CRC did not match.</summary>
        public const int BadCrc = 1;

        /// <summary>The header was intact but the rest of the frame stopped arriving (a byte was lost).</summary>
        public const int Incomplete = 2;

        /// <summary>A frame started (sync bytes) but its header check, version or length was wrong.</summary>
        public const int BadHeader = 3;

        /// <summary>Tells whether a NAK with this reason names the rejected request's id.</summary>
        /// <param name="reason">A reason.</param>
        /// <returns>True for <see cref="BadCrc"/> and <see cref="Incomplete"/>.</returns>
        public static bool NamesRequest(int reason)
        {
            return reason == BadCrc || reason == Incomplete;
        }

        /// <summary>Encodes the NAK frame for a rejection reported by <see cref="FrameDecoder"/>.</summary>
        /// <param name="rejectedId">The rejected request id, or <see cref="FrameDecoder.UnknownId"/>.</param>
        /// <param name="reason">The reason.</param>
        /// <returns>The frame bytes.</returns>
        public static byte[] Frame(int rejectedId, int reason)
        {
            byte[] payload = new byte[1];
            payload[0] = (byte)reason;
            return FrameEncoder.Encode(MessageType.Nak, rejectedId < 0 ? 0 : rejectedId, payload);
        }

        /// <summary>Reads the reason of a NAK payload (0 when the payload is empty).</summary>
        /// <param name="payload">The NAK frame's payload.</param>
        /// <returns>The reason.</returns>
        public static int Of(byte[] payload)
        {
            return payload.Length == 0 ? 0 : payload[0];
        }
    }
}
