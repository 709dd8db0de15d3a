using EdgeMicro.Core.Checksums;

namespace EdgeMicro.Core.Device.Messaging
{
    /// <summary>
    /// The kept messages as bytes, for I: across a reboot:
    /// <code>
    /// 4 magic "EMOB", 2 version = 1, 2 N messages; per message: 1 kind, 1 priority, 8 boot, 4 seq, 2 length, bytes;
    /// 4 CRC-32 (zlib) of every byte before it. Little-endian.
    /// </code>
    /// </summary>
    public sealed partial class Outbox
    {
        private const uint FileMagic = 0x424F4D45;

        private readonly byte[] _header = new byte[16];

        /// <summary>Gets the number of kept messages (results, labels, events awaiting the host's acknowledgement).</summary>
        public int KeptCount
        {
            get
            {
                int n = 0;
                for (int i = 0; i < _count; i++)
                {
                    n += _keep[i] ? 1 : 0;
                }

                return n;
            }
        }

        /// <summary>Writes the kept messages to a file, straight from the slots through a 16-byte buffer (allocates nothing).</summary>
        /// <param name="storage">Storage.</param>
        /// <param name="name">File name.</param>
        /// <returns>False (nothing written) when no message is kept.</returns>
        public bool WriteTo(EdgeMicro.Core.Device.Ports.IModelStorage storage, string name)
        {
            int n = KeptCount;
            if (n == 0)
            {
                return false;
            }

            byte[] h = _header;
            int at = Put(h, 0, FileMagic, 4);
            at = Put(h, at, 1, 2);
            at = Put(h, at, (uint)n, 2);
            uint crc = Crc32.Update(Crc32.Initial, h, 0, at);
            storage.Write(name, h, 0, at);
            for (int i = 0; i < _count; i++)
            {
                if (_keep[i])
                {
                    h[0] = (byte)(_kinds[i] & 0xFF);
                    h[1] = (byte)(_priorities[i] & 0xFF);
                    at = Put(h, 2, (uint)(_boots[i] & 0xFFFFFFFF), 4);
                    at = Put(h, at, (uint)((_boots[i] >> 32) & 0xFFFFFFFF), 4);
                    at = Put(h, at, _sequences[i], 4);
                    at = Put(h, at, (uint)_lengths[i], 2);
                    crc = Crc32.Update(Crc32.Update(crc, h, 0, at), _payloads[i], 0, _lengths[i]);
                    storage.Append(name, h, 0, at);
                    storage.Append(name, _payloads[i], 0, _lengths[i]);
                }
            }

            Put(h, 0, Crc32.Finish(crc), 4);
            storage.Append(name, h, 0, 4);
            return true;
        }

        /// <summary>Queues the messages of <see cref="WriteTo"/> again (unsent, kept, with their boot and seq).</summary>
        /// <param name="data">The bytes.</param>
        /// <returns>Messages restored, or -1 when the data is damaged (nothing restored).</returns>
        public int Restore(byte[] data)
        {
            if (data == null || data.Length < 12 || Get(data, 0, 4) != FileMagic || Get(data, 4, 2) != 1
                || Crc32.Compute(data, 0, data.Length - 4) != Get(data, data.Length - 4, 4))
            {
                return -1;
            }

            int n = (int)Get(data, 6, 2);
            int at = 8;
            int restored = 0;
            for (int i = 0; i < n; i++)
            {
                if (at + 16 > data.Length - 4)
                {
                    return restored;
                }

                int kind = data[at];
                int priority = data[at + 1];
                long boot = (long)Get(data, at + 2, 4) | ((long)Get(data, at + 6, 4) << 32);
                uint seq = Get(data, at + 10, 4);
                int length = (int)Get(data, at + 14, 2);
                at += 16;
                if (length > _payloads[0].Length || at + length > data.Length - 4 || _count == _payloads.Length || priority > PriorityEvent)
                {
                    return restored;
                }

                Place(kind, priority, true, boot, false, seq, data, at, length);
                restored++;
                at += length;
            }

            return restored;
        }

        private static int Put(byte[] data, int at, uint value, int bytes)
        {
            for (int i = 0; i < bytes; i++)
            {
                data[at + i] = (byte)((value >> (8 * i)) & 0xFF);
            }

            return at + bytes;
        }

        private static uint Get(byte[] data, int at, int bytes)
        {
            uint v = 0;
            for (int i = 0; i < bytes; i++)
            {
                v |= (uint)data[at + i] << (8 * i);
            }

            return v;
        }
    }
}
