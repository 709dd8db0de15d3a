using EdgeMicro.Core.Format;

namespace EdgeMicro.Core.Stats
{
    /// <summary>
    /// Bounds-checked little-endian reader for statistics reports: every read checks the remaining bytes first and
    /// throws <see cref="StatsFormatException"/> naming the field and offset, never an out-of-range access.
    /// </summary>
    internal sealed class StatsReader
    {
        private readonly byte[] _data;
        private readonly int _end;
        private int _position;

        public StatsReader(byte[] data, int offset, int count)
        {
            _data = data;
            _position = offset;
            _end = offset + count;
        }

        public int Remaining
        {
            get { return _end - _position; }
        }

        public int ReadByte(string field)
        {
            Need(1, field);
            return _data[_position++];
        }

        public int ReadUInt16(string field)
        {
            Need(2, field);
            int v = _data[_position] | (_data[_position + 1] << 8);
            _position += 2;
            return v;
        }

        public int ReadInt32(string field)
        {
            Need(4, field);
            int v = _data[_position] | (_data[_position + 1] << 8) | (_data[_position + 2] << 16) | (_data[_position + 3] << 24);
            _position += 4;
            return v;
        }

        public uint ReadUInt32(string field)
        {
            return unchecked((uint)ReadInt32(field));
        }

        public long ReadInt64(string field)
        {
            uint low = ReadUInt32(field);
            int high = ReadInt32(field);
            return unchecked(((long)high << 32) | low);
        }

        public string ReadString(string field)
        {
            int n = ReadUInt16(field);
            Need(n, field);
            string s = Utf8.Decode(_data, _position, n);
            if (s == null)
            {
                throw Error(field + ": not valid UTF-8");
            }

            _position += n;
            return s;
        }

        public void ReadInt32s(int[] target, string field)
        {
            Need(4 * target.Length, field);
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = ReadInt32(field);
            }
        }

        public void ReadInt64s(long[] target, string field)
        {
            Need(8 * target.Length, field);
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = ReadInt64(field);
            }
        }

        /// <summary>Checks that at least count bytes remain (before allocating for them).</summary>
        public void Need(int count, string field)
        {
            if (count < 0 || count > _end - _position)
            {
                throw Error(field + ": truncated, needs " + count.ToString() + " bytes, " + Remaining.ToString() + " left");
            }
        }

        public StatsFormatException Error(string message)
        {
            return new StatsFormatException(message + " (at byte " + _position.ToString() + ")");
        }
    }
}
