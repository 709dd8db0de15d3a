using System;
using EdgeMicro.Core.Checksums;

namespace EdgeMicro.Core.Protocol
{
    /// <summary>
    /// Incremental frame decoder with resynchronization (<see cref="FrameFormat"/>). Feed bytes as they arrive with
    /// <see cref="Feed(byte[], int, int)"/>, then call <see cref="Next"/> until it returns null. Garbage, truncated
    /// and corrupted frames are skipped; the counters say how much was discarded. Buffers one frame at most
    /// (<see cref="FrameFormat.MaxFrame"/> bytes); allocates only the payload of each frame it returns.
    /// <para>For negative acknowledgement, <see cref="NextOrRejection"/> also stops at each rejected candidate frame
    /// and says whose it was (<see cref="Rejection"/>), and <see cref="Abandon"/> gives up a frame whose remaining
    /// bytes stopped arriving (a dropped byte), so the sender can be told at once instead of waiting out a timeout.</para>
    /// </summary>
    public sealed class FrameDecoder
    {
        /// <summary><see cref="Rejection"/> when the last call rejected nothing.</summary>
        public const int NoRejection = -2;

        /// <summary><see cref="Rejection"/> when the rejected candidate's header was unreadable (its id is unknown).</summary>
        public const int UnknownId = -1;

        private readonly byte[] _buffer = new byte[FrameFormat.MaxFrame * 2];
        private int _count;

        /// <summary>Gets what the last <see cref="NextOrRejection"/> or <see cref="Abandon"/> rejected:
        /// <see cref="NoRejection"/>, <see cref="UnknownId"/>, or the request id of a candidate whose header was
        /// intact (its CRC failed, or its bytes stopped arriving).</summary>
        public int Rejection { get; private set; }

        /// <summary>Gets the <see cref="NakReason"/> of the last rejection (0 with <see cref="NoRejection"/>).</summary>
        public int RejectionReason { get; private set; }

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
                Frame frame = NextOrRejection();
                if (frame != null || Rejection == NoRejection)
                {
                    return frame;
                }
            }
        }

        /// <summary>
        /// Gives up the frame at the start of the buffer whose bytes stopped arriving (call when nothing arrived for
        /// <see cref="FrameFormat.IncompleteFrameMs"/>): counts it as rejected, sets <see cref="Rejection"/>, and
        /// resumes the search one byte further. Call <see cref="NextOrRejection"/> afterwards.
        /// </summary>
        /// <returns>True when a partial frame was dropped; false when nothing was pending.</returns>
        public bool Abandon()
        {
            Rejection = NoRejection;
            RejectionReason = 0;
            if (_count == 0)
            {
                return false;
            }

            if (_buffer[0] != FrameFormat.Sync0 || (_count >= 2 && _buffer[1] != FrameFormat.Sync1))
            {
                DiscardedBytes += _count;
                _count = 0;
                return false;
            }

            bool readable = _count >= FrameFormat.HeaderLength && HeaderIntact();
            Reject(readable ? _buffer[4] | (_buffer[5] << 8) : UnknownId, readable ? NakReason.Incomplete : NakReason.BadHeader);
            return true;
        }

        /// <summary>
        /// Like <see cref="Next"/>, but returns null also right after rejecting a candidate frame, with
        /// <see cref="Rejection"/> saying whose it was; call again until it returns null with <see cref="NoRejection"/>.
        /// </summary>
        /// <returns>A frame, or null (more bytes needed, or a rejection: see <see cref="Rejection"/>).</returns>
        public Frame NextOrRejection()
        {
            Rejection = NoRejection;
            RejectionReason = 0;
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
                if (!HeaderIntact())
                {
                    Reject(UnknownId, NakReason.BadHeader);
                    return null;
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
                    Reject(_buffer[4] | (_buffer[5] << 8), NakReason.BadCrc);
                    return null;
                }

                byte[] payload = new byte[length];
                Array.Copy(_buffer, FrameFormat.HeaderLength, payload, 0, length);
                Frame frame = new Frame(_buffer[3], _buffer[4] | (_buffer[5] << 8), payload, stored);
                Drop(total);
                return frame;
            }
        }

        private bool HeaderIntact()
        {
            int length = _buffer[6] | (_buffer[7] << 8);
            return _buffer[8] == FrameEncoder.HeaderCheck(_buffer, 0) && _buffer[2] == FrameFormat.Version && length <= FrameFormat.MaxPayload;
        }

        private void Reject(int requestId, int reason)
        {
            Rejection = requestId;
            RejectionReason = reason;
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
