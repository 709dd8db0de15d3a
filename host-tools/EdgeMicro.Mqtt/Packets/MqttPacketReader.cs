namespace EdgeMicro.Mqtt.Packets;

/// <summary>
/// Decodes MQTT 3.1.1 control packets. The span-based methods are pure; <see cref="ReadAsync"/> frames packets from a
/// stream. Invalid bytes raise <see cref="MqttException"/> with <see cref="MqttErrorKind.MalformedPacket"/> (or
/// <see cref="MqttErrorKind.ProtocolViolation"/> for well-formed packets this client does not accept, such as QoS 2).
/// </summary>
public static partial class MqttPacketReader
{
    /// <summary>
    /// Reads the Remaining Length variable-length integer (section 2.2.3).
    /// </summary>
    /// <param name="source">Bytes starting at the first length byte.</param>
    /// <param name="value">The decoded length.</param>
    /// <param name="bytesRead">Number of length bytes (1 to 4).</param>
    /// <returns>False if <paramref name="source"/> ends before the last length byte.</returns>
    /// <exception cref="MqttException">A fourth byte still has its continuation bit set (more than four bytes).</exception>
    public static bool TryReadRemainingLength(ReadOnlySpan<byte> source, out int value, out int bytesRead)
    {
        value = 0;
        int multiplier = 1;
        for (int i = 0; i < 4; i++)
        {
            if (i >= source.Length)
            {
                bytesRead = 0;
                value = 0;
                return false;
            }

            byte digit = source[i];
            value += (digit & 0x7F) * multiplier;
            if ((digit & 0x80) == 0)
            {
                bytesRead = i + 1;
                return true;
            }

            multiplier *= 128;
        }

        // Section 2.2.3: at most four bytes; a continuation bit on the fourth byte makes the packet malformed.
        throw MqttException.Malformed("Malformed Remaining Length: more than four bytes (section 2.2.3).");
    }

    /// <summary>Decodes one complete packet; the span must hold exactly that packet.</summary>
    /// <param name="packet">Fixed header, remaining length and body.</param>
    /// <returns>The packet.</returns>
    /// <exception cref="MqttException">The bytes are not exactly one valid packet.</exception>
    public static MqttPacket Decode(ReadOnlySpan<byte> packet)
    {
        if (!TryDecode(packet, out MqttPacket? result, out int consumed))
        {
            throw MqttException.Malformed($"Truncated packet: {packet.Length} bytes do not hold a whole packet.");
        }

        if (consumed != packet.Length)
        {
            throw MqttException.Malformed($"{packet.Length - consumed} bytes follow the end of the packet.");
        }

        return result!;
    }

    /// <summary>Decodes the first packet of <paramref name="buffer"/> if it is complete (incremental decoding).</summary>
    /// <param name="buffer">Received bytes, starting at a fixed header.</param>
    /// <param name="packet">The packet, or null if more bytes are needed.</param>
    /// <param name="consumed">Bytes used by the packet, or 0.</param>
    /// <returns>True if a whole packet was decoded.</returns>
    /// <exception cref="MqttException">The bytes are not a valid packet.</exception>
    public static bool TryDecode(ReadOnlySpan<byte> buffer, out MqttPacket? packet, out int consumed)
    {
        packet = null;
        consumed = 0;
        if (buffer.Length < 2 || !TryReadRemainingLength(buffer[1..], out int length, out int lengthBytes))
        {
            return false;
        }

        int total = 1 + lengthBytes + length;
        if (buffer.Length < total)
        {
            return false;
        }

        packet = DecodeBody(buffer[0], buffer.Slice(1 + lengthBytes, length));
        consumed = total;
        return true;
    }

    /// <summary>
    /// Reads one packet from a stream: the fixed header byte, the Remaining Length, then exactly that many bytes.
    /// </summary>
    /// <param name="stream">Connected stream.</param>
    /// <param name="maxPacketSize">Largest Remaining Length accepted (protects memory).</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The packet, or null if the stream ended cleanly before a new packet started.</returns>
    /// <exception cref="MqttException">Malformed bytes, a packet over the size limit, or the stream ended mid-packet.</exception>
    public static async Task<MqttPacket?> ReadAsync(Stream stream, int maxPacketSize, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stream);
        byte[] header = new byte[5];
        if (await stream.ReadAsync(header.AsMemory(0, 1), cancellationToken).ConfigureAwait(false) == 0)
        {
            return null;
        }

        int length;
        int lengthBytes = 0;
        while (true)
        {
            await ReadExactAsync(stream, header.AsMemory(1 + lengthBytes, 1), cancellationToken).ConfigureAwait(false);
            lengthBytes++;
            if (TryReadRemainingLength(header.AsSpan(1, lengthBytes), out length, out _))
            {
                break;
            }
        }

        if (length > maxPacketSize)
        {
            throw MqttException.Violation($"Incoming packet of {length} bytes exceeds the {maxPacketSize}-byte limit.");
        }

        byte[] body = length == 0 ? [] : new byte[length];
        await ReadExactAsync(stream, body, cancellationToken).ConfigureAwait(false);
        return DecodeBody(header[0], body);
    }

    /// <summary>Decodes a packet from its fixed-header byte and its body (the Remaining Length bytes).</summary>
    /// <param name="fixedHeader">First byte: type in bits 7-4, flags in bits 3-0 (section 2.2).</param>
    /// <param name="body">Variable header and payload.</param>
    /// <returns>The packet.</returns>
    /// <exception cref="MqttException">The bytes are not a valid packet.</exception>
    public static MqttPacket DecodeBody(byte fixedHeader, ReadOnlySpan<byte> body)
    {
        var type = (MqttPacketType)(fixedHeader >> 4);
        int flags = fixedHeader & 0x0F;
        if (type != MqttPacketType.Publish)
        {
            // Section 2.2.2 [MQTT-2.2.2-1, MQTT-2.2.2-2]: fixed flags; SUBSCRIBE, UNSUBSCRIBE and PUBREL use 0010.
            int expected = type is MqttPacketType.Subscribe or MqttPacketType.Unsubscribe or MqttPacketType.PubRel ? 2 : 0;
            if (flags != expected)
            {
                throw MqttException.Malformed($"Invalid fixed header flags 0x{flags:X} for {type} (MQTT-2.2.2-2).");
            }
        }

        var reader = new MqttSpanReader(body);
        MqttPacket packet = type switch
        {
            MqttPacketType.Connect => ReadConnect(ref reader),
            MqttPacketType.ConnAck => ReadConnAck(ref reader),
            MqttPacketType.Publish => ReadPublish(ref reader, flags),
            MqttPacketType.PubAck => new MqttPubAckPacket(reader.ReadPacketId()),
            MqttPacketType.Subscribe => ReadSubscribe(ref reader),
            MqttPacketType.SubAck => ReadSubAck(ref reader),
            MqttPacketType.Unsubscribe => ReadUnsubscribe(ref reader),
            MqttPacketType.UnsubAck => new MqttUnsubAckPacket(reader.ReadPacketId()),
            MqttPacketType.PingReq => MqttPingReqPacket.Instance,
            MqttPacketType.PingResp => MqttPingRespPacket.Instance,
            MqttPacketType.Disconnect => MqttDisconnectPacket.Instance,
            MqttPacketType.PubRec or MqttPacketType.PubRel or MqttPacketType.PubComp =>
                throw MqttException.Violation($"{type} belongs to QoS 2, which this client does not support."),
            _ => throw MqttException.Malformed($"Reserved packet type {(int)type} (section 2.2.1)."),
        };

        if (!reader.End)
        {
            throw MqttException.Malformed($"{type}: {reader.Remaining} unexpected bytes after the packet content.");
        }

        return packet;
    }

    private static async Task ReadExactAsync(Stream stream, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        try
        {
            await stream.ReadExactlyAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        catch (EndOfStreamException ex)
        {
            throw new MqttException(MqttErrorKind.ConnectionLost, "The connection closed in the middle of a packet.", ex);
        }
    }
}
