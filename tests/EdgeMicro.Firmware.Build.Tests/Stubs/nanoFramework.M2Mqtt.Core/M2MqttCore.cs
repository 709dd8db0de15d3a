// Stub of nanoFramework.M2Mqtt 5.1.220's nanoFramework.M2Mqtt.Core.dll (compile-time only; see ../README.md).
// Source: github.com/nanoframework/nanoFramework.m2mqtt, tag v5.1.220: nanoFramework.M2Mqtt.Core/IMqttClient.cs,
// MqttSslProtocols.cs, Messages/MqttQoSLevel.cs, MqttReasonCode.cs (MQTT 5 codes: ServerUnavailable = 0x88,
// NotAuthorized = 0x87; the 3.1.1 ones are ConnectionRefused*), MqttMsgPublishEventArgs.cs, MqttMsgPublishedEventArgs.cs,
// MqttMsgSubscribedEventArgs.cs, MqttMsgUnsubscribedEventArgs.cs. The event delegates are nested in IMqttClient.
// Subset: IMqttClient whole (MqttClient implements it), the rest as the firmware uses it.
using System;
using System.Collections;
using nanoFramework.M2Mqtt.Messages;

namespace nanoFramework.M2Mqtt.Messages
{
    public enum MqttQoSLevel
    {
        AtMostOnce = 0x00,
        AtLeastOnce = 0x01,
        ExactlyOnce = 0x02,
        GrantedFailure = 0x80,
    }

    public enum MqttReasonCode
    {
        Success = 0x00,
        UnspecifiedError = 0x80,
        MalformedPacket = 0x81,
        ProtocolError = 0x82,
        ImplementationSpecificError = 0x83,
        UnsupportedProtocolVersion = 0x84,
        ClientIdentifierNotValid = 0x85,
        BadUserNameOrPassword = 0x86,
        NotAuthorized = 0x87,
        ServerUnavailable = 0x88,
        ServerBusy = 0x89,
        Banned = 0x8A,
        ConnectionRefusedUnacceptableProtocolVersion = 0x01,
        ConnectionRefusedIdentifierRejected = 0x02,
        ConnectionRefusedServerUnavailable = 0x03,
        ConnectionRefusedBadUserNameOrPassword = 0x04,
        ConnectionRefusedNotAuthorized = 0x05,
    }

    public class MqttMsgPublishEventArgs : EventArgs
    {
        public MqttMsgPublishEventArgs(string topic, byte[] message, bool dupFlag, MqttQoSLevel qosLevel, bool retain) => throw new NotImplementedException();

        public string Topic => throw new NotImplementedException();

        public byte[] Message => throw new NotImplementedException();

        public bool DupFlag => throw new NotImplementedException();

        public MqttQoSLevel QosLevel => throw new NotImplementedException();

        public bool Retain => throw new NotImplementedException();
    }

    public class MqttMsgPublishedEventArgs : EventArgs
    {
        public MqttMsgPublishedEventArgs(ushort messageId) => throw new NotImplementedException();

        public MqttMsgPublishedEventArgs(ushort messageId, bool isPublished) => throw new NotImplementedException();

        public ushort MessageId
        {
            get => throw new NotImplementedException();
            set => throw new NotImplementedException();
        }

        public bool IsPublished
        {
            get => throw new NotImplementedException();
            set => throw new NotImplementedException();
        }
    }

    public class MqttMsgSubscribedEventArgs : EventArgs
    {
        internal MqttMsgSubscribedEventArgs()
        {
        }
    }

    public class MqttMsgUnsubscribedEventArgs : EventArgs
    {
        public MqttMsgUnsubscribedEventArgs(ushort messageId) => throw new NotImplementedException();
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

    public interface IMqttClient
    {
        delegate void MqttMsgPublishEventHandler(object sender, MqttMsgPublishEventArgs e);

        delegate void MqttMsgPublishedEventHandler(object sender, MqttMsgPublishedEventArgs e);

        delegate void MqttMsgSubscribedEventHandler(object sender, MqttMsgSubscribedEventArgs e);

        delegate void MqttMsgUnsubscribedEventHandler(object sender, MqttMsgUnsubscribedEventArgs e);

        delegate void ConnectionClosedEventHandler(object sender, EventArgs e);

        event MqttMsgPublishEventHandler MqttMsgPublishReceived;

        event MqttMsgPublishedEventHandler MqttMsgPublished;

        event MqttMsgSubscribedEventHandler MqttMsgSubscribed;

        event MqttMsgUnsubscribedEventHandler MqttMsgUnsubscribed;

        event ConnectionClosedEventHandler ConnectionClosed;

        bool IsConnected { get; }

        void Init(string brokerHostName, int brokerPort, bool secure, byte[] caCert, byte[] clientCert, MqttSslProtocols sslProtocol);

        MqttReasonCode Connect(string clientId, string username, string password, bool willRetain, MqttQoSLevel willQosLevel, bool willFlag, string willTopic, string willMessage, bool cleanSession, ushort keepAlivePeriod);

        void Disconnect();

        ushort Subscribe(string[] topics, MqttQoSLevel[] qosLevels);

        ushort Unsubscribe(string[] topics);

        ushort Publish(string topic, byte[] message, string contentType, ArrayList userProperties, MqttQoSLevel qosLevel, bool retain);

        ushort Publish(string topic, byte[] message, string contentType);

        ushort Publish(string topic, byte[] message);

        void Close();
    }
}
