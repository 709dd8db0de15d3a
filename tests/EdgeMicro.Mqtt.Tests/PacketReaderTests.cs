using EdgeMicro.Mqtt;
using EdgeMicro.Mqtt.Packets;

namespace EdgeMicro.Mqtt.Tests;

/// <summary>Decoding of literal bytes, including every malformed case the reader must reject.</summary>
public sealed class PacketReaderTests
{
    [Fact]
    public void Decode_WhenConnectLiteral_ReturnsAllFields()
    {
        byte[] bytes =
        [
            0x10, 0x1F, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0xEE, 0x00, 0x3C, 0x00, 0x04, 0x64, 0x65, 0x76, 0x31,
            0x00, 0x01, 0x77, 0x00, 0x03, 0x62, 0x79, 0x65, 0x00, 0x01, 0x75, 0x00, 0x02, 0x70, 0x77,
        ];
        var packet = Assert.IsType<MqttConnectPacket>(MqttPacketReader.Decode(bytes));
        Assert.Equal("dev1", packet.ClientId);
        Assert.True(packet.CleanSession);
        Assert.Equal(60, packet.KeepAliveSeconds);
        Assert.Equal("u", packet.Username);
        Assert.Equal("pw"u8.ToArray(), packet.Password);
        Assert.NotNull(packet.Will);
        Assert.Equal("w", packet.Will.Topic);
        Assert.Equal("bye"u8.ToArray(), packet.Will.Payload);
        Assert.Equal(MqttQualityOfService.AtLeastOnce, packet.Will.Qos);
        Assert.True(packet.Will.Retain);
    }

    [Fact]
    public void Decode_WhenPublishQos1Literal_ReturnsFlagsIdAndPayload()
    {
        var packet = Assert.IsType<MqttPublishPacket>(
            MqttPacketReader.Decode([0x3B, 0x09, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x00, 0x0A, 0x68, 0x69]));
        Assert.Equal("a/b", packet.Topic);
        Assert.Equal(MqttQualityOfService.AtLeastOnce, packet.Qos);
        Assert.True(packet.Dup);
        Assert.True(packet.Retain);
        Assert.Equal(10, packet.PacketId);
        Assert.Equal("hi"u8.ToArray(), packet.Payload);
    }

    [Fact]
    public void Decode_WhenSubscribeLiteral_ReturnsFiltersInOrder()
    {
        var packet = Assert.IsType<MqttSubscribePacket>(
            MqttPacketReader.Decode([0x82, 0x0C, 0x00, 0x01, 0x00, 0x03, 0x61, 0x2F, 0x2B, 0x01, 0x00, 0x01, 0x23, 0x00]));
        Assert.Equal(1, packet.PacketId);
        Assert.Equal(
            [new MqttTopicSubscription("a/+", MqttQualityOfService.AtLeastOnce), new MqttTopicSubscription("#")],
            packet.Subscriptions);
    }

    [Fact]
    public void Decode_WhenSubAckHasFailureCode_ReturnsFailure()
    {
        var packet = Assert.IsType<MqttSubAckPacket>(MqttPacketReader.Decode([0x90, 0x04, 0x00, 0x07, 0x00, 0x80]));
        Assert.Equal(7, packet.PacketId);
        Assert.Equal([MqttSubscribeReturnCode.GrantedQoS0, MqttSubscribeReturnCode.Failure], packet.ReturnCodes);
    }

    [Fact]
    public void Decode_WhenConnAckRefuses_ReturnsCode()
    {
        var packet = Assert.IsType<MqttConnAckPacket>(MqttPacketReader.Decode([0x20, 0x02, 0x00, 0x05]));
        Assert.False(packet.SessionPresent);
        Assert.Equal(MqttConnectReturnCode.NotAuthorized, packet.ReturnCode);
    }

    [Theory]
    [InlineData(new byte[] { 0x00, 0x00 }, "reserved packet type 0")]
    [InlineData(new byte[] { 0xF0, 0x00 }, "reserved packet type 15")]
    [InlineData(new byte[] { 0x36, 0x03, 0x00, 0x01, 0x61 }, "PUBLISH QoS bits 11")]
    [InlineData(new byte[] { 0x38, 0x03, 0x00, 0x01, 0x61 }, "QoS 0 with DUP")]
    [InlineData(new byte[] { 0x30, 0x03, 0x00, 0x01, 0x23 }, "wildcard in topic name")]
    [InlineData(new byte[] { 0x30, 0x03, 0x00, 0x01, 0x00 }, "U+0000 in string")]
    [InlineData(new byte[] { 0x30, 0x04, 0x00, 0x02, 0xC3, 0x28 }, "ill-formed UTF-8")]
    [InlineData(new byte[] { 0x30, 0x05, 0x00, 0x03, 0xED, 0xA0, 0x80 }, "UTF-8 encoded surrogate")]
    [InlineData(new byte[] { 0x30, 0x03, 0x00, 0x05, 0x61 }, "string longer than packet")]
    [InlineData(new byte[] { 0x32, 0x04, 0x00, 0x01, 0x61, 0x00 }, "QoS 1 without full packet id")]
    [InlineData(new byte[] { 0x32, 0x05, 0x00, 0x01, 0x61, 0x00, 0x00 }, "packet id 0")]
    [InlineData(new byte[] { 0x80, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x01 }, "SUBSCRIBE flags 0000")]
    [InlineData(new byte[] { 0x82, 0x06, 0x00, 0x01, 0x00, 0x01, 0x61, 0x04 }, "SUBSCRIBE reserved QoS bits")]
    [InlineData(new byte[] { 0x40, 0x03, 0x00, 0x01, 0x00 }, "PUBACK too long")]
    [InlineData(new byte[] { 0x41, 0x02, 0x00, 0x01 }, "PUBACK flags")]
    [InlineData(new byte[] { 0x20, 0x02, 0x02, 0x00 }, "CONNACK reserved flags")]
    [InlineData(new byte[] { 0x90, 0x03, 0x00, 0x01, 0x03 }, "SUBACK code 3")]
    [InlineData(new byte[] { 0xD0, 0x01, 0x00 }, "PINGRESP with body")]
    [InlineData(new byte[] { 0x10, 0x0D, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x03, 0x00, 0x00, 0x00, 0x01, 0x61 }, "CONNECT reserved flag")]
    [InlineData(new byte[] { 0x10, 0x0D, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x12, 0x00, 0x00, 0x00, 0x01, 0x61 }, "will QoS without will flag")]
    [InlineData(new byte[] { 0x10, 0x0D, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x42, 0x00, 0x00, 0x00, 0x01, 0x61 }, "password without user")]
    public void Decode_WhenMalformed_ThrowsMalformedPacket(byte[] bytes, string because)
    {
        var ex = Assert.Throws<MqttException>(() => MqttPacketReader.Decode(bytes));
        Assert.True(ex.Kind == MqttErrorKind.MalformedPacket, $"{because}: got {ex.Kind}: {ex.Message}");
    }

    [Theory]
    [InlineData(new byte[] { 0x34, 0x05, 0x00, 0x01, 0x61, 0x00, 0x01 }, "QoS 2 PUBLISH")]
    [InlineData(new byte[] { 0x50, 0x02, 0x00, 0x01 }, "PUBREC")]
    [InlineData(new byte[] { 0x20, 0x02, 0x00, 0x06 }, "CONNACK code 6")]
    [InlineData(new byte[] { 0x10, 0x0D, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x03, 0x02, 0x00, 0x00, 0x00, 0x01, 0x61 }, "protocol level 3")]
    public void Decode_WhenUnsupported_ThrowsProtocolViolation(byte[] bytes, string because)
    {
        var ex = Assert.Throws<MqttException>(() => MqttPacketReader.Decode(bytes));
        Assert.True(ex.Kind == MqttErrorKind.ProtocolViolation, $"{because}: got {ex.Kind}: {ex.Message}");
    }

    [Fact]
    public void Decode_WhenTrailingBytesAfterPacket_ThrowsMalformed()
    {
        Assert.Equal(MqttErrorKind.MalformedPacket,
            Assert.Throws<MqttException>(() => MqttPacketReader.Decode([0xC0, 0x00, 0xC0])).Kind);
    }

    [Fact]
    public void Decode_WhenTruncated_ThrowsMalformed()
    {
        Assert.Equal(MqttErrorKind.MalformedPacket,
            Assert.Throws<MqttException>(() => MqttPacketReader.Decode([0x3B, 0x09, 0x00])).Kind);
    }

    [Fact]
    public void TryDecode_WhenBytesArriveOneAtATime_DecodesOnlyWhenComplete()
    {
        byte[] stream = [0x3B, 0x09, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x00, 0x0A, 0x68, 0x69, 0xD0, 0x00];
        for (int n = 0; n < 11; n++)
        {
            Assert.False(MqttPacketReader.TryDecode(stream.AsSpan(0, n), out _, out _));
        }

        Assert.True(MqttPacketReader.TryDecode(stream, out MqttPacket? first, out int used));
        Assert.IsType<MqttPublishPacket>(first);
        Assert.Equal(11, used);
        Assert.True(MqttPacketReader.TryDecode(stream.AsSpan(used), out MqttPacket? second, out _));
        Assert.IsType<MqttPingRespPacket>(second);
    }

    [Fact]
    public async Task ReadAsync_WhenStreamHoldsTwoPackets_ReadsBothThenNull()
    {
        using var stream = new MemoryStream([0x40, 0x02, 0x00, 0x05, 0xD0, 0x00]);
        Assert.Equal(new MqttPubAckPacket(5), await MqttPacketReader.ReadAsync(stream, 1024, default));
        Assert.IsType<MqttPingRespPacket>(await MqttPacketReader.ReadAsync(stream, 1024, default));
        Assert.Null(await MqttPacketReader.ReadAsync(stream, 1024, default));
    }

    [Fact]
    public async Task ReadAsync_WhenStreamEndsMidPacket_ThrowsConnectionLost()
    {
        using var stream = new MemoryStream([0x40, 0x02, 0x00]);
        var ex = await Assert.ThrowsAsync<MqttException>(() => MqttPacketReader.ReadAsync(stream, 1024, default));
        Assert.Equal(MqttErrorKind.ConnectionLost, ex.Kind);
    }

    [Fact]
    public async Task ReadAsync_WhenPacketExceedsLimit_ThrowsProtocolViolation()
    {
        using var stream = new MemoryStream([0x30, 0x80, 0x01]);
        var ex = await Assert.ThrowsAsync<MqttException>(() => MqttPacketReader.ReadAsync(stream, 127, default));
        Assert.Equal(MqttErrorKind.ProtocolViolation, ex.Kind);
    }

    [Fact]
    public async Task ReadAsync_WhenLengthHasFiveBytes_ThrowsMalformed()
    {
        using var stream = new MemoryStream([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]);
        var ex = await Assert.ThrowsAsync<MqttException>(() => MqttPacketReader.ReadAsync(stream, int.MaxValue, default));
        Assert.Equal(MqttErrorKind.MalformedPacket, ex.Kind);
    }
}
