using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Format;

namespace EdgeMicro.Core.Protocol
{
    /// <summary>Small payloads of the serial link: errors, acknowledgements, upload requests, activation results.</summary>
    public static class Payloads
    {
        /// <summary>Encodes an error payload: u16 code, string message.</summary>
        /// <param name="code">An <see cref="ErrorCode"/>.</param>
        /// <param name="message">What went wrong.</param>
        /// <returns>The bytes.</returns>
        public static byte[] Error(int code, string message)
        {
            ByteWriter w = new ByteWriter(false);
            w.WriteInt16(code);
            w.WriteString(message);
            return w.ToArray();
        }

        /// <summary>Reads the code of an error payload.</summary>
        /// <param name="payload">The bytes.</param>
        /// <returns>The code.</returns>
        public static int ErrorCodeOf(byte[] payload)
        {
            return new ByteReader(payload, 0, payload.Length).ReadUInt16("error code");
        }

        /// <summary>Reads the message of an error payload.</summary>
        /// <param name="payload">The bytes.</param>
        /// <returns>The message.</returns>
        public static string ErrorMessageOf(byte[] payload)
        {
            ByteReader r = new ByteReader(payload, 0, payload.Length);
            r.ReadUInt16("error code");
            return r.ReadString("error message");
        }

        /// <summary>Encodes a single u32 (acknowledgements, sizes).</summary>
        /// <param name="value">The value.</param>
        /// <returns>The bytes.</returns>
        public static byte[] UInt32(uint value)
        {
            ByteWriter w = new ByteWriter(false);
            w.WriteUInt32(value);
            return w.ToArray();
        }

        /// <summary>Encodes two u32 values (PUT_MODEL_BEGIN: size and CRC).</summary>
        /// <param name="first">First value.</param>
        /// <param name="second">Second value.</param>
        /// <returns>The bytes.</returns>
        public static byte[] UInt32Pair(uint first, uint second)
        {
            ByteWriter w = new ByteWriter(false);
            w.WriteUInt32(first);
            w.WriteUInt32(second);
            return w.ToArray();
        }

        /// <summary>Reads a u32 at a byte offset.</summary>
        /// <param name="payload">The bytes.</param>
        /// <param name="offset">Byte offset.</param>
        /// <param name="field">Field name for messages.</param>
        /// <returns>The value.</returns>
        public static uint ReadUInt32(byte[] payload, int offset, string field)
        {
            return new ByteReader(payload, offset, payload.Length - offset).ReadUInt32(field);
        }

        /// <summary>Encodes a model chunk (PUT_MODEL_CHUNK): u32 offset, bytes.</summary>
        /// <param name="offset">Offset of the chunk in the blob.</param>
        /// <param name="data">Blob bytes.</param>
        /// <param name="start">First byte of the chunk in <paramref name="data"/>.</param>
        /// <param name="count">Chunk length.</param>
        /// <returns>The bytes.</returns>
        public static byte[] Chunk(uint offset, byte[] data, int start, int count)
        {
            ByteWriter w = new ByteWriter(false);
            w.WriteUInt32(offset);
            w.WriteBytes(data, start, count);
            return w.ToArray();
        }

        /// <summary>Encodes a MODEL_ACTIVATED payload: string model id, u32 version, u32 model CRC.</summary>
        /// <param name="modelId">Model id.</param>
        /// <param name="version">Model version.</param>
        /// <param name="crc">Model CRC.</param>
        /// <returns>The bytes.</returns>
        public static byte[] ModelActivated(string modelId, uint version, uint crc)
        {
            ByteWriter w = new ByteWriter(false);
            w.WriteString(modelId);
            w.WriteUInt32(version);
            w.WriteUInt32(crc);
            return w.ToArray();
        }
    }
}
