using System.Collections;
using System.Threading;
using System;
using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Core.Format;
using nanoFramework.M2Mqtt.Messages;
using nanoFramework.M2Mqtt;

namespace EdgeMicro.Firmware.Adapters
{
    /// <summary>
    /// <see cref="IMqttLink"/> over nanoFramework.M2Mqtt, a thin adapter: all decisions (when to reconnect and the
    /// backoff, which subscriptions to replay, which QoS 1 publish got its PUBACK, how long to wait) are made by the
    /// core's <see cref="MqttSession"/>; this class does the library calls and serializes access to the session
    /// (M2Mqtt raises its events on its own threads). A connection thread connects when the session says so (persistent
    /// session: client id = device id, clean session off; retained "offline" will on the status topic). Publish
    /// returns within <see cref="MqttSession.MaxPublishBlockMs"/> after M2Mqtt queued the message: it waits on the
    /// PUBACK event in slices the session bounds by the deadline, and a closed connection ends the wait at once.
    /// </summary>
    public sealed class M2MqttLink : IMqttLink
    {
        private const int PublishTimeoutMs = MqttSession.MaxPublishBlockMs;
        private readonly DeviceConfig _config;
        private readonly IRuntimePlatform _platform;
        private readonly string _willTopic;
        private readonly string _willMessage;
        private readonly MqttSession _session = new MqttSession(PublishTimeoutMs);
        private readonly ArrayList _inbox = new ArrayList();
        private readonly AutoResetEvent _signal = new AutoResetEvent(false);
        private MqttClient _client;

        /// <summary>Initializes a new instance of the <see cref="M2MqttLink"/> class.</summary>
        /// <param name="config">Broker, credentials, device id.</param>
        /// <param name="platform">Clock and log.</param>
        public M2MqttLink(DeviceConfig config, IRuntimePlatform platform)
        {
            _config = config;
            _platform = platform;
            _willTopic = TopicLayout.Of(config.DeviceId, TopicLayout.StatusLeaf);
            PayloadWriter will = new PayloadWriter(64);
            Payloads.Offline(will);
            _willMessage = Utf8.Decode(will.Buffer, 0, will.Length);
        }

        /// <inheritdoc/>
        public bool IsConnected
        {
            get
            {
                lock (_session)
                {
                    return _session.IsConnected;
                }
            }
        }

        /// <summary>Starts the connection thread.</summary>
        public void Start()
        {
            new Thread(ConnectLoop).Start();
        }

        /// <inheritdoc/>
        public void Subscribe(string filter)
        {
            bool now;
            lock (_session)
            {
                now = _session.Subscribe(filter);
            }

            MqttClient c = _client;
            if (now && c != null)
            {
                SubscribeOne(c, filter);
            }
        }

        /// <inheritdoc/>
        public bool Publish(string topic, byte[] payload, int length, bool retain)
        {
            MqttClient c = _client;
            lock (_session)
            {
                if (c == null || !_session.CanPublish)
                {
                    return false;
                }
            }

            byte[] message = new byte[length];
            Array.Copy(payload, message, length);
            int id;
            try
            {
                id = c.Publish(topic, message, null, null, MqttQoSLevel.AtLeastOnce, retain);
            }
            catch (Exception e)
            {
                _platform.Log("mqtt publish failed: " + e.Message);
                return false;
            }

            lock (_session)
            {
                _session.OnPublishSent(id, _platform.NowMs);
            }

            while (true)
            {
                int status;
                int waitMs;
                lock (_session)
                {
                    long now = _platform.NowMs;
                    waitMs = _session.WaitMs(id, now);
                    status = _session.PublishStatus(id, now);
                }

                if (status != MqttSession.Pending)
                {
                    return status == MqttSession.Acknowledged;
                }

                _signal.WaitOne(waitMs, false);
            }
        }

        /// <inheritdoc/>
        public MqttInbound Receive()
        {
            lock (_inbox)
            {
                if (_inbox.Count == 0)
                {
                    return null;
                }

                MqttInbound m = (MqttInbound)_inbox[0];
                _inbox.RemoveAt(0);
                return m;
            }
        }

        private void ConnectLoop()
        {
            while (true)
            {
                long wait;
                bool connect;
                MqttClient current = _client;
                bool lost = current != null && !current.IsConnected;
                lock (_session)
                {
                    // M2Mqtt may close without ConnectionClosed (keep-alive loss); the session ignores a repeat.
                    if (lost)
                    {
                        _session.OnConnectionLost(_platform.NowMs);
                    }

                    connect = _session.ShouldConnect(_platform.NowMs);
                    wait = _session.MillisecondsUntilConnect(_platform.NowMs);
                }

                if (lost)
                {
                    _signal.Set();
                }

                if (connect)
                {
                    Connect();
                }
                else
                {
                    Thread.Sleep(wait > 0 && wait < 1000 ? (int)wait : 1000);
                }
            }
        }

        private void Connect()
        {
            try
            {
                MqttClient c = new MqttClient(_config.MqttHost, _config.MqttPort, false, null, null, MqttSslProtocols.None);
                c.MqttMsgPublishReceived += OnReceived;
                c.MqttMsgPublished += OnPublished;
                c.ConnectionClosed += OnClosed;
                MqttReasonCode code = c.Connect(_config.DeviceId, _config.MqttUser, _config.MqttPassword, true, MqttQoSLevel.AtLeastOnce, true, _willTopic, _willMessage, false, 15);
                if (code == MqttReasonCode.Success)
                {
                    _client = c;
                    lock (_session)
                    {
                        _session.OnConnected();
                    }

                    Replay(c);
                    _platform.Log("mqtt connected");
                    return;
                }

                _platform.Log("mqtt refused: " + ((int)code).ToString());
            }
            catch (Exception e)
            {
                _platform.Log("mqtt connect failed: " + e.Message);
            }

            lock (_session)
            {
                _session.OnConnectFailed(_platform.NowMs);
            }
        }

        private void Replay(MqttClient c)
        {
            while (true)
            {
                string filter;
                lock (_session)
                {
                    filter = _session.NextReplay();
                }

                if (filter == null)
                {
                    return;
                }

                SubscribeOne(c, filter);
            }
        }

        private void SubscribeOne(MqttClient c, string filter)
        {
            try
            {
                c.Subscribe(new string[] { filter }, new MqttQoSLevel[] { MqttQoSLevel.AtLeastOnce });
            }
            catch (Exception e)
            {
                _platform.Log("mqtt subscribe failed: " + e.Message);
            }
        }

        private void OnReceived(object sender, MqttMsgPublishEventArgs e)
        {
            lock (_inbox)
            {
                _inbox.Add(new MqttInbound(e.Topic, e.Message));
            }
        }

        private void OnPublished(object sender, MqttMsgPublishedEventArgs e)
        {
            if (!e.IsPublished)
            {
                return;
            }

            lock (_session)
            {
                _session.OnPuback(e.MessageId);
            }

            _signal.Set();
        }

        private void OnClosed(object sender, EventArgs e)
        {
            lock (_session)
            {
                _session.OnConnectionLost(_platform.NowMs);
            }

            _signal.Set();
        }
    }
}
