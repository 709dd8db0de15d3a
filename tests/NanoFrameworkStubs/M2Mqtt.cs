// Mirrors nanoFramework.M2Mqtt 5.1.x (github.com/nanoframework/nanoFramework.m2mqtt: M2Mqtt/MqttClient.cs,
// Messages/MqttMsgPublishEventArgs.cs, Messages/MqttMsgPublishedEventArgs.cs, MqttSslProtocols.cs, and the
// MqttQoSLevel / MqttReasonCode / MqttProtocolVersion enums). Event delegate types are nested in MqttClient here; the
// newest sources declare the events with the same-shaped delegates nested in IMqttClient, which method-group
// subscriptions (all the adapter does) do not see.
using System;
using System.Collections;
using System.Security.Cryptography.X509Certificates;
using nanoFramework.M2Mqtt.Messages;
using NanoFrameworkStubs;

namespace nanoFramework.M2Mqtt.Messages
{
    public enum MqttQoSLevel : byte
    {
        AtMostOnce = 0x00,
        AtLeastOnce = 0x01,
        ExactlyOnce = 0x02,
        GrantedFailure = 0x80,
    }

    public enum MqttReasonCode : byte
    {
        Success = 0x00,
        UnacceptableProtocolVersion = 0x01,
        IdentifierRejected = 0x02,
        ServerUnavailable = 0x03,
        BadUsernameOrPassword = 0x04,
        NotAuthorized = 0x05,
    }

    public class MqttMsgPublishEventArgs : EventArgs
    {
        public string Topic => throw Stub.NotOnDesktop();

        public byte[] Message => throw Stub.NotOnDesktop();

        public bool DupFlag => throw Stub.NotOnDesktop();

        public MqttQoSLevel QosLevel => throw Stub.NotOnDesktop();

        public bool Retain => throw Stub.NotOnDesktop();
    }

    public class MqttMsgPublishedEventArgs : EventArgs
    {
        public MqttMsgPublishedEventArgs(ushort messageId) => throw Stub.NotOnDesktop();

        public MqttMsgPublishedEventArgs(ushort messageId, bool isPublished) => throw Stub.NotOnDesktop();

        public ushort MessageId
        {
            get => throw Stub.NotOnDesktop();
            set => throw Stub.NotOnDesktop();
        }

        public bool IsPublished
        {
            get => throw Stub.NotOnDesktop();
            set => throw Stub.NotOnDesktop();
        }
    }
}

namespace nanoFramework.M2Mqtt
{
    public enum MqttSslProtocols
    {
        None,
        SSLv3,
        TLSv1_0,
        TLSv1_1,
        TLSv1_2,
    }

    public enum MqttProtocolVersion
    {
        Version_3_1 = 0x03,
        Version_3_1_1 = 0x04,
        Version_5 = 0x05,
    }

    public class MqttClient : IDisposable
    {
        public MqttClient(string brokerHostName) => throw Stub.NotOnDesktop();

        public MqttClient(string brokerHostName, int brokerPort, bool secure, X509Certificate caCert, X509Certificate clientCert, MqttSslProtocols sslProtocol) => throw Stub.NotOnDesktop();

        public delegate void MqttMsgPublishEventHandler(object sender, MqttMsgPublishEventArgs e);

        public delegate void MqttMsgPublishedEventHandler(object sender, MqttMsgPublishedEventArgs e);

        public delegate void ConnectionClosedEventHandler(object sender, EventArgs e);

        public event MqttMsgPublishEventHandler MqttMsgPublishReceived
        {
            add => throw Stub.NotOnDesktop();
            remove => throw Stub.NotOnDesktop();
        }

        public event MqttMsgPublishedEventHandler MqttMsgPublished
        {
            add => throw Stub.NotOnDesktop();
            remove => throw Stub.NotOnDesktop();
        }

        public event ConnectionClosedEventHandler ConnectionClosed
        {
            add => throw Stub.NotOnDesktop();
            remove => throw Stub.NotOnDesktop();
        }

        public bool IsConnected => throw Stub.NotOnDesktop();

        public MqttProtocolVersion ProtocolVersion
        {
            get => throw Stub.NotOnDesktop();
            set => throw Stub.NotOnDesktop();
        }

        public MqttReasonCode Connect(string clientId) => throw Stub.NotOnDesktop();

        public MqttReasonCode Connect(string clientId, string username, string password) => throw Stub.NotOnDesktop();

        public MqttReasonCode Connect(string clientId, string username, string password, bool willRetain, MqttQoSLevel willQosLevel, bool willFlag, string willTopic, string willMessage, bool cleanSession, ushort keepAlivePeriod) => throw Stub.NotOnDesktop();

        public ushort Subscribe(string[] topics, MqttQoSLevel[] qosLevels) => throw Stub.NotOnDesktop();

        public ushort Unsubscribe(string[] topics) => throw Stub.NotOnDesktop();

        public ushort Publish(string topic, byte[] message) => throw Stub.NotOnDesktop();

        public ushort Publish(string topic, byte[] message, string contentType, ArrayList userProperties, MqttQoSLevel qosLevel, bool retain) => throw Stub.NotOnDesktop();

        public void Disconnect() => throw Stub.NotOnDesktop();

        public void Close() => throw Stub.NotOnDesktop();

        public void Dispose() => throw Stub.NotOnDesktop();
    }
}
