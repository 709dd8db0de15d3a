using System;
using EdgeMicro.Core.Checksums;

namespace EdgeMicro.Core.Protocol
{
    /// <summary>Builds frames (<see cref="FrameFormat"/>).</summary>
    public static class FrameEncoder
    {
        /// <summary>Encodes a frame.</summary>
        /// <param name="type">Message type (0..255).</param>
        /// <param name="requestId">Request id (0..65535).</param>
        /// <param name="payload">Payload bytes, or null for none.</param>
        /// <param name="offset">First payload byte.</param>
        /// <param name="count">Payload length (at most <see cref="FrameFormat.MaxPayload"/>).</param>
        /// <returns>The frame bytes.</returns>
        public static byte[] Encode(int type, int requestId, byte[] payload, int offset, int count)
        {
            if (count < 0 || count > FrameFormat.MaxPayload)
            {
                throw new InvalidOperationException("frame payload of " + count.ToString() + " bytes exceeds " + FrameFormat.MaxPayload.ToString());
            }

            byte[] frame = new byte[count + FrameFormat.Overhead];
            frame[0] = FrameFormat.Sync0;
            frame[1] = FrameFormat.Sync1;
            frame[2] = FrameFormat.Version;
            frame[3] = (byte)(type & 0xFF);
            frame[4] = (byte)(requestId & 0xFF);
            frame[5] = (byte)((requestId >> 8) & 0xFF);
            frame[6] = (byte)(count & 0xFF);
            frame[7] = (byte)((count >> 8) & 0xFF);
            frame[8] = HeaderCheck(frame, 0);
            if (count > 0)
            {
                Array.Copy(payload, offset, frame, FrameFormat.HeaderLength, count);
            }

            uint crc = Crc32.Compute(frame, 2, FrameFormat.HeaderLength - 2 + count);
            int end = FrameFormat.HeaderLength + count;
            frame[end] = (byte)(crc & 0xFF);
            frame[end + 1] = (byte)((crc >> 8) & 0xFF);
            frame[end + 2] = (byte)((crc >> 16) & 0xFF);
            frame[end + 3] = (byte)((crc >> 24) & 0xFF);
            return frame;
        }

        /// <summary>Encodes a frame with a whole payload.</summary>
        /// <param name="type">Message type.</param>
        /// <param name="requestId">Request id.</param>
        /// <param name="payload">Payload, or null for none.</param>
        /// <returns>The frame bytes.</returns>
        public static byte[] Encode(int type, int requestId, byte[] payload)
        {
            return Encode(type, requestId, payload, 0, payload == null ? 0 : payload.Length);
        }

        /// <summary>Computes the header check byte of a frame starting at <paramref name="start"/>.</summary>
        /// <param name="buffer">Bytes holding the frame header.</param>
        /// <param name="start">Offset of the first sync byte.</param>
        /// <returns>Low byte of the CRC-32 of header bytes 2..7.</returns>
        public static byte HeaderCheck(byte[] buffer, int start)
        {
            return (byte)(Crc32.Compute(buffer, start + 2, 6) & 0xFF);
        }
    }
}
