using EdgeMicro.Core.Device.Ports;

namespace EdgeMicro.Core.Device.Messaging
{
    /// <summary>
    /// The bookkeeping of a device MQTT link, kept apart from the client library so it can be tested: connection state,
    /// when to (re)connect with exponential backoff, which subscriptions to replay after a connect, and the QoS 1
    /// publishes in flight until their PUBACK, their deadline or the loss of the connection. The adapter
    /// (<c>M2MqttLink</c> on the ESP32) does the I/O and passes in the clock; this class has no threads, no locks and
    /// does not allocate after construction, so an adapter that calls it from several threads serializes the calls.
    /// <para>
    /// Blocking bound: an adapter's publish waits only while <see cref="PublishStatus"/> is <see cref="Pending"/>,
    /// i.e. at most <see cref="PublishTimeoutMs"/> (at most <see cref="MaxPublishBlockMs"/>) after
    /// <see cref="OnPublishSent"/>, in waits of at most <see cref="WaitMs"/>; the connection being lost ends the wait
    /// at once (<see cref="Failed"/>).
    /// </para>
    /// </summary>
    public sealed class MqttSession
    {
        /// <summary>Connection state: not connected; <see cref="ShouldConnect"/> tells when to try.</summary>
        public const int Disconnected = 0;

        /// <summary>Connection state: an attempt is running.</summary>
        public const int Connecting = 1;

        /// <summary>Connection state: connected.</summary>
        public const int Connected = 2;

        /// <summary>Publish status: waiting for PUBACK.</summary>
        public const int Pending = 0;

        /// <summary>Publish status: acknowledged by the broker.</summary>
        public const int Acknowledged = 1;

        /// <summary>Publish status: no PUBACK before the deadline (the caller keeps the message queued).</summary>
        public const int TimedOut = 2;

        /// <summary>Publish status: the connection was lost while waiting, or the id is not in flight.</summary>
        public const int Failed = 3;

        /// <summary>Longest time a publish waits for its PUBACK (the bound every <see cref="IMqttLink"/> keeps).</summary>
        public const int MaxPublishBlockMs = 2000;

        /// <summary>First reconnect delay, also used after a connection that worked was lost.</summary>
        public const int InitialBackoffMs = 1000;

        /// <summary>Longest reconnect delay (the delay doubles after each failed attempt up to this).</summary>
        public const int MaxBackoffMs = 60000;

        /// <summary>Longest single wait an adapter makes before it asks <see cref="PublishStatus"/> again.</summary>
        public const int WaitSliceMs = 100;

        /// <summary>Subscriptions kept for replay.</summary>
        public const int MaxSubscriptions = 8;

        /// <summary>Publishes tracked in flight at once.</summary>
        public const int MaxInFlight = 4;

        /// <summary>PUBACKs remembered that arrived before their publish was recorded (the library's receive thread can be first).</summary>
        public const int EarlyAckSlots = 8;

        private const int Free = -1;

        private readonly string[] _filters = new string[MaxSubscriptions];
        private readonly int[] _ids = new int[MaxInFlight];
        private readonly long[] _deadlines = new long[MaxInFlight];
        private readonly int[] _status = new int[MaxInFlight];
        private readonly int[] _early = new int[EarlyAckSlots];
        private int _filterCount;
        private int _replayNext = -1;
        private int _earlyCount;
        private int _state;
        private long _nextAttemptMs;
        private int _backoffMs = InitialBackoffMs;

        /// <summary>Initializes a new instance of the <see cref="MqttSession"/> class.</summary>
        /// <param name="publishTimeoutMs">PUBACK deadline of a publish, 1..<see cref="MaxPublishBlockMs"/>.</param>
        public MqttSession(int publishTimeoutMs)
        {
            if (publishTimeoutMs < 1 || publishTimeoutMs > MaxPublishBlockMs)
            {
                throw new System.InvalidOperationException("publish timeout must be 1.." + MaxPublishBlockMs.ToString() + " ms");
            }

            PublishTimeoutMs = publishTimeoutMs;
            for (int i = 0; i < MaxInFlight; i++)
            {
                _status[i] = Free;
            }
        }

        /// <summary>Gets the PUBACK deadline of a publish in milliseconds.</summary>
        public int PublishTimeoutMs { get; private set; }

        /// <summary>Gets the connection state (<see cref="Disconnected"/>, <see cref="Connecting"/>, <see cref="Connected"/>).</summary>
        public int State
        {
            get { return _state; }
        }

        /// <summary>Gets a value indicating whether the session is connected.</summary>
        public bool IsConnected
        {
            get { return _state == Connected; }
        }

        /// <summary>Gets the delay the next failed attempt waits before the one after it.</summary>
        public int BackoffMs
        {
            get { return _backoffMs; }
        }

        /// <summary>Gets the number of subscriptions kept.</summary>
        public int SubscriptionCount
        {
            get { return _filterCount; }
        }

        /// <summary>Gets the number of publishes that got no PUBACK in time.</summary>
        public int Timeouts { get; private set; }

        /// <summary>Gets the number of publishes that failed because the connection was lost.</summary>
        public int Failures { get; private set; }

        /// <summary>Gets a value indicating whether a publish can start now (connected, a slot free).</summary>
        public bool CanPublish
        {
            get { return _state == Connected && FindSlot(Free, true) >= 0; }
        }

        /// <summary>Tells whether to start a connection attempt now; if so the state becomes <see cref="Connecting"/>.</summary>
        /// <param name="nowMs">Clock.</param>
        /// <returns>True when the caller must connect (and report the outcome).</returns>
        public bool ShouldConnect(long nowMs)
        {
            if (_state != Disconnected || nowMs < _nextAttemptMs)
            {
                return false;
            }

            _state = Connecting;
            return true;
        }

        /// <summary>Gets the milliseconds until the next attempt is due.</summary>
        /// <param name="nowMs">Clock.</param>
        /// <returns>0 when due now, -1 when connecting or connected.</returns>
        public long MillisecondsUntilConnect(long nowMs)
        {
            if (_state != Disconnected)
            {
                return -1;
            }

            return nowMs >= _nextAttemptMs ? 0 : _nextAttemptMs - nowMs;
        }

        /// <summary>Records a successful connect: backoff starts over and every subscription is to be replayed.</summary>
        public void OnConnected()
        {
            _state = Connected;
            _backoffMs = InitialBackoffMs;
            _replayNext = 0;
            _earlyCount = 0;
            FailAllPending();
        }

        /// <summary>Records a failed attempt: the next one waits the backoff, which then doubles (up to <see cref="MaxBackoffMs"/>).</summary>
        /// <param name="nowMs">Clock.</param>
        public void OnConnectFailed(long nowMs)
        {
            _state = Disconnected;
            _nextAttemptMs = nowMs + _backoffMs;
            _backoffMs = _backoffMs >= MaxBackoffMs / 2 ? MaxBackoffMs : _backoffMs * 2;
        }

        /// <summary>Records the loss of the connection: publishes in flight fail, the next attempt waits the backoff.</summary>
        /// <param name="nowMs">Clock.</param>
        public void OnConnectionLost(long nowMs)
        {
            if (_state == Disconnected)
            {
                return;
            }

            _state = Disconnected;
            _replayNext = -1;
            _nextAttemptMs = nowMs + _backoffMs;
            FailAllPending();
        }

        /// <summary>Keeps a subscription for replay after every connect (a filter kept already is not added again).</summary>
        /// <param name="filter">Topic filter.</param>
        /// <returns>True when the caller must also subscribe now (connected).</returns>
        public bool Subscribe(string filter)
        {
            bool known = false;
            for (int i = 0; i < _filterCount; i++)
            {
                known = known || _filters[i] == filter;
            }

            if (!known)
            {
                if (_filterCount == MaxSubscriptions)
                {
                    throw new System.InvalidOperationException("more than " + MaxSubscriptions.ToString() + " subscriptions");
                }

                _filters[_filterCount++] = filter;
            }

            return _state == Connected;
        }

        /// <summary>Gets the next subscription to replay after a connect, each once, in the order they were made.</summary>
        /// <returns>The filter, or null when all were replayed (or not connected).</returns>
        public string NextReplay()
        {
            if (_state != Connected || _replayNext < 0 || _replayNext >= _filterCount)
            {
                _replayNext = -1;
                return null;
            }

            return _filters[_replayNext++];
        }

        /// <summary>Records a QoS 1 publish the library sent under a message id; its deadline starts now.</summary>
        /// <param name="messageId">Message id the library returned.</param>
        /// <param name="nowMs">Clock.</param>
        /// <returns>False when no slot is free (check <see cref="CanPublish"/> first); the publish is then not tracked.</returns>
        public bool OnPublishSent(int messageId, long nowMs)
        {
            int slot = FindSlot(Free, true);
            if (slot < 0)
            {
                return false;
            }

            _ids[slot] = messageId;
            _deadlines[slot] = nowMs + PublishTimeoutMs;
            _status[slot] = TakeEarlyAck(messageId) ? Acknowledged : (_state == Connected ? Pending : Failed);
            return true;
        }

        /// <summary>Records a PUBACK (from the library's receive thread, serialized by the adapter).</summary>
        /// <param name="messageId">Acknowledged message id.</param>
        public void OnPuback(int messageId)
        {
            int slot = FindSlot(messageId, false);
            if (slot >= 0 && _status[slot] == Pending)
            {
                _status[slot] = Acknowledged;
                return;
            }

            if (slot < 0)
            {
                if (_earlyCount == EarlyAckSlots)
                {
                    RemoveEarly(0);
                }

                _early[_earlyCount++] = messageId;
            }
        }

        /// <summary>Gets the status of a publish; a final status (anything but <see cref="Pending"/>) releases its slot.</summary>
        /// <param name="messageId">Message id.</param>
        /// <param name="nowMs">Clock.</param>
        /// <returns><see cref="Pending"/>, <see cref="Acknowledged"/>, <see cref="TimedOut"/> or <see cref="Failed"/>.</returns>
        public int PublishStatus(int messageId, long nowMs)
        {
            int slot = FindSlot(messageId, false);
            if (slot < 0)
            {
                return Failed;
            }

            int status = _status[slot];
            if (status == Pending && nowMs >= _deadlines[slot])
            {
                status = TimedOut;
                Timeouts++;
            }

            if (status != Pending)
            {
                _status[slot] = Free;
            }

            return status;
        }

        /// <summary>Gets how long an adapter may wait (for a PUBACK signal) before asking <see cref="PublishStatus"/> again.</summary>
        /// <param name="messageId">Message id.</param>
        /// <param name="nowMs">Clock.</param>
        /// <returns>0..<see cref="WaitSliceMs"/>, never past the deadline.</returns>
        public int WaitMs(int messageId, long nowMs)
        {
            int slot = FindSlot(messageId, false);
            if (slot < 0 || _status[slot] != Pending)
            {
                return 0;
            }

            long left = _deadlines[slot] - nowMs;
            return left <= 0 ? 0 : (left < WaitSliceMs ? (int)left : WaitSliceMs);
        }

        private int FindSlot(int messageId, bool free)
        {
            for (int i = 0; i < MaxInFlight; i++)
            {
                if (free ? _status[i] == Free : (_status[i] != Free && _ids[i] == messageId))
                {
                    return i;
                }
            }

            return -1;
        }

        private bool TakeEarlyAck(int messageId)
        {
            for (int i = 0; i < _earlyCount; i++)
            {
                if (_early[i] == messageId)
                {
                    RemoveEarly(i);
                    return true;
                }
            }

            return false;
        }

        private void RemoveEarly(int at)
        {
            for (int i = at + 1; i < _earlyCount; i++)
            {
                _early[i - 1] = _early[i];
            }

            _earlyCount--;
        }

        private void FailAllPending()
        {
            for (int i = 0; i < MaxInFlight; i++)
            {
                if (_status[i] == Pending)
                {
                    _status[i] = Failed;
                    Failures++;
                }
            }
        }
    }
}
