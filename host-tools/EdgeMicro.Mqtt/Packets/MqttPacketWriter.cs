using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace EdgeMicro.Mqtt.Packets;

/// <summary>
/// Encodes MQTT 3.1.1 control packets to bytes. Pure: no I/O. Invalid content (bad topic, missing packet id, ...)
/// raises <see cref="ArgumentException"/>, so nothing that violates the spec is ever put on the wire.
/// </summary>
public static class MqttPacketWriter
{
    /// <summary>Largest value of the Remaining Length field (section 2.2.3: four bytes, 268,435,455).</summary>
    public const int MaxRemainingLength = 268_435_455;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Encodes one packet, fixed header included.</summary>
    /// <param name="packet">Packet to encode.</param>
    /// <returns>The bytes to send.</returns>
    /// <exception cref="ArgumentException">The packet content is not allowed by the spec.</exception>
    public static byte[] Encode(MqttPacket packet)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var body = new ArrayBufferWriter<byte>(64);
        byte flags = packet switch
        {
            MqttConnectPacket p => WriteConnect(body, p),
            MqttConnAckPacket p => WriteConnAck(body, p),
            MqttPublishPacket p => WritePublish(body, p),
            MqttPubAckPacket p => WritePacketId(body, p.PacketId, 0),
            MqttSubscribePacket p => WriteSubscribe(body, p),
            MqttSubAckPacket p => WriteSubAck(body, p),
            MqttUnsubscribePacket p => WriteUnsubscribe(body, p),
            MqttUnsubAckPacket p => WritePacketId(body, p.PacketId, 0),
            MqttPingReqPacket or MqttPingRespPacket or MqttDisconnectPacket => 0,
            _ => throw new ArgumentException($"Unsupported packet {packet.GetType().Name}.", nameof(packet)),
        };

        if (body.WrittenCount > MaxRemainingLength)
        {
            throw new ArgumentException($"Packet too large: {body.WrittenCount} bytes exceed the 268435455 maximum (section 2.2.3).");
        }

        // Section 2.2: fixed header = type in bits 7-4, flags in bits 3-0, then the Remaining Length.
        Span<byte> length = stackalloc byte[4];
        int lengthBytes = WriteRemainingLength(length, body.WrittenCount);
        byte[] result = new byte[1 + lengthBytes + body.WrittenCount];
        result[0] = (byte)(((int)packet.Type << 4) | flags);
        length[..lengthBytes].CopyTo(result.AsSpan(1));
        body.WrittenSpan.CopyTo(result.AsSpan(1 + lengthBytes));
        return result;
    }

    /// <summary>
    /// Writes the Remaining Length variable-length integer (section 2.2.3): 7 bits per byte, least significant group
    /// first, bit 7 set on every byte but the last, at most four bytes.
    /// </summary>
    /// <param name="destination">At least four bytes.</param>
    /// <param name="value">0 to 268,435,455.</param>
    /// <returns>Number of bytes written (1 to 4).</returns>
    public static int WriteRemainingLength(Span<byte> destination, int value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(value, MaxRemainingLength);
        int count = 0;
        do
        {
            byte digit = (byte)(value % 128);
            value /= 128;
            if (value > 0)
            {
                digit |= 0x80;
            }

            destination[count++] = digit;
        }
        while (value > 0);
        return count;
    }

    /// <summary>Encodes a Remaining Length value to a new array (section 2.2.3).</summary>
    /// <param name="value">0 to 268,435,455.</param>
    /// <returns>One to four bytes.</returns>
    public static byte[] EncodeRemainingLength(int value)
    {
        Span<byte> buffer = stackalloc byte[4];
        return buffer[..WriteRemainingLength(buffer, value)].ToArray();
    }

    private static byte WriteConnect(ArrayBufferWriter<byte> w, MqttConnectPacket p)
    {
        // Section 3.1.3.1 [MQTT-3.1.3-7]: a zero-byte client id requires CleanSession = 1.
        if (p.ClientId.Length == 0 && !p.CleanSession)
        {
            throw new ArgumentException("An empty client id requires CleanSession = true (MQTT-3.1.3-7).", nameof(p));
        }

        // Section 3.1.2.9 [MQTT-3.1.2-22]: a password requires a user name.
        if (p.Password is not null && p.Username is null)
        {
            throw new ArgumentException("A password requires a user name (MQTT-3.1.2-22).", nameof(p));
        }

        // Section 3.1.2.1 - 3.1.2.2: protocol name "MQTT" and protocol level 4.
        WriteString(w, "MQTT");
        WriteByte(w, 4);

        // Section 3.1.2.3: connect flags; bit 0 is reserved and must be 0 [MQTT-3.1.2-3].
        int flags = p.CleanSession ? 0x02 : 0;
        if (p.Will is { } will)
        {
            MqttTopic.ValidateTopicName(will.Topic, "Will.Topic");
            RequireSupportedQos(will.Qos);
            flags |= 0x04 | ((int)will.Qos << 3) | (will.Retain ? 0x20 : 0);
        }

        flags |= (p.Password is not null ? 0x40 : 0) | (p.Username is not null ? 0x80 : 0);
        WriteByte(w, (byte)flags);
        WriteUInt16(w, p.KeepAliveSeconds);

        // Section 3.1.3: payload order is client id, will topic, will message, user name, password.
        WriteString(w, p.ClientId);
        if (p.Will is not null)
        {
            WriteString(w, p.Will.Topic);
            WriteBinary(w, p.Will.Payload);
        }

        if (p.Username is not null)
        {
            WriteString(w, p.Username);
        }

        if (p.Password is not null)
        {
            WriteBinary(w, p.Password);
        }

        return 0;
    }

    private static byte WriteConnAck(ArrayBufferWriter<byte> w, MqttConnAckPacket p)
    {
        // Section 3.2.2.2 [MQTT-3.2.2-4]: Session Present must be 0 when the return code is non-zero.
        if (p.SessionPresent && p.ReturnCode != MqttConnectReturnCode.Accepted)
        {
            throw new ArgumentException("Session Present must be 0 with a non-zero return code (MQTT-3.2.2-4).", nameof(p));
        }

        WriteByte(w, (byte)(p.SessionPresent ? 1 : 0));
        WriteByte(w, (byte)p.ReturnCode);
        return 0;
    }

    private static byte WritePublish(ArrayBufferWriter<byte> w, MqttPublishPacket p)
    {
        MqttTopic.ValidateTopicName(p.Topic, nameof(p.Topic));
        if (p.Qos == MqttQualityOfService.AtMostOnce)
        {
            // Section 3.3.1.1 [MQTT-3.3.1-2]: DUP must be 0 for QoS 0; section 2.3.1 [MQTT-2.3.1-5]: no packet id.
            if (p.Dup || p.PacketId != 0)
            {
                throw new ArgumentException("A QoS 0 PUBLISH has DUP = 0 and no packet identifier (MQTT-3.3.1-2, MQTT-2.3.1-5).", nameof(p));
            }
        }
        else
        {
            RequireSupportedQos(p.Qos);
        }

        WriteString(w, p.Topic);
        if (p.Qos == MqttQualityOfService.AtLeastOnce)
        {
            WriteUInt16(w, RequirePacketId(p.PacketId));
        }

        w.Write(p.Payload);

        // Section 3.3.1: DUP is bit 3, QoS bits 2-1, RETAIN bit 0.
        return (byte)((p.Dup ? 0x08 : 0) | ((int)p.Qos << 1) | (p.Retain ? 0x01 : 0));
    }

    private static byte WriteSubscribe(ArrayBufferWriter<byte> w, MqttSubscribePacket p)
    {
        WriteUInt16(w, RequirePacketId(p.PacketId));

        // Section 3.8.3 [MQTT-3.8.3-3]: at least one topic filter / QoS pair.
        if (p.Subscriptions.Count == 0)
        {
            throw new ArgumentException("SUBSCRIBE needs at least one topic filter (MQTT-3.8.3-3).", nameof(p));
        }

        foreach (MqttTopicSubscription s in p.Subscriptions)
        {
            MqttTopic.ValidateTopicFilter(s.Filter, nameof(p.Subscriptions));
            RequireSupportedQos(s.Qos);
            WriteString(w, s.Filter);
            WriteByte(w, (byte)s.Qos);
        }

        // Section 3.8.1 [MQTT-3.8.1-1]: fixed header flags are 0010.
        return 0x02;
    }

    private static byte WriteSubAck(ArrayBufferWriter<byte> w, MqttSubAckPacket p)
    {
        WriteUInt16(w, RequirePacketId(p.PacketId));
        foreach (MqttSubscribeReturnCode code in p.ReturnCodes)
        {
            WriteByte(w, (byte)code);
        }

        return 0;
    }

    private static byte WriteUnsubscribe(ArrayBufferWriter<byte> w, MqttUnsubscribePacket p)
    {
        WriteUInt16(w, RequirePacketId(p.PacketId));

        // Section 3.10.3 [MQTT-3.10.3-2]: at least one topic filter.
        if (p.Filters.Count == 0)
        {
            throw new ArgumentException("UNSUBSCRIBE needs at least one topic filter (MQTT-3.10.3-2).", nameof(p));
        }

        foreach (string filter in p.Filters)
        {
            MqttTopic.ValidateTopicFilter(filter, nameof(p.Filters));
            WriteString(w, filter);
        }

        // Section 3.10.1 [MQTT-3.10.1-1]: fixed header flags are 0010.
        return 0x02;
    }

    private static byte WritePacketId(ArrayBufferWriter<byte> w, ushort packetId, byte flags)
    {
        WriteUInt16(w, RequirePacketId(packetId));
        return flags;
    }

    private static void RequireSupportedQos(MqttQualityOfService qos)
    {
        if (qos is not (MqttQualityOfService.AtMostOnce or MqttQualityOfService.AtLeastOnce))
        {
            throw new ArgumentException($"QoS {(int)qos} is not supported by this client (QoS 0 and 1 only).");
        }
    }

    private static ushort RequirePacketId(ushort packetId) =>
        packetId != 0 ? packetId : throw new ArgumentException("Packet identifiers must be non-zero (MQTT-2.3.1-1).");

    private static void WriteByte(ArrayBufferWriter<byte> w, byte value)
    {
        w.GetSpan(1)[0] = value;
        w.Advance(1);
    }

    private static void WriteUInt16(ArrayBufferWriter<byte> w, ushort value)
    {
        // Section 1.5.2: integers are big-endian.
        BinaryPrimitives.WriteUInt16BigEndian(w.GetSpan(2), value);
        w.Advance(2);
    }

    private static void WriteString(ArrayBufferWriter<byte> w, string value)
    {
        // Section 1.5.3 [MQTT-1.5.3-2]: UTF-8 strings must not include U+0000.
        if (value.Contains('\0'))
        {
            throw new ArgumentException("MQTT strings must not contain U+0000 (MQTT-1.5.3-2).");
        }

        byte[] bytes;
        try
        {
            bytes = StrictUtf8.GetBytes(value);
        }
        catch (EncoderFallbackException ex)
        {
            throw new ArgumentException("MQTT strings must be well-formed UTF-8 (MQTT-1.5.3-1).", ex);
        }

        WriteBinary(w, bytes);
    }

    private static void WriteBinary(ArrayBufferWriter<byte> w, ReadOnlySpan<byte> bytes)
    {
        // Section 1.5.3: two-byte big-endian length prefix, so at most 65535 bytes.
        if (bytes.Length > ushort.MaxValue)
        {
            throw new ArgumentException($"Length-prefixed fields hold at most 65535 bytes, got {bytes.Length}.");
        }

        WriteUInt16(w, (ushort)bytes.Length);
        w.Write(bytes);
    }
}
