using System.Buffers.Binary;
using System.Text;

namespace EdgeMicro.Mqtt.Packets;

/// <content>Variable header and payload decoding of each packet type.</content>
public static partial class MqttPacketReader
{
    private static MqttConnectPacket ReadConnect(ref MqttSpanReader r)
    {
        // Section 3.1.2.1 [MQTT-3.1.2-1]: protocol name "MQTT"; section 3.1.2.2 [MQTT-3.1.2-2]: level 4.
        string protocol = r.ReadString();
        byte level = r.ReadByte();
        if (protocol != "MQTT" || level != 4)
        {
            throw MqttException.Violation($"Unsupported protocol '{protocol}' level {level}; expected 'MQTT' level 4.");
        }

        byte flags = r.ReadByte();

        // Section 3.1.2.3 [MQTT-3.1.2-3]: the reserved flag must be zero.
        if ((flags & 0x01) != 0)
        {
            throw MqttException.Malformed("CONNECT reserved flag bit 0 is set (MQTT-3.1.2-3).");
        }

        bool willFlag = (flags & 0x04) != 0;
        int willQos = (flags >> 3) & 0x03;
        bool willRetain = (flags & 0x20) != 0;
        bool hasPassword = (flags & 0x40) != 0;
        bool hasUsername = (flags & 0x80) != 0;

        // Section 3.1.2.6 - 3.1.2.7 [MQTT-3.1.2-13, -14, -15]: Will QoS/Retain are 0 without a will; QoS 3 is invalid.
        if ((!willFlag && (willQos != 0 || willRetain)) || willQos == 3)
        {
            throw MqttException.Malformed("CONNECT Will QoS/Retain flags are invalid (MQTT-3.1.2-13/14/15).");
        }

        // Section 3.1.2.9 [MQTT-3.1.2-22]: no password without a user name.
        if (hasPassword && !hasUsername)
        {
            throw MqttException.Malformed("CONNECT has a password but no user name (MQTT-3.1.2-22).");
        }

        ushort keepAlive = r.ReadUInt16();
        string clientId = r.ReadString();
        MqttWill? will = null;
        if (willFlag)
        {
            string topic = r.ReadString();
            byte[] payload = r.ReadBinary();
            will = new MqttWill(topic, payload, ToSupportedQos(willQos), willRetain);
        }

        string? username = hasUsername ? r.ReadString() : null;
        byte[]? password = hasPassword ? r.ReadBinary() : null;
        return new MqttConnectPacket
        {
            ClientId = clientId,
            CleanSession = (flags & 0x02) != 0,
            KeepAliveSeconds = keepAlive,
            Username = username,
            Password = password,
            Will = will,
        };
    }

    private static MqttConnAckPacket ReadConnAck(ref MqttSpanReader r)
    {
        byte ackFlags = r.ReadByte();

        // Section 3.2.2.1: bits 7-1 of the acknowledge flags are reserved and must be 0.
        if ((ackFlags & 0xFE) != 0)
        {
            throw MqttException.Malformed($"CONNACK reserved acknowledge flags are set (0x{ackFlags:X2}, section 3.2.2.1).");
        }

        byte code = r.ReadByte();
        if (code > 5)
        {
            throw MqttException.Violation($"CONNACK return code 0x{code:X2} is reserved (section 3.2.2.3).");
        }

        return new MqttConnAckPacket((ackFlags & 0x01) != 0, (MqttConnectReturnCode)code);
    }

    private static MqttPublishPacket ReadPublish(ref MqttSpanReader r, int flags)
    {
        int qos = (flags >> 1) & 0x03;
        bool dup = (flags & 0x08) != 0;

        // Section 3.3.1.2 [MQTT-3.3.1-4]: both QoS bits set is malformed.
        if (qos == 3)
        {
            throw MqttException.Malformed("PUBLISH with QoS bits 11 (MQTT-3.3.1-4).");
        }

        // Section 3.3.1.1 [MQTT-3.3.1-2]: DUP must be 0 for QoS 0.
        if (qos == 0 && dup)
        {
            throw MqttException.Malformed("PUBLISH QoS 0 with DUP set (MQTT-3.3.1-2).");
        }

        string topic = r.ReadString();

        // Section 3.3.2.1 [MQTT-3.3.2-2]: no wildcards in a topic name.
        if (!MqttTopic.IsValidTopicName(topic, out string? error))
        {
            throw MqttException.Malformed($"PUBLISH topic name is invalid: {error}");
        }

        MqttQualityOfService level = ToSupportedQos(qos);
        ushort packetId = level == MqttQualityOfService.AtMostOnce ? (ushort)0 : r.ReadPacketId();
        return new MqttPublishPacket
        {
            Topic = topic,
            Payload = r.ReadRest(),
            Qos = level,
            Retain = (flags & 0x01) != 0,
            Dup = dup,
            PacketId = packetId,
        };
    }

    private static MqttSubscribePacket ReadSubscribe(ref MqttSpanReader r)
    {
        ushort packetId = r.ReadPacketId();
        var list = new List<MqttTopicSubscription>();
        while (!r.End)
        {
            string filter = r.ReadString();
            if (!MqttTopic.IsValidTopicFilter(filter, out string? error))
            {
                throw MqttException.Malformed($"SUBSCRIBE topic filter is invalid: {error}");
            }

            byte requested = r.ReadByte();

            // Section 3.8.3.1 [MQTT-3-8.3-4]: reserved bits 7-2 must be 0 and QoS 3 is malformed.
            if ((requested & 0xFC) != 0 || requested == 3)
            {
                throw MqttException.Malformed($"SUBSCRIBE requested QoS byte 0x{requested:X2} is malformed (MQTT-3-8.3-4).");
            }

            list.Add(new MqttTopicSubscription(filter, ToSupportedQos(requested)));
        }

        // Section 3.8.3 [MQTT-3.8.3-3]: at least one topic filter.
        return list.Count > 0
            ? new MqttSubscribePacket(packetId, list)
            : throw MqttException.Violation("SUBSCRIBE without topic filters (MQTT-3.8.3-3).");
    }

    private static MqttSubAckPacket ReadSubAck(ref MqttSpanReader r)
    {
        ushort packetId = r.ReadPacketId();
        var codes = new List<MqttSubscribeReturnCode>();
        while (!r.End)
        {
            byte code = r.ReadByte();

            // Section 3.9.3 [MQTT-3.9.3-2]: only 0x00, 0x01, 0x02 and 0x80 are allowed.
            if (code is not (0x00 or 0x01 or 0x02 or 0x80))
            {
                throw MqttException.Malformed($"SUBACK return code 0x{code:X2} is reserved (MQTT-3.9.3-2).");
            }

            codes.Add((MqttSubscribeReturnCode)code);
        }

        return codes.Count > 0
            ? new MqttSubAckPacket(packetId, codes)
            : throw MqttException.Malformed("SUBACK without return codes (section 3.9.3).");
    }

    private static MqttUnsubscribePacket ReadUnsubscribe(ref MqttSpanReader r)
    {
        ushort packetId = r.ReadPacketId();
        var filters = new List<string>();
        while (!r.End)
        {
            string filter = r.ReadString();
            if (!MqttTopic.IsValidTopicFilter(filter, out string? error))
            {
                throw MqttException.Malformed($"UNSUBSCRIBE topic filter is invalid: {error}");
            }

            filters.Add(filter);
        }

        // Section 3.10.3 [MQTT-3.10.3-2]: at least one topic filter.
        return filters.Count > 0
            ? new MqttUnsubscribePacket(packetId, filters)
            : throw MqttException.Violation("UNSUBSCRIBE without topic filters (MQTT-3.10.3-2).");
    }

    private static MqttQualityOfService ToSupportedQos(int qos) => qos switch
    {
        0 => MqttQualityOfService.AtMostOnce,
        1 => MqttQualityOfService.AtLeastOnce,
        _ => throw MqttException.Violation($"QoS {qos} is not supported by this client (QoS 0 and 1 only)."),
    };
}

/// <summary>Cursor over a packet body; every read checks bounds and raises a malformed-packet error.</summary>
internal ref struct MqttSpanReader(ReadOnlySpan<byte> span)
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private readonly ReadOnlySpan<byte> _span = span;
    private int _position;

    public readonly bool End => _position == _span.Length;

    public readonly int Remaining => _span.Length - _position;

    public byte ReadByte() => Take(1)[0];

    // Section 1.5.2: 16-bit integers are big-endian.
    public ushort ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public ushort ReadPacketId()
    {
        // Section 2.3.1 [MQTT-2.3.1-1]: packet identifiers are non-zero.
        ushort id = ReadUInt16();
        return id != 0 ? id : throw MqttException.Malformed("Packet identifier 0 is not allowed (MQTT-2.3.1-1).");
    }

    public byte[] ReadBinary() => Take(ReadUInt16()).ToArray();

    public string ReadString()
    {
        ReadOnlySpan<byte> bytes = Take(ReadUInt16());
        string value;
        try
        {
            value = StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException ex)
        {
            // Section 1.5.3 [MQTT-1.5.3-1]: ill-formed UTF-8 makes the packet malformed.
            throw new MqttException(MqttErrorKind.MalformedPacket, "String is not well-formed UTF-8 (MQTT-1.5.3-1).", ex);
        }

        // Section 1.5.3 [MQTT-1.5.3-2]: U+0000 is not allowed.
        return value.Contains('\0') ? throw MqttException.Malformed("String contains U+0000 (MQTT-1.5.3-2).") : value;
    }

    public byte[] ReadRest() => Take(Remaining).ToArray();

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count > Remaining)
        {
            throw MqttException.Malformed($"Packet body ends early: needed {count} bytes, {Remaining} left.");
        }

        ReadOnlySpan<byte> slice = _span.Slice(_position, count);
        _position += count;
        return slice;
    }
}
