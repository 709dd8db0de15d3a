// Stub of nanoFramework.M2Mqtt 5.1.220's nanoFramework.M2Mqtt.dll (compile-time only; see ../README.md).
// Source: github.com/nanoframework/nanoFramework.m2mqtt, tag v5.1.220: M2Mqtt/MqttClient.cs. MqttClient implements
// nanoFramework.M2Mqtt.Core's IMqttClient and declares its events with IMqttClient's delegate types. Subset: the
// constructors, IMqttClient's members, the Connect overloads and Dispose.
using System;
using System.Collections;
using System.Security.Cryptography.X509Certificates;
using nanoFramework.M2Mqtt.Messages;

namespace nanoFramework.M2Mqtt
{
    public class MqttClient : IMqttClient, IDisposable
    {
        public MqttClient(string brokerHostName) => throw new NotImplementedException();

        public MqttClient(string brokerHostName, int brokerPort, bool secure, X509Certificate caCert, X509Certificate clientCert, MqttSslProtocols sslProtocol) => throw new NotImplementedException();

        public event IMqttClient.MqttMsgPublishEventHandler MqttMsgPublishReceived
        {
            add => throw new NotImplementedException();
            remove => throw new NotImplementedException();
        }

        public event IMqttClient.MqttMsgPublishedEventHandler MqttMsgPublished
        {
            add => throw new NotImplementedException();
            remove => throw new NotImplementedException();
        }

        public event IMqttClient.MqttMsgSubscribedEventHandler MqttMsgSubscribed
        {
            add => throw new NotImplementedException();
            remove => throw new NotImplementedException();
        }

        public event IMqttClient.MqttMsgUnsubscribedEventHandler MqttMsgUnsubscribed
        {
            add => throw new NotImplementedException();
            remove => throw new NotImplementedException();
        }

        public event IMqttClient.ConnectionClosedEventHandler ConnectionClosed
        {
            add => throw new NotImplementedException();
            remove => throw new NotImplementedException();
        }

        public bool IsConnected => throw new NotImplementedException();

        public void Init(string brokerHostName, int brokerPort, bool secure, byte[] caCert, byte[] clientCert, MqttSslProtocols sslProtocol) => throw new NotImplementedException();

        public MqttReasonCode Connect(string clientId) => throw new NotImplementedException();

        public MqttReasonCode Connect(string clientId, string username, string password) => throw new NotImplementedException();

        public MqttReasonCode Connect(string clientId, string username, string password, bool willRetain, MqttQoSLevel willQosLevel, bool willFlag, string willTopic, string willMessage, bool cleanSession, ushort keepAlivePeriod) => throw new NotImplementedException();

        public void Disconnect() => throw new NotImplementedException();

        public ushort Subscribe(string[] topics, MqttQoSLevel[] qosLevels) => throw new NotImplementedException();

        public ushort Unsubscribe(string[] topics) => throw new NotImplementedException();

        public ushort Publish(string topic, byte[] message) => throw new NotImplementedException();

        public ushort Publish(string topic, byte[] message, string contentType) => throw new NotImplementedException();

        public ushort Publish(string topic, byte[] message, string contentType, ArrayList userProperties, MqttQoSLevel qosLevel, bool retain) => throw new NotImplementedException();

        public void Close() => throw new NotImplementedException();

        public void Dispose() => throw new NotImplementedException();
    }
}
