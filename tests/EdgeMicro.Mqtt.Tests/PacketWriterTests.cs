using System.Text;
using EdgeMicro.Mqtt;
using EdgeMicro.Mqtt.Packets;

namespace EdgeMicro.Mqtt.Tests;

/// <summary>Byte-exact encodings checked against hand-assembled literals (MQTT 3.1.1 chapter 3).</summary>
public sealed class PacketWriterTests
{
    [Fact]
    public void Encode_WhenConnectHasAllFields_MatchesSpecLayout()
    {
        var packet = new MqttConnectPacket
        {
            ClientId = "dev1",
            CleanSession = true,
            KeepAliveSeconds = 60,
            Username = "u",
            Password = "pw"u8.ToArray(),
            Will = new MqttWill("w", "bye"u8.ToArray(), MqttQualityOfService.AtLeastOnce, Retain: true),
        };

        byte[] expected =
        [
            0x10, 0x1F, // CONNECT, remaining length 31
            0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, // "MQTT"
            0x04, // protocol level 4
            0xEE, // user, password, will retain, will QoS 1, will flag, clean session
            0x00, 0x3C, // keep alive 60
            0x00, 0x04, 0x64, 0x65, 0x76, 0x31, // client id "dev1"
            0x00, 0x01, 0x77, // will topic "w"
            0x00, 0x03, 0x62, 0x79, 0x65, // will message "bye"
            0x00, 0x01, 0x75, // user name "u"
            0x00, 0x02, 0x70, 0x77, // password "pw"
        ];
        Assert.Equal(expected, MqttPacketWriter.Encode(packet));
    }

    [Fact]
    public void Encode_WhenConnectIsMinimal_OnlyCleanSessionFlagSet()
    {
        var packet = new MqttConnectPacket { ClientId = "a", CleanSession = true, KeepAliveSeconds = 0 };
        byte[] expected = [0x10, 0x0D, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0x02, 0x00, 0x00, 0x00, 0x01, 0x61];
        Assert.Equal(expected, MqttPacketWriter.Encode(packet));
    }

    [Fact]
    public void Encode_WhenPublishQos1WithDupAndRetain_SetsFlagsAndPacketId()
    {
        var packet = new MqttPublishPacket
        {
            Topic = "a/b", Payload = "hi"u8.ToArray(), Qos = MqttQualityOfService.AtLeastOnce,
            Retain = true, Dup = true, PacketId = 10,
        };
        byte[] expected = [0x3B, 0x09, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x00, 0x0A, 0x68, 0x69];
        Assert.Equal(expected, MqttPacketWriter.Encode(packet));
    }

    [Fact]
    public void Encode_WhenPublishQos0_HasNoPacketId()
    {
        var packet = new MqttPublishPacket { Topic = "a", Payload = [0x01, 0x02] };
        Assert.Equal(new byte[] { 0x30, 0x05, 0x00, 0x01, 0x61, 0x01, 0x02 }, MqttPacketWriter.Encode(packet));
    }

    [Fact]
    public void Encode_WhenBodyIs128Bytes_UsesTwoByteRemainingLength()
    {
        var packet = new MqttPublishPacket { Topic = "t", Payload = new byte[125] };
        byte[] bytes = MqttPacketWriter.Encode(packet);
        Assert.Equal(new byte[] { 0x30, 0x80, 0x01, 0x00, 0x01, 0x74 }, bytes[..6]);
        Assert.Equal(131, bytes.Length);
    }

    [Fact]
    public void Encode_WhenSubscribeHasTwoFilters_UsesFlags0010AndQosBytes()
    {
        var packet = new MqttSubscribePacket(1, [new("a/+", MqttQualityOfService.AtLeastOnce), new("#", MqttQualityOfService.AtMostOnce)]);
        byte[] expected = [0x82, 0x0C, 0x00, 0x01, 0x00, 0x03, 0x61, 0x2F, 0x2B, 0x01, 0x00, 0x01, 0x23, 0x00];
        Assert.Equal(expected, MqttPacketWriter.Encode(packet));
    }

    [Fact]
    public void Encode_WhenUnsubscribe_UsesFlags0010()
    {
        byte[] expected = [0xA2, 0x07, 0x00, 0x02, 0x00, 0x03, 0x61, 0x2F, 0x2B];
        Assert.Equal(expected, MqttPacketWriter.Encode(new MqttUnsubscribePacket(2, ["a/+"])));
    }

    [Fact]
    public void Encode_WhenFixedSizePackets_MatchLiterals()
    {
        Assert.Equal(new byte[] { 0x40, 0x02, 0x12, 0x34 }, MqttPacketWriter.Encode(new MqttPubAckPacket(0x1234)));
        Assert.Equal(new byte[] { 0xB0, 0x02, 0x00, 0x02 }, MqttPacketWriter.Encode(new MqttUnsubAckPacket(2)));
        Assert.Equal(new byte[] { 0x90, 0x04, 0x00, 0x01, 0x01, 0x80 },
            MqttPacketWriter.Encode(new MqttSubAckPacket(1, [MqttSubscribeReturnCode.GrantedQoS1, MqttSubscribeReturnCode.Failure])));
        Assert.Equal(new byte[] { 0x20, 0x02, 0x01, 0x00 }, MqttPacketWriter.Encode(new MqttConnAckPacket(true, MqttConnectReturnCode.Accepted)));
        Assert.Equal(new byte[] { 0xC0, 0x00 }, MqttPacketWriter.Encode(MqttPingReqPacket.Instance));
        Assert.Equal(new byte[] { 0xD0, 0x00 }, MqttPacketWriter.Encode(MqttPingRespPacket.Instance));
        Assert.Equal(new byte[] { 0xE0, 0x00 }, MqttPacketWriter.Encode(MqttDisconnectPacket.Instance));
    }

    [Theory]
    [InlineData(0, new byte[] { 0x00 })]
    [InlineData(127, new byte[] { 0x7F })]
    [InlineData(128, new byte[] { 0x80, 0x01 })]
    [InlineData(16_383, new byte[] { 0xFF, 0x7F })]
    [InlineData(16_384, new byte[] { 0x80, 0x80, 0x01 })]
    [InlineData(2_097_151, new byte[] { 0xFF, 0xFF, 0x7F })]
    [InlineData(2_097_152, new byte[] { 0x80, 0x80, 0x80, 0x01 })]
    [InlineData(268_435_455, new byte[] { 0xFF, 0xFF, 0xFF, 0x7F })]
    public void RemainingLength_WhenEdgeValue_EncodesAndDecodesLikeSpecTable(int value, byte[] encoded)
    {
        Assert.Equal(encoded, MqttPacketWriter.EncodeRemainingLength(value));
        Assert.True(MqttPacketReader.TryReadRemainingLength(encoded, out int decoded, out int used));
        Assert.Equal(value, decoded);
        Assert.Equal(encoded.Length, used);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(268_435_456)]
    public void RemainingLength_WhenOutOfRange_Throws(int value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => MqttPacketWriter.EncodeRemainingLength(value));
    }

    [Fact]
    public void RemainingLength_WhenFiveBytes_ThrowsMalformed()
    {
        var ex = Assert.Throws<MqttException>(() => MqttPacketReader.TryReadRemainingLength([0xFF, 0xFF, 0xFF, 0xFF, 0x7F], out _, out _));
        Assert.Equal(MqttErrorKind.MalformedPacket, ex.Kind);
        Assert.Throws<MqttException>(() => MqttPacketReader.Decode([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F]));
    }

    [Fact]
    public void RemainingLength_WhenContinuationBitOnLastAvailableByte_NeedsMoreData()
    {
        Assert.False(MqttPacketReader.TryReadRemainingLength([0x80, 0x80], out _, out _));
    }

    [Fact]
    public void Encode_WhenPublishTopicHasWildcard_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => MqttPacketWriter.Encode(new MqttPublishPacket { Topic = "a/#" }));
    }

    [Fact]
    public void Encode_WhenQos1WithoutPacketId_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() =>
            MqttPacketWriter.Encode(new MqttPublishPacket { Topic = "a", Qos = MqttQualityOfService.AtLeastOnce }));
    }

    [Fact]
    public void Encode_WhenQos0WithDup_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => MqttPacketWriter.Encode(new MqttPublishPacket { Topic = "a", Dup = true }));
    }

    [Fact]
    public void Encode_WhenPasswordWithoutUsername_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => MqttPacketWriter.Encode(new MqttConnectPacket { ClientId = "c", Password = [1] }));
    }

    [Fact]
    public void Encode_WhenEmptyClientIdWithPersistentSession_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => MqttPacketWriter.Encode(new MqttConnectPacket { ClientId = "", CleanSession = false }));
    }

    [Fact]
    public void Encode_WhenSubscribeHasNoFilters_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => MqttPacketWriter.Encode(new MqttSubscribePacket(1, [])));
    }

    [Fact]
    public void Encode_WhenStringHasLoneSurrogate_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => MqttPacketWriter.Encode(new MqttConnectPacket { ClientId = "a\uD800" }));
    }

    [Fact]
    public void Encode_WhenStringIsMultiByteUtf8_LengthPrefixCountsBytes()
    {
        byte[] bytes = MqttPacketWriter.Encode(new MqttPublishPacket { Topic = "é" });
        Assert.Equal(new byte[] { 0x30, 0x04, 0x00, 0x02, 0xC3, 0xA9 }, bytes);
        Assert.Equal("é", ((MqttPublishPacket)MqttPacketReader.Decode(bytes)).Topic);
        Assert.Equal(2, Encoding.UTF8.GetByteCount("é"));
    }
}
