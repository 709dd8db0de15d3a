using System;
using System.Collections;
using System.Threading;
using EdgeMicro.Core.Device;
using EdgeMicro.Core.Format;
using nanoFramework.M2Mqtt;
using nanoFramework.M2Mqtt.Messages;

namespace EdgeMicro.Firmware.Adapters
{
    /// <summary>
    /// <see cref="IMqttLink"/> over nanoFramework.M2Mqtt: a background thread (re)connects with exponential backoff
    /// (1 s doubling to 60 s) using a persistent session (client id = device id, clean session off) and a retained
    /// "offline" will on the status topic, and restores the subscriptions. Publish is QoS 1 and waits, bounded, for
    /// M2Mqtt's MqttMsgPublished event (PUBACK); received messages are queued for the firmware loop.
    /// </summary>
    public sealed class M2MqttLink : IMqttLink
    {
        private const int PublishTimeoutMs = 5000;
        private readonly DeviceConfig _config;
        private readonly IRuntimePlatform _platform;
        private readonly string _willTopic;
        private readonly string _willMessage;
        private readonly ArrayList _filters = new ArrayList();
        private readonly ArrayList _inbox = new ArrayList();
        private readonly ArrayList _acked = new ArrayList();
        private readonly AutoResetEvent _ackEvent = new AutoResetEvent(false);
        private MqttClient _client;

        /// <summary>Initializes a new instance of the <see cref="M2MqttLink"/> class.</summary>
        /// <param name="config">Broker, credentials, device id.</param>
        /// <param name="platform">Log.</param>
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
                MqttClient c = _client;
                return c != null && c.IsConnected;
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
            lock (_filters)
            {
                _filters.Add(filter);
            }

            MqttClient c = _client;
            if (c != null && c.IsConnected)
            {
                c.Subscribe(new string[] { filter }, new MqttQoSLevel[] { MqttQoSLevel.AtLeastOnce });
            }
        }

        /// <inheritdoc/>
        public bool Publish(string topic, byte[] payload, int length, bool retain)
        {
            MqttClient c = _client;
            if (c == null || !c.IsConnected)
            {
                return false;
            }

            byte[] message = new byte[length];
            Array.Copy(payload, message, length);
            try
            {
                ushort id = c.Publish(topic, message, null, null, MqttQoSLevel.AtLeastOnce, retain);
                long deadline = _platform.NowMs + PublishTimeoutMs;
                while (_platform.NowMs < deadline)
                {
                    lock (_acked)
                    {
                        int at = _acked.IndexOf(id);
                        if (at >= 0)
                        {
                            _acked.RemoveAt(at);
                            return true;
                        }
                    }

                    if (!c.IsConnected)
                    {
                        return false;
                    }

                    _ackEvent.WaitOne(100, false);
                }
            }
            catch (Exception e)
            {
                _platform.Log("mqtt publish failed: " + e.Message);
            }

            return false;
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
            int backoffMs = 1000;
            while (true)
            {
                if (IsConnected)
                {
                    Thread.Sleep(1000);
                    continue;
                }

                try
                {
                    MqttClient c = new MqttClient(_config.MqttHost, _config.MqttPort, false, null, null, MqttSslProtocols.None);
                    c.MqttMsgPublishReceived += OnReceived;
                    c.MqttMsgPublished += OnPublished;
                    MqttReasonCode code = c.Connect(_config.DeviceId, _config.MqttUser, _config.MqttPassword, true, MqttQoSLevel.AtLeastOnce, true, _willTopic, _willMessage, false, 15);
                    if (code == MqttReasonCode.Success)
                    {
                        _client = c;
                        ResubscribeAll(c);
                        backoffMs = 1000;
                        _platform.Log("mqtt connected");
                        continue;
                    }

                    _platform.Log("mqtt refused: " + ((int)code).ToString());
                }
                catch (Exception e)
                {
                    _platform.Log("mqtt connect failed: " + e.Message);
                }

                Thread.Sleep(backoffMs);
                backoffMs = backoffMs >= 30000 ? 60000 : backoffMs * 2;
            }
        }

        private void ResubscribeAll(MqttClient c)
        {
            lock (_filters)
            {
                for (int i = 0; i < _filters.Count; i++)
                {
                    c.Subscribe(new string[] { (string)_filters[i] }, new MqttQoSLevel[] { MqttQoSLevel.AtLeastOnce });
                }
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

            lock (_acked)
            {
                _acked.Add(e.MessageId);
                if (_acked.Count > 64)
                {
                    _acked.RemoveAt(0);
                }
            }

            _ackEvent.Set();
        }
    }
}
