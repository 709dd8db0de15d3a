namespace EdgeMicro.Core.Device.Messaging
{
    /// <summary>
    /// Bounded FIFO of outgoing messages, each with the sequence number the payload carries. Memory is allocated once
    /// (capacity slots of a fixed size); <see cref="Enqueue"/> copies. When full, the OLDEST message is dropped and
    /// counted in <see cref="Dropped"/>, so the queue always holds the newest data in order.
    /// </summary>
    public sealed class Outbox
    {
        private readonly byte[][] _payloads;
        private readonly int[] _lengths;
        private readonly int[] _kinds;
        private readonly bool[] _retain;
        private readonly uint[] _sequences;
        private int _head;
        private int _count;
        private uint _next = 1;

        /// <summary>Initializes a new instance of the <see cref="Outbox"/> class.</summary>
        /// <param name="capacity">Messages held at most.</param>
        /// <param name="slotBytes">Largest payload.</param>
        public Outbox(int capacity, int slotBytes)
        {
            _payloads = new byte[capacity][];
            for (int i = 0; i < capacity; i++)
            {
                _payloads[i] = new byte[slotBytes];
            }

            _lengths = new int[capacity];
            _kinds = new int[capacity];
            _retain = new bool[capacity];
            _sequences = new uint[capacity];
        }

        /// <summary>Gets the number of queued messages.</summary>
        public int Count
        {
            get { return _count; }
        }

        /// <summary>Gets the capacity.</summary>
        public int Capacity
        {
            get { return _payloads.Length; }
        }

        /// <summary>Gets the number of messages dropped because the queue was full.</summary>
        public long Dropped { get; private set; }

        /// <summary>Gets the sequence number the next enqueued message gets (write it into the payload first).</summary>
        public uint NextSequence
        {
            get { return _next; }
        }

        /// <summary>Queues a copy of a payload under <see cref="NextSequence"/>, dropping the oldest when full.</summary>
        /// <param name="kind">Outgoing topic kind (<see cref="TopicLayout"/>).</param>
        /// <param name="retain">RETAIN flag.</param>
        /// <param name="payload">Buffer.</param>
        /// <param name="length">Payload length.</param>
        /// <returns>False (and nothing queued, no sequence used) when the payload is larger than a slot.</returns>
        public bool Enqueue(int kind, bool retain, byte[] payload, int length)
        {
            if (length > _payloads[0].Length)
            {
                return false;
            }

            if (_count == _payloads.Length)
            {
                RemoveOldest();
                Dropped++;
            }

            int slot = (_head + _count) % _payloads.Length;
            System.Array.Copy(payload, 0, _payloads[slot], 0, length);
            _lengths[slot] = length;
            _kinds[slot] = kind;
            _retain[slot] = retain;
            _sequences[slot] = _next++;
            _count++;
            return true;
        }

        /// <summary>Gets the oldest message's topic kind.</summary>
        /// <returns>The kind.</returns>
        public int PeekKind()
        {
            return _kinds[_head];
        }

        /// <summary>Gets the oldest message's RETAIN flag.</summary>
        /// <returns>The flag.</returns>
        public bool PeekRetain()
        {
            return _retain[_head];
        }

        /// <summary>Gets the oldest message's buffer (payload = first <see cref="PeekLength"/> bytes).</summary>
        /// <returns>The buffer.</returns>
        public byte[] PeekPayload()
        {
            return _payloads[_head];
        }

        /// <summary>Gets the oldest message's length.</summary>
        /// <returns>Bytes.</returns>
        public int PeekLength()
        {
            return _lengths[_head];
        }

        /// <summary>Gets the oldest message's sequence number.</summary>
        /// <returns>The number.</returns>
        public uint PeekSequence()
        {
            return _sequences[_head];
        }

        /// <summary>Removes the oldest message (after it was sent).</summary>
        public void RemoveOldest()
        {
            if (_count == 0)
            {
                return;
            }

            _head = (_head + 1) % _payloads.Length;
            _count--;
        }
    }
}
