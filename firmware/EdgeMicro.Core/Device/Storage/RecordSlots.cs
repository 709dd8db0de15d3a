using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Device.Ports;

namespace EdgeMicro.Core.Device.Storage
{
    /// <summary>
    /// A small record kept in two files written alternately, each <c>u32 sequence, payload, u32 CRC-32</c> (LE), so the
    /// newest valid copy always survives: a save overwrites only the older (or broken) copy, and then reads it back.
    /// Needs no rename or delete, and a torn write at any byte offset only breaks the copy being written, so it holds
    /// even on storage whose renames and deletes are not atomic.
    /// </summary>
    public sealed class RecordSlots
    {
        private readonly IModelStorage _storage;
        private readonly string _first;
        private readonly string _second;
        private readonly int _payloadLength;
        private int _newest = -1;

        /// <summary>Initializes a new instance of the <see cref="RecordSlots"/> class.</summary>
        /// <param name="storage">The drive.</param>
        /// <param name="first">First file name.</param>
        /// <param name="second">Second file name.</param>
        /// <param name="payloadLength">Payload bytes per record.</param>
        public RecordSlots(IModelStorage storage, string first, string second, int payloadLength)
        {
            _storage = storage;
            _first = first;
            _second = second;
            _payloadLength = payloadLength;
        }

        /// <summary>Gets the sequence number of the newest valid record (0 when there is none).</summary>
        public uint Sequence { get; private set; }

        /// <summary>Gets the payload of the newest valid record, or null.</summary>
        public byte[] Payload { get; private set; }

        /// <summary>Reads both files and keeps the newest valid record; broken or missing copies are skipped.</summary>
        /// <returns>True when a valid record exists.</returns>
        public bool Load()
        {
            Sequence = 0;
            Payload = null;
            _newest = -1;
            Consider(0, _first);
            Consider(1, _second);
            return Payload != null;
        }

        /// <summary>Stores a payload as the next sequence number in the older copy and verifies it by reading it back.</summary>
        /// <param name="payload">Exactly the payload length.</param>
        /// <param name="sequence">Its sequence number; must exceed <see cref="Sequence"/>.</param>
        /// <exception cref="System.Exception">Storage failed or the read-back differs; the previous record stays valid.</exception>
        public void Save(byte[] payload, uint sequence)
        {
            byte[] data = new byte[8 + _payloadLength];
            Put(data, 0, sequence);
            System.Array.Copy(payload, 0, data, 4, _payloadLength);
            Put(data, 4 + _payloadLength, Crc32.Compute(data, 0, 4 + _payloadLength));
            int slot = _newest == 0 ? 1 : 0;
            string name = slot == 0 ? _first : _second;
            _storage.Write(name, data, 0, data.Length);
            byte[] back = _storage.Read(name);
            if (back.Length != data.Length || Crc32.Compute(back) != Crc32.Compute(data))
            {
                throw new System.Exception(name + " reads back differently than written");
            }

            Sequence = sequence;
            Payload = payload;
            _newest = slot;
        }

        private void Consider(int slot, string name)
        {
            byte[] d;
            try
            {
                if (!_storage.Exists(name))
                {
                    return;
                }

                d = _storage.Read(name);
            }
            catch (System.Exception)
            {
                return;
            }

            if (d.Length != 8 + _payloadLength || Get(d, 4 + _payloadLength) != Crc32.Compute(d, 0, 4 + _payloadLength))
            {
                return;
            }

            uint seq = Get(d, 0);
            if (Payload == null || seq > Sequence)
            {
                byte[] p = new byte[_payloadLength];
                System.Array.Copy(d, 4, p, 0, _payloadLength);
                Sequence = seq;
                Payload = p;
                _newest = slot;
            }
        }

        /// <summary>Writes a little-endian u32.</summary>
        /// <param name="p">Buffer.</param>
        /// <param name="at">Offset.</param>
        /// <param name="v">Value.</param>
        public static void Put(byte[] p, int at, uint v)
        {
            p[at] = unchecked((byte)v);
            p[at + 1] = unchecked((byte)(v >> 8));
            p[at + 2] = unchecked((byte)(v >> 16));
            p[at + 3] = unchecked((byte)(v >> 24));
        }

        /// <summary>Reads a little-endian u32.</summary>
        /// <param name="p">Buffer.</param>
        /// <param name="at">Offset.</param>
        /// <returns>The value.</returns>
        public static uint Get(byte[] p, int at)
        {
            return p[at] | ((uint)p[at + 1] << 8) | ((uint)p[at + 2] << 16) | ((uint)p[at + 3] << 24);
        }
    }
}
