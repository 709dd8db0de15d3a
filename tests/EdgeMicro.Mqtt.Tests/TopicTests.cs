using EdgeMicro.Mqtt;

namespace EdgeMicro.Mqtt.Tests;

/// <summary>Topic filter matching and validation (MQTT 3.1.1 section 4.7, examples taken from the spec text).</summary>
public sealed class TopicTests
{
    [Theory]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/ranking", true)]
    [InlineData("sport/tennis/player1/#", "sport/tennis/player1/score/wimbledon", true)]
    [InlineData("sport/#", "sport", true)]
    [InlineData("#", "sport/tennis", true)]
    [InlineData("#", "/", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1", true)]
    [InlineData("sport/tennis/+", "sport/tennis/player1/ranking", false)]
    [InlineData("sport/+", "sport", false)]
    [InlineData("sport/+", "sport/", true)]
    [InlineData("+/+", "/finance", true)]
    [InlineData("/+", "/finance", true)]
    [InlineData("+", "/finance", false)]
    [InlineData("+", "finance", true)]
    [InlineData("a/+/c", "a//c", true)]
    [InlineData("a/#", "a/", true)]
    [InlineData("a/b", "a/b", true)]
    [InlineData("a/b", "a/b/", false)]
    [InlineData("a/b/", "a/b", false)]
    [InlineData("ACCOUNTS", "Accounts", false)]
    [InlineData("#", "$SYS/broker/uptime", false)]
    [InlineData("+/monitor/Clients", "$SYS/monitor/Clients", false)]
    [InlineData("+/#", "$SYS", false)]
    [InlineData("$SYS/#", "$SYS/monitor/Clients", true)]
    [InlineData("$SYS/monitor/+", "$SYS/monitor/Clients", true)]
    [InlineData("a/$SYS", "a/$SYS", true)]
    [InlineData("a/+", "a/$SYS", true)]
    [InlineData("edge/+/pred", "edge/dev1/pred", true)]
    [InlineData("edge/+/pred", "edge/dev1/pred/x", false)]
    public void Matches_WhenFilterAndTopic_ReturnsSpecResult(string filter, string topic, bool expected)
    {
        Assert.Equal(expected, MqttTopic.Matches(filter, topic));
    }

    [Theory]
    [InlineData("#")]
    [InlineData("+")]
    [InlineData("/")]
    [InlineData("//")]
    [InlineData("+/tennis/#")]
    [InlineData("sport/+/player1")]
    [InlineData("$SYS/#")]
    [InlineData("a b/é/日本")]
    public void IsValidTopicFilter_WhenWellFormed_ReturnsTrue(string filter)
    {
        Assert.True(MqttTopic.IsValidTopicFilter(filter, out string? error), error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("sport/tennis#")]
    [InlineData("sport/tennis/#/ranking")]
    [InlineData("##")]
    [InlineData("sport+")]
    [InlineData("+a/b")]
    [InlineData("a/\0")]
    public void IsValidTopicFilter_WhenMalformed_ReturnsFalseWithReason(string filter)
    {
        Assert.False(MqttTopic.IsValidTopicFilter(filter, out string? error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void IsValidTopicFilter_WhenLoneSurrogate_ReturnsFalse()
    {
        // Built at run time: attribute arguments cannot carry a lone surrogate through metadata.
        Assert.False(MqttTopic.IsValidTopicFilter("a" + (char)0xDC00, out _));
        Assert.False(MqttTopic.IsValidTopicName("a" + (char)0xD800 + "b", out _));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/+")]
    [InlineData("#")]
    [InlineData("a\0b")]
    public void IsValidTopicName_WhenInvalid_ReturnsFalse(string topic)
    {
        Assert.False(MqttTopic.IsValidTopicName(topic, out _));
    }

    [Fact]
    public void IsValidTopicName_WhenTooLong_ReturnsFalse()
    {
        Assert.True(MqttTopic.IsValidTopicName(new string('a', 65_535), out _));
        Assert.False(MqttTopic.IsValidTopicName(new string('a', 65_536), out _));
        Assert.False(MqttTopic.IsValidTopicName(new string('é', 32_768), out _));
    }

    [Fact]
    public void Matches_WhenFilterInvalid_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() => MqttTopic.Matches("a/#/b", "a/x/b"));
        Assert.Throws<ArgumentException>(() => MqttTopic.Matches("a/+", "a/+"));
    }
}
