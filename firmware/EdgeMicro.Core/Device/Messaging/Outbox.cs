namespace EdgeMicro.Core.Device.Messaging
{
    /// <summary>
    /// Bounded store of outgoing messages, oldest first. Memory is allocated once (capacity slots of a fixed size);
    /// <see cref="Enqueue"/> copies. Every message but status gets the next sequence number (status gets 0). A
    /// <em>kept</em> message (results, labels, events, when the host acknowledges) stays after it was published until the host acknowledges it (<see cref="Acknowledge"/>); it is published
    /// again after a reconnection (<see cref="ResendAll"/>) and when unacknowledged for the ack timeout. Other
    /// messages (status) leave once published. When full, one message is dropped by priority: the oldest of the lowest
    /// <c>Priority*</c> among the queued ones and the new one (status, then results and labels, then command replies,
    /// and the boot, model and drift events last), counted in <see cref="Dropped"/> and per priority in
    /// <see cref="DroppedOf"/>. A dropped kept message leaves a gap in the sequence numbers the host reports.
    /// </summary>
    public sealed partial class Outbox
    {
        /// <summary>Drop priority: status (superseded by the next one anyway).</summary>
        public const int PriorityStatus = 0;

        /// <summary>Drop priority: results and labels.</summary>
        public const int PriorityResult = 1;

        /// <summary>Drop priority: command replies.</summary>
        public const int PriorityReply = 2;

        /// <summary>Drop priority: boot, model and drift events (dropped last).</summary>
        public const int PriorityEvent = 3;

        private const long NeverSent = long.MinValue;

        private readonly byte[][] _payloads;
        private readonly int[] _lengths;
        private readonly int[] _kinds;
        private readonly int[] _priorities;
        private readonly bool[] _retain;
        private readonly bool[] _keep;
        private readonly bool[] _sent;
        private readonly long[] _sentAtMs;
        private readonly long[] _boots;
        private readonly uint[] _sequences;
        private readonly long[] _droppedOf = new long[4];
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
            _priorities = new int[capacity];
            _retain = new bool[capacity];
            _keep = new bool[capacity];
            _sent = new bool[capacity];
            _sentAtMs = new long[capacity];
            _boots = new long[capacity];
            _sequences = new uint[capacity];
        }

        /// <summary>Gets the number of queued messages (unsent and sent-but-unacknowledged).</summary>
        public int Count
        {
            get { return _count; }
        }

        /// <summary>Gets the capacity.</summary>
        public int Capacity
        {
            get { return _payloads.Length; }
        }

        /// <summary>Gets the number of messages dropped because the outbox was full.</summary>
        public long Dropped { get; private set; }

        /// <summary>Gets the number of messages the host acknowledged.</summary>
        public long Acknowledged { get; private set; }

        /// <summary>Gets the number of publishes that were repeats of a kept message.</summary>
        public long Resent { get; private set; }

        /// <summary>Gets the sequence number the next kept message gets (write it into the payload first).</summary>
        public uint NextSequence
        {
            get { return _next; }
        }

        /// <summary>Gets the messages dropped of one priority.</summary>
        /// <param name="priority"><see cref="PriorityStatus"/>..<see cref="PriorityEvent"/>.</param>
        /// <returns>The count.</returns>
        public long DroppedOf(int priority)
        {
            return _droppedOf[priority];
        }

        /// <summary>Queues a copy of a payload; all but status take <see cref="NextSequence"/>. Drops by priority when full.</summary>
        /// <param name="kind">Outgoing topic kind (<see cref="TopicLayout"/>).</param>
        /// <param name="priority">Drop priority (<see cref="PriorityStatus"/>..<see cref="PriorityEvent"/>).</param>
        /// <param name="keep">Keep until the host acknowledges it.</param>
        /// <param name="boot">Boot the payload names.</param>
        /// <param name="retain">RETAIN flag.</param>
        /// <param name="payload">Buffer.</param>
        /// <param name="length">Payload length.</param>
        /// <returns>False (nothing queued, no sequence used) when the payload is larger than a slot; true when queued or dropped by priority.</returns>
        public bool Enqueue(int kind, int priority, bool keep, long boot, bool retain, byte[] payload, int length)
        {
            if (length > _payloads[0].Length)
            {
                return false;
            }

            uint seq = priority == PriorityStatus ? 0 : _next++;
            if (_count == _payloads.Length)
            {
                int victim = Victim(priority);
                Dropped++;
                _droppedOf[victim < 0 ? priority : _priorities[victim]]++;
                if (victim < 0)
                {
                    return true;
                }

                RemoveAt(victim);
            }

            Place(kind, priority, keep, boot, retain, seq, payload, 0, length);
            return true;
        }

        /// <summary>Finds the next message to publish: unsent, or kept and unacknowledged for the ack timeout.</summary>
        /// <param name="from">First index to look at.</param>
        /// <param name="nowMs">Device time.</param>
        /// <param name="ackTimeoutMs">Re-send a kept message unacknowledged this long.</param>
        /// <returns>The index, or -1.</returns>
        public int NextToSend(int from, long nowMs, int ackTimeoutMs)
        {
            for (int i = from; i < _count; i++)
            {
                if (!_sent[i] || nowMs - _sentAtMs[i] >= ackTimeoutMs)
                {
                    return i;
                }
            }

            return -1;
        }

        /// <summary>Records that a message was published: a kept one waits for its acknowledgement, others leave.</summary>
        /// <param name="index">Index from <see cref="NextToSend"/>.</param>
        /// <param name="nowMs">Device time.</param>
        /// <returns>True when the message left the outbox (indices after it moved down by one).</returns>
        public bool MarkSent(int index, long nowMs)
        {
            if (!_keep[index])
            {
                RemoveAt(index);
                return true;
            }

            if (_sentAtMs[index] != NeverSent)
            {
                Resent++;
            }

            _sent[index] = true;
            _sentAtMs[index] = nowMs;
            return false;
        }

        /// <summary>Marks every kept message unsent (after a reconnection: the broker may have lost them).</summary>
        public void ResendAll()
        {
            for (int i = 0; i < _count; i++)
            {
                _sent[i] = false;
            }
        }

        /// <summary>Removes the kept messages of a boot with seq in [from, to] (the host stored them).</summary>
        /// <param name="boot">Boot.</param>
        /// <param name="from">First seq.</param>
        /// <param name="to">Last seq.</param>
        /// <returns>Messages removed.</returns>
        public int Acknowledge(long boot, long from, long to)
        {
            int kept = 0;
            for (int i = 0; i < _count; i++)
            {
                bool acked = _keep[i] && _boots[i] == boot && _sequences[i] >= from && _sequences[i] <= to;
                if (!acked)
                {
                    Move(i, kept);
                    kept++;
                }
            }

            int removed = _count - kept;
            _count = kept;
            Acknowledged += removed;
            return removed;
        }

        private void Place(int kind, int priority, bool keep, long boot, bool retain, uint seq, byte[] source, int offset, int length)
        {
            int slot = _count;
            System.Array.Copy(source, offset, _payloads[slot], 0, length);
            _lengths[slot] = length;
            _kinds[slot] = kind;
            _priorities[slot] = priority;
            _retain[slot] = retain;
            _keep[slot] = keep;
            _sent[slot] = false;
            _sentAtMs[slot] = NeverSent;
            _boots[slot] = boot;
            _sequences[slot] = seq;
            _count++;
        }

        private int Victim(int incoming)
        {
            // The oldest queued message of the lowest priority; the new message itself (-1) when it ranks lower still.
            int best = -1;
            int bestPriority = int.MaxValue;
            for (int i = 0; i < _count; i++)
            {
                if (_priorities[i] < bestPriority)
                {
                    best = i;
                    bestPriority = _priorities[i];
                }
            }

            return incoming < bestPriority ? -1 : best;
        }

        private void RemoveAt(int index)
        {
            for (int i = index + 1; i < _count; i++)
            {
                Move(i, i - 1);
            }

            _count--;
        }

        private void Move(int from, int to)
        {
            if (from == to)
            {
                return;
            }

            // Swap the buffers so every slot keeps a preallocated array: no allocation.
            byte[] buffer = _payloads[to];
            _payloads[to] = _payloads[from];
            _payloads[from] = buffer;
            _lengths[to] = _lengths[from];
            _kinds[to] = _kinds[from];
            _priorities[to] = _priorities[from];
            _retain[to] = _retain[from];
            _keep[to] = _keep[from];
            _sent[to] = _sent[from];
            _sentAtMs[to] = _sentAtMs[from];
            _boots[to] = _boots[from];
            _sequences[to] = _sequences[from];
        }
    }
}
