using System;
using EdgeMicro.Core.Checksums;

namespace EdgeMicro.Core.Protocol
{
    /// <summary>
    /// Incremental frame decoder with resynchronization (<see cref="FrameFormat"/>). Feed bytes as they arrive with
    /// <see cref="Feed(byte[], int, int)"/>, then call <see cref="Next"/> until it returns null. Garbage, truncated
    /// and corrupted frames are skipped; the counters say how much was discarded. Buffers one frame at most
    /// (<see cref="FrameFormat.MaxFrame"/> bytes); allocates only the payload of each frame it returns.
    /// </summary>
    public sealed class FrameDecoder
    {
        private readonly byte[] _buffer = new byte[FrameFormat.MaxFrame * 2];
        private int _count;

        /// <summary>Gets the number of bytes discarded while hunting for a frame start.</summary>
        public int DiscardedBytes { get; private set; }

        /// <summary>Gets the number of candidate frames rejected (bad header check, version, length or CRC).</summary>
        public int RejectedFrames { get; private set; }

        /// <summary>Gets the number of bytes buffered but not yet decoded.</summary>
        public int Pending
        {
            get { return _count; }
        }

        /// <summary>Adds received bytes. Call <see cref="Next"/> afterwards (it must drain frames between feeds
        /// larger than <see cref="FrameFormat.MaxFrame"/>).</summary>
        /// <param name="data">Received bytes.</param>
        /// <param name="offset">First byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <returns>The number of bytes taken (less than <paramref name="count"/> only when the buffer is full:
        /// call <see cref="Next"/> and feed the rest).</returns>
        public int Feed(byte[] data, int offset, int count)
        {
            int room = _buffer.Length - _count;
            int n = count < room ? count : room;
            Array.Copy(data, offset, _buffer, _count, n);
            _count += n;
            return n;
        }

        /// <summary>Drops everything buffered (e.g. after a port reopen).</summary>
        public void Reset()
        {
            _count = 0;
        }

        /// <summary>Returns the next complete valid frame, or null when more bytes are needed.</summary>
        /// <returns>A frame or null.</returns>
        public Frame Next()
        {
            while (true)
            {
                int start = 0;
                while (start < _count && _buffer[start] != FrameFormat.Sync0)
                {
                    start++;
                }

                if (start > 0)
                {
                    Drop(start);
                    DiscardedBytes += start;
                }

                if (_count < 2)
                {
                    return null;
                }

                if (_buffer[1] != FrameFormat.Sync1)
                {
                    Drop(1);
                    DiscardedBytes++;
                    continue;
                }

                if (_count < FrameFormat.HeaderLength)
                {
                    return null;
                }

                int length = _buffer[6] | (_buffer[7] << 8);
                if (_buffer[8] != FrameEncoder.HeaderCheck(_buffer, 0) || _buffer[2] != FrameFormat.Version || length > FrameFormat.MaxPayload)
                {
                    Reject();
                    continue;
                }

                int total = length + FrameFormat.Overhead;
                if (_count < total)
                {
                    return null;
                }

                int end = FrameFormat.HeaderLength + length;
                uint stored = (uint)(_buffer[end] | (_buffer[end + 1] << 8) | (_buffer[end + 2] << 16)) | ((uint)_buffer[end + 3] << 24);
                if (stored != Crc32.Compute(_buffer, 2, end - 2))
                {
                    Reject();
                    continue;
                }

                byte[] payload = new byte[length];
                Array.Copy(_buffer, FrameFormat.HeaderLength, payload, 0, length);
                Frame frame = new Frame(_buffer[3], _buffer[4] | (_buffer[5] << 8), payload, stored);
                Drop(total);
                return frame;
            }
        }

        private void Reject()
        {
            RejectedFrames++;
            DiscardedBytes++;
            Drop(1);
        }

        private void Drop(int n)
        {
            _count -= n;
            if (_count > 0)
            {
                Array.Copy(_buffer, n, _buffer, 0, _count);
            }
        }
    }
}
