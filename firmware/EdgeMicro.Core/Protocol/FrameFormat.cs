namespace EdgeMicro.Core.Protocol
{
    /// <summary>
    /// Framing of the serial test-rig link (the device's second UART; the USB port belongs to nanoFramework's
    /// debugger). Version 1, little-endian:
    /// <code>
    /// offset size field
    /// 0      2    sync 0xA5 0x5A
    /// 2      1    protocol version (1)
    /// 3      1    message type (<see cref="MessageType"/>)
    /// 4      2    request id (the response echoes the request's id)
    /// 6      2    payload length n (0..MaxPayload)
    /// 8      1    header check: low byte of CRC-32 over bytes 2..7
    /// 9      n    payload
    /// 9+n    4    CRC-32 (zlib, <see cref="EdgeMicro.Core.Checksums.Crc32"/>) over bytes 2..8+n
    /// </code>
    /// No byte stuffing: the decoder resynchronizes with length + CRC. A frame whose header check, version, length or
    /// CRC is wrong is dropped, and the search for the next sync pattern restarts one byte after the bad frame's first
    /// byte, so a frame that started inside garbage or a truncated frame is still found. The header check rejects a
    /// corrupted length at once instead of waiting for bytes that never come. Request/response with retries; the
    /// device answers a repeated request (same id and CRC) with its cached response, so retried requests are
    /// idempotent. Negative acknowledgement: the device answers a candidate frame it rejects with a
    /// <see cref="MessageType.Nak"/> (naming the request id when the header was intact), also when a frame's bytes
    /// stop arriving for <see cref="IncompleteFrameMs"/> (a dropped byte); the host resends at once on a NAK, on a
    /// corrupted or truncated (<see cref="HostIncompleteFrameMs"/>) response to its request, and only a frame lost whole costs a timeout (adaptive, from
    /// measured round trips).
    /// </summary>
    public static class FrameFormat
    {
        /// <summary>First sync byte.</summary>
        public const int Sync0 = 0xA5;

        /// <summary>Second sync byte.</summary>
        public const int Sync1 = 0x5A;

        /// <summary>Protocol version written and accepted.</summary>
        public const int Version = 1;

        /// <summary>Bytes before the payload.</summary>
        public const int HeaderLength = 9;

        /// <summary>Bytes of framing around the payload (header and CRC).</summary>
        public const int Overhead = HeaderLength + 4;

        /// <summary>Largest payload of one frame.</summary>
        public const int MaxPayload = 1024;

        /// <summary>Silence in milliseconds after which the device gives up a partly received frame as incomplete (a
        /// lost byte) and NAKs it. Towards the device the bytes of one frame arrive back to back (a USB-UART bridge
        /// sends the host's write in 1 ms USB frames), so a few milliseconds of silence mean the sender is done.</summary>
        public const int IncompleteFrameMs = 10;

        /// <summary>Silence in milliseconds after which the host gives up a partly received response: longer than a
        /// USB-UART bridge's latency timer (16 ms on FTDI), so a response is not cut between two USB packets.</summary>
        public const int HostIncompleteFrameMs = 20;

        /// <summary>Largest frame.</summary>
        public const int MaxFrame = MaxPayload + Overhead;
    }
}
