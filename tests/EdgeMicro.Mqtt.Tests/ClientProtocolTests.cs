using EdgeMicro.Mqtt;
using EdgeMicro.Mqtt.Packets;

namespace EdgeMicro.Mqtt.Tests;

/// <summary>Client behaviour against a scripted fake broker: refusals, timeouts, malformed input, exact bytes sent.</summary>
public sealed class ClientProtocolTests
{
    [Fact]
    public async Task ConnectAsync_WhenBrokerAnswersNotAuthorized_ThrowsConnectionRefusedWithReturnCode()
    {
        using var broker = new ScriptedBroker();
        await using var client = new MqttClient();
        Task<bool> connect = client.ConnectAsync(TestOptions.ForPort(broker.Port));
        await broker.AcceptAsync();
        await broker.ReadAsync();
        await broker.SendAsync(0x20, 0x02, 0x00, 0x05);

        var ex = await Assert.ThrowsAsync<MqttException>(() => connect);
        Assert.Equal(MqttErrorKind.ConnectionRefused, ex.Kind);
        Assert.Equal(MqttConnectReturnCode.NotAuthorized, ex.ConnectReturnCode);
        Assert.Contains("not authorized", ex.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(client.IsConnected);
    }

    [Fact]
    public async Task ConnectAsync_WhenBrokerNeverAnswers_ThrowsTimeout()
    {
        using var broker = new ScriptedBroker();
        await using var client = new MqttClient();
        MqttClientOptions options = TestOptions.ForPort(broker.Port) with { ConnectTimeout = TimeSpan.FromMilliseconds(300) };
        Task<bool> connect = client.ConnectAsync(options);
        await broker.AcceptAsync();

        var ex = await Assert.ThrowsAsync<MqttException>(() => connect);
        Assert.Equal(MqttErrorKind.Timeout, ex.Kind);
    }

    [Fact]
    public async Task ConnectAsync_WhenFirstPacketIsNotConnAck_ThrowsProtocolViolation()
    {
        using var broker = new ScriptedBroker();
        await using var client = new MqttClient();
        Task<bool> connect = client.ConnectAsync(TestOptions.ForPort(broker.Port));
        await broker.AcceptAsync();
        await broker.ReadAsync();
        await broker.SendAsync(0xD0, 0x00);

        Assert.Equal(MqttErrorKind.ProtocolViolation, (await Assert.ThrowsAsync<MqttException>(() => connect)).Kind);
    }

    [Fact]
    public async Task ConnectAsync_WhenOptionsHaveCredentialsAndWill_SendsExactConnectBytes()
    {
        using var broker = new ScriptedBroker();
        await using var client = new MqttClient();
        MqttClientOptions options = TestOptions.ForPort(broker.Port, "dev1") with
        {
            KeepAliveSeconds = 60, Username = "u", Password = "pw",
            Will = new MqttWill("w", TestOptions.Utf8("bye"), MqttQualityOfService.AtLeastOnce, Retain: true),
        };
        Task<bool> connect = client.ConnectAsync(options);
        await broker.AcceptAsync();
        byte[] sent = await broker.ReadRawAsync();
        await broker.SendAsync(0x20, 0x02, 0x01, 0x00);

        Assert.True(await connect);
        Assert.True(client.SessionPresent);
        byte[] expected =
        [
            0x10, 0x1F, 0x00, 0x04, 0x4D, 0x51, 0x54, 0x54, 0x04, 0xEE, 0x00, 0x3C, 0x00, 0x04, 0x64, 0x65, 0x76, 0x31,
            0x00, 0x01, 0x77, 0x00, 0x03, 0x62, 0x79, 0x65, 0x00, 0x01, 0x75, 0x00, 0x02, 0x70, 0x77,
        ];
        Assert.Equal(expected, sent);
    }

    [Fact]
    public async Task PublishAsync_WhenBrokerNeverAcks_ThrowsTimeoutAndConnectionStaysUsable()
    {
        using var broker = new ScriptedBroker();
        await using var client = new MqttClient();
        Task<bool> connect = client.ConnectAsync(TestOptions.ForPort(broker.Port) with { OperationTimeout = TimeSpan.FromMilliseconds(300) });
        await broker.HandshakeAsync();
        await connect;

        Task publish = client.PublishAsync("a", [1], MqttQualityOfService.AtLeastOnce);
        var sent = Assert.IsType<MqttPublishPacket>(await broker.ReadAsync());
        Assert.NotEqual(0, sent.PacketId);
        Assert.Equal(MqttErrorKind.Timeout, (await Assert.ThrowsAsync<MqttException>(() => publish)).Kind);

        await client.PublishAsync("b", [2]);
        Assert.Equal("b", Assert.IsType<MqttPublishPacket>(await broker.ReadAsync()).Topic);
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task Receive_WhenQos1PublishArrives_HandlerRunsThenPubAckWithSameId()
    {
        using var broker = new ScriptedBroker();
        await using var client = new MqttClient();
        var sink = new MessageSink();
        client.MessageReceived += sink.OnMessage;
        Task<bool> connect = client.ConnectAsync(TestOptions.ForPort(broker.Port));
        await broker.HandshakeAsync();
        await connect;

        await broker.SendAsync(new MqttPublishPacket
        {
            Topic = "x/y", Payload = [9], Qos = MqttQualityOfService.AtLeastOnce, Dup = true, Retain = true, PacketId = 7,
        });

        Assert.Equal(new byte[] { 0x40, 0x02, 0x00, 0x07 }, await broker.ReadRawAsync());
        MqttApplicationMessage message = Assert.Single(sink.Messages);
        Assert.Equal(new MqttApplicationMessage("x/y", [9], MqttQualityOfService.AtLeastOnce, true, true).ToString(), message.ToString());
        Assert.Equal([9], message.Payload);
    }

    [Fact]
    public async Task Receive_WhenBrokerSendsMalformedPacket_ConnectionLostAndPendingPublishFails()
    {
        using var broker = new ScriptedBroker();
        await using var client = new MqttClient();
        var lost = new TaskCompletionSource<Exception>();
        client.ConnectionLost += (_, e) => lost.TrySetResult(e.Reason);
        Task<bool> connect = client.ConnectAsync(TestOptions.ForPort(broker.Port));
        await broker.HandshakeAsync();
        await connect;

        Task publish = client.PublishAsync("a", [1], MqttQualityOfService.AtLeastOnce);
        await broker.ReadAsync();
        await broker.SendAsync(0x36, 0x03, 0x00, 0x01, 0x61);

        var reason = Assert.IsType<MqttException>(await lost.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(MqttErrorKind.MalformedPacket, reason.Kind);
        Assert.Equal(MqttErrorKind.ConnectionLost, (await Assert.ThrowsAsync<MqttException>(() => publish)).Kind);
        Assert.False(client.IsConnected);
        Assert.Equal(MqttErrorKind.NotConnected, (await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("a", [1]))).Kind);
    }

    [Fact]
    public async Task KeepAlive_WhenBrokerIgnoresPingReq_ClientClosesWithTimeout()
    {
        using var broker = new ScriptedBroker();
        await using var client = new MqttClient();
        var lost = new TaskCompletionSource<Exception>();
        client.ConnectionLost += (_, e) => lost.TrySetResult(e.Reason);
        Task<bool> connect = client.ConnectAsync(TestOptions.ForPort(broker.Port) with
        {
            KeepAliveSeconds = 1, OperationTimeout = TimeSpan.FromMilliseconds(400),
        });
        await broker.HandshakeAsync();
        await connect;

        Assert.IsType<MqttPingReqPacket>(await broker.ReadAsync(seconds: 3));
        var reason = Assert.IsType<MqttException>(await lost.Task.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(MqttErrorKind.Timeout, reason.Kind);
        Assert.Contains("PINGRESP", reason.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SubscribeAsync_WhenBrokerRefusesFilter_ReturnsFailureCode()
    {
        using var broker = new ScriptedBroker();
        await using var client = new MqttClient();
        Task<bool> connect = client.ConnectAsync(TestOptions.ForPort(broker.Port));
        await broker.HandshakeAsync();
        await connect;

        Task<IReadOnlyList<MqttSubscribeReturnCode>> subscribe = client.SubscribeAsync(
            [new MqttTopicSubscription("ok/#", MqttQualityOfService.AtLeastOnce), new MqttTopicSubscription("denied")]);
        var request = Assert.IsType<MqttSubscribePacket>(await broker.ReadAsync());
        await broker.SendAsync(new MqttSubAckPacket(request.PacketId, [MqttSubscribeReturnCode.GrantedQoS1, MqttSubscribeReturnCode.Failure]));

        Assert.Equal([MqttSubscribeReturnCode.GrantedQoS1, MqttSubscribeReturnCode.Failure], await subscribe);
    }

    [Fact]
    public async Task PublishAsync_WhenNeverConnected_ThrowsNotConnected()
    {
        await using var client = new MqttClient();
        var ex = await Assert.ThrowsAsync<MqttException>(() => client.PublishAsync("a", [1]));
        Assert.Equal(MqttErrorKind.NotConnected, ex.Kind);
    }

    [Fact]
    public async Task ConnectAsync_WhenNothingListens_ThrowsConnectionFailed()
    {
        int port;
        using (var probe = new ScriptedBroker())
        {
            port = probe.Port;
        }

        await using var client = new MqttClient();
        var ex = await Assert.ThrowsAsync<MqttException>(() => client.ConnectAsync(TestOptions.ForPort(port)));
        Assert.Equal(MqttErrorKind.ConnectionFailed, ex.Kind);
        Assert.Contains($"127.0.0.1:{port}", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublishAsync_WhenQos2Requested_ThrowsArgumentException()
    {
        await using var client = new MqttClient();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.PublishAsync("a", [1], (MqttQualityOfService)2));
    }

    [Fact]
    public async Task SubscribeAsync_WhenFilterInvalidOrQos2_ThrowsArgumentExceptionBeforeConnecting()
    {
        await using var client = new MqttClient();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.SubscribeAsync("a/#/b"));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.SubscribeAsync("a", (MqttQualityOfService)2));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.SubscribeAsync([]));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => client.UnsubscribeAsync(["a+"]));
    }

    [Fact]
    public void OptionsToString_WhenPasswordSet_DoesNotRevealIt()
    {
        string text = (TestOptions.ForPort(1883) with { Username = "u", Password = "s3cret" }).ToString();
        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
        Assert.Contains("Password = ***", text, StringComparison.Ordinal);
    }
}
