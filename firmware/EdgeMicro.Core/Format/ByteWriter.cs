using System;
using EdgeMicro.Core.Checksums;

namespace EdgeMicro.Core.Format
{
    /// <summary>
    /// Little-endian writer. In buffer mode it collects bytes into a growing array; in checksum-only mode it keeps a
    /// fixed 256-byte scratch buffer and feeds it into a running CRC-32, so the device can checksum a compiled-in model
    /// without materialising its serialized form. Over a caller's fixed buffer it writes in place and never allocates
    /// (the device's preallocated statistics report); writing past the end is an error.
    /// </summary>
    public sealed class ByteWriter
    {
        /// <summary>Number of instance fields, for heap accounting; a test checks it.</summary>
        public const int InstanceFields = 6;

        private readonly bool _checksumOnly;
        private readonly bool _fixed;
        private byte[] _buffer;
        private int _count;
        private int _total;
        private uint _crc = Crc32.Initial;

        /// <summary>Initializes a new instance of the <see cref="ByteWriter"/> class.</summary>
        /// <param name="checksumOnly">True to only compute the CRC-32 of what is written.</param>
        public ByteWriter(bool checksumOnly)
        {
            _checksumOnly = checksumOnly;
            _buffer = new byte[256];
        }

        /// <summary>Initializes a new instance of the <see cref="ByteWriter"/> class that writes into a fixed buffer.</summary>
        /// <param name="buffer">The buffer (its length is the most that can be written).</param>
        public ByteWriter(byte[] buffer)
        {
            _buffer = buffer;
            _fixed = true;
        }

        /// <summary>Starts again at position 0 (fixed-buffer or buffer mode; allocates nothing).</summary>
        public void Reset()
        {
            _count = 0;
            _total = 0;
            _crc = Crc32.Initial;
        }

        /// <summary>Writes an already UTF-8 encoded string as a 16-bit byte count and its bytes (allocates nothing).</summary>
        /// <param name="utf8">The encoded string.</param>
        public void WriteEncoded(byte[] utf8)
        {
            WriteInt16(utf8.Length);
            WriteBytes(utf8, 0, utf8.Length);
        }

        /// <summary>Gets the number of bytes written so far.</summary>
        public int Length
        {
            get { return _total; }
        }

        /// <summary>Writes one byte.</summary>
        /// <param name="value">The byte.</param>
        public void WriteByte(int value)
        {
            if (_count == _buffer.Length)
            {
                MakeRoom();
            }

            _buffer[_count++] = (byte)(value & 0xFF);
            _total++;
        }

        /// <summary>Writes a 16-bit value.</summary>
        /// <param name="value">The value (low 16 bits are written).</param>
        public void WriteInt16(int value)
        {
            WriteByte(value);
            WriteByte(value >> 8);
        }

        /// <summary>Writes a 32-bit value.</summary>
        /// <param name="value">The value.</param>
        public void WriteInt32(int value)
        {
            WriteByte(value);
            WriteByte(value >> 8);
            WriteByte(value >> 16);
            WriteByte(value >> 24);
        }

        /// <summary>Writes a 32-bit unsigned value.</summary>
        /// <param name="value">The value.</param>
        public void WriteUInt32(uint value)
        {
            WriteInt32(unchecked((int)value));
        }

        /// <summary>Writes a string as a 16-bit byte count and UTF-8 bytes (null is written as empty).</summary>
        /// <param name="value">The string.</param>
        public void WriteString(string value)
        {
            byte[] bytes = Utf8.Encode(value == null ? string.Empty : value);
            if (bytes.Length > 65535)
            {
                throw new Model.ModelFormatException("string of " + bytes.Length.ToString() + " UTF-8 bytes exceeds the 65535-byte limit");
            }

            WriteInt16(bytes.Length);
            WriteBytes(bytes, 0, bytes.Length);
        }

        /// <summary>Writes raw bytes.</summary>
        /// <param name="data">Source.</param>
        /// <param name="offset">First byte.</param>
        /// <param name="count">Number of bytes.</param>
        public void WriteBytes(byte[] data, int offset, int count)
        {
            for (int i = 0; i < count; i++)
            {
                WriteByte(data[offset + i]);
            }
        }

        /// <summary>Writes an int array as a 32-bit count and values (null is written as count 0).</summary>
        /// <param name="values">The values.</param>
        public void WriteInt32Array(int[] values)
        {
            int n = values == null ? 0 : values.Length;
            WriteInt32(n);
            for (int i = 0; i < n; i++)
            {
                WriteInt32(values[i]);
            }
        }

        /// <summary>Writes an sbyte array as a 32-bit count and bytes (null is written as count 0).</summary>
        /// <param name="values">The values.</param>
        public void WriteSByteArray(sbyte[] values)
        {
            int n = values == null ? 0 : values.Length;
            WriteInt32(n);
            for (int i = 0; i < n; i++)
            {
                WriteByte(values[i]);
            }
        }

        /// <summary>Writes a short array as a 32-bit count and values (null is written as count 0).</summary>
        /// <param name="values">The values.</param>
        public void WriteInt16Array(short[] values)
        {
            int n = values == null ? 0 : values.Length;
            WriteInt32(n);
            for (int i = 0; i < n; i++)
            {
                WriteInt16(values[i]);
            }
        }

        /// <summary>Pads with zero bytes to a multiple of 4.</summary>
        public void Align4()
        {
            while ((_total & 3) != 0)
            {
                WriteByte(0);
            }
        }

        /// <summary>Overwrites a 32-bit value at an absolute position (buffer mode only).</summary>
        /// <param name="position">Byte position.</param>
        /// <param name="value">The value.</param>
        public void PatchInt32(int position, int value)
        {
            if (_checksumOnly)
            {
                throw new InvalidOperationException("checksum-only writer cannot patch");
            }

            _buffer[position] = (byte)(value & 0xFF);
            _buffer[position + 1] = (byte)((value >> 8) & 0xFF);
            _buffer[position + 2] = (byte)((value >> 16) & 0xFF);
            _buffer[position + 3] = (byte)((value >> 24) & 0xFF);
        }

        /// <summary>Returns the bytes written (buffer mode).</summary>
        /// <returns>A new array with exactly <see cref="Length"/> bytes.</returns>
        public byte[] ToArray()
        {
            if (_checksumOnly)
            {
                throw new InvalidOperationException("checksum-only writer has no bytes");
            }

            byte[] result = new byte[_count];
            Array.Copy(_buffer, result, _count);
            return result;
        }

        /// <summary>Returns the CRC-32 of everything written.</summary>
        /// <returns>The finished CRC.</returns>
        public uint Checksum()
        {
            if (_checksumOnly)
            {
                return Crc32.Finish(Crc32.Update(_crc, _buffer, 0, _count));
            }

            return Crc32.Compute(_buffer, 0, _count);
        }

        private void MakeRoom()
        {
            if (_fixed)
            {
                throw new InvalidOperationException("fixed buffer of " + _buffer.Length.ToString() + " bytes is full");
            }

            if (_checksumOnly)
            {
                _crc = Crc32.Update(_crc, _buffer, 0, _count);
                _count = 0;
                return;
            }

            byte[] bigger = new byte[_buffer.Length * 2];
            Array.Copy(_buffer, bigger, _count);
            _buffer = bigger;
        }
    }
}
