using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Format
{
    /// <summary>
    /// Bounds-checked little-endian reader over a byte range. Every read checks the remaining length first and
    /// array counts are checked against the remaining bytes before anything is allocated, so a corrupted or hostile
    /// blob yields a <see cref="ModelFormatException"/> naming the field and offset, never an out-of-range access or
    /// an unbounded allocation. Other formats (device statistics) derive from it and override
    /// <see cref="CreateError"/> to throw their own exception type.
    /// </summary>
    public class ByteReader
    {
        private readonly byte[] _data;
        private readonly int _end;
        private int _position;

        /// <summary>Initializes a new instance of the <see cref="ByteReader"/> class.</summary>
        /// <param name="data">Source bytes.</param>
        /// <param name="offset">First readable byte.</param>
        /// <param name="count">Number of readable bytes.</param>
        public ByteReader(byte[] data, int offset, int count)
        {
            _data = data;
            _position = offset;
            _end = offset + count;
        }

        /// <summary>Gets the current absolute position.</summary>
        public int Position
        {
            get { return _position; }
        }

        /// <summary>Gets the number of bytes left.</summary>
        public int Remaining
        {
            get { return _end - _position; }
        }

        /// <summary>Reads one byte.</summary>
        /// <param name="field">Field name for messages.</param>
        /// <returns>The byte value.</returns>
        public int ReadByte(string field)
        {
            Need(1, field);
            return _data[_position++];
        }

        /// <summary>Reads a signed 16-bit value.</summary>
        /// <param name="field">Field name for messages.</param>
        /// <returns>The value.</returns>
        public int ReadInt16(string field)
        {
            Need(2, field);
            int v = _data[_position] | (_data[_position + 1] << 8);
            _position += 2;
            return v > 32767 ? v - 65536 : v;
        }

        /// <summary>Reads an unsigned 16-bit value.</summary>
        /// <param name="field">Field name for messages.</param>
        /// <returns>The value.</returns>
        public int ReadUInt16(string field)
        {
            Need(2, field);
            int v = _data[_position] | (_data[_position + 1] << 8);
            _position += 2;
            return v;
        }

        /// <summary>Reads a signed 32-bit value.</summary>
        /// <param name="field">Field name for messages.</param>
        /// <returns>The value.</returns>
        public int ReadInt32(string field)
        {
            Need(4, field);
            int v = _data[_position] | (_data[_position + 1] << 8) | (_data[_position + 2] << 16) | (_data[_position + 3] << 24);
            _position += 4;
            return v;
        }

        /// <summary>Reads an unsigned 32-bit value.</summary>
        /// <param name="field">Field name for messages.</param>
        /// <returns>The value.</returns>
        public uint ReadUInt32(string field)
        {
            return unchecked((uint)ReadInt32(field));
        }

        /// <summary>Reads a 16-bit length-prefixed UTF-8 string.</summary>
        /// <param name="field">Field name for messages.</param>
        /// <returns>The string.</returns>
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

        /// <summary>Reads a count-prefixed int array (count 0 gives null).</summary>
        /// <param name="field">Field name for messages.</param>
        /// <param name="maxCount">Largest count accepted.</param>
        /// <returns>The array or null.</returns>
        public int[] ReadInt32Array(string field, int maxCount)
        {
            int n = ReadCount(field, 4, maxCount);
            if (n == 0)
            {
                return null;
            }

            int[] values = new int[n];
            for (int i = 0; i < n; i++)
            {
                values[i] = ReadInt32(field);
            }

            return values;
        }

        /// <summary>Reads a count-prefixed sbyte array (count 0 gives null).</summary>
        /// <param name="field">Field name for messages.</param>
        /// <param name="maxCount">Largest count accepted.</param>
        /// <returns>The array or null.</returns>
        public sbyte[] ReadSByteArray(string field, int maxCount)
        {
            int n = ReadCount(field, 1, maxCount);
            if (n == 0)
            {
                return null;
            }

            sbyte[] values = new sbyte[n];
            for (int i = 0; i < n; i++)
            {
                int b = _data[_position + i];
                values[i] = (sbyte)(b > 127 ? b - 256 : b);
            }

            _position += n;
            return values;
        }

        /// <summary>Reads a count-prefixed short array (count 0 gives null).</summary>
        /// <param name="field">Field name for messages.</param>
        /// <param name="maxCount">Largest count accepted.</param>
        /// <returns>The array or null.</returns>
        public short[] ReadInt16Array(string field, int maxCount)
        {
            int n = ReadCount(field, 2, maxCount);
            if (n == 0)
            {
                return null;
            }

            short[] values = new short[n];
            for (int i = 0; i < n; i++)
            {
                values[i] = (short)ReadInt16(field);
            }

            return values;
        }

        /// <summary>Skips bytes.</summary>
        /// <param name="count">Number of bytes.</param>
        /// <param name="field">Field name for messages.</param>
        public void Skip(int count, string field)
        {
            Need(count, field);
            _position += count;
        }

        /// <summary>Creates a format error at the current position (for <c>throw reader.Error(...)</c>).</summary>
        /// <param name="message">What is wrong.</param>
        /// <returns>The exception to throw.</returns>
        public System.Exception Error(string message)
        {
            return CreateError(message + " (at byte " + _position.ToString() + ")");
        }

        /// <summary>Reads a signed 64-bit value.</summary>
        /// <param name="field">Field name for messages.</param>
        /// <returns>The value.</returns>
        public long ReadInt64(string field)
        {
            uint low = ReadUInt32(field);
            int high = ReadInt32(field);
            return unchecked(((long)high << 32) | low);
        }

        /// <summary>Fills an array with 32-bit values (the length is checked before reading).</summary>
        /// <param name="target">Destination; its length is the count.</param>
        /// <param name="field">Field name for messages.</param>
        public void ReadInt32s(int[] target, string field)
        {
            Need(4 * target.Length, field);
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = ReadInt32(field);
            }
        }

        /// <summary>Fills an array with 64-bit values (the length is checked before reading).</summary>
        /// <param name="target">Destination; its length is the count.</param>
        /// <param name="field">Field name for messages.</param>
        public void ReadInt64s(long[] target, string field)
        {
            Need(8 * target.Length, field);
            for (int i = 0; i < target.Length; i++)
            {
                target[i] = ReadInt64(field);
            }
        }

        /// <summary>Checks that at least <paramref name="count"/> bytes remain (before allocating for them).</summary>
        /// <param name="count">Bytes needed.</param>
        /// <param name="field">Field name for messages.</param>
        public void Need(int count, string field)
        {
            if (count < 0 || count > _end - _position)
            {
                throw Error(field + ": truncated, needs " + count.ToString() + " bytes, " + Remaining.ToString() + " left");
            }
        }

        /// <summary>Creates the exception type of this format (model blobs: <see cref="ModelFormatException"/>).</summary>
        /// <param name="message">Message with position.</param>
        /// <returns>The exception.</returns>
        protected virtual System.Exception CreateError(string message)
        {
            return new ModelFormatException(message);
        }

        private int ReadCount(string field, int elementSize, int maxCount)
        {
            int n = ReadInt32(field + " count");
            if (n < 0 || n > maxCount)
            {
                throw Error(field + ": count " + n.ToString() + " outside 0.." + maxCount.ToString());
            }

            if (n > Remaining / elementSize)
            {
                throw Error(field + ": " + n.ToString() + " elements but only " + Remaining.ToString() + " bytes left");
            }

            return n;
        }
    }
}
