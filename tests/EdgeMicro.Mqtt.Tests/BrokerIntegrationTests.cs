using EdgeMicro.Mqtt;
using EdgeMicro.TestKit;

namespace EdgeMicro.Mqtt.Tests;

/// <summary>Round trips through a real mosquitto broker on 127.0.0.1 (one broker shared by this class).</summary>
public sealed class BrokerIntegrationTests(MosquittoBroker broker) : IClassFixture<MosquittoBroker>
{
    private const MqttQualityOfService Qos0 = MqttQualityOfService.AtMostOnce;
    private const MqttQualityOfService Qos1 = MqttQualityOfService.AtLeastOnce;

    [Fact]
    public async Task PublishSubscribe_WhenQos0_SubscriberReceivesPayload()
    {
        string topic = TestOptions.UniqueTopic("q0");
        (MqttClient sub, MessageSink sink) = await ConnectSubscriberAsync(topic, Qos0);
        await using (sub)
        {
            await using MqttClient pub = await ConnectAsync("pub");
            await pub.PublishAsync(topic, TestOptions.Utf8("hello"));

            MqttApplicationMessage m = await sink.WaitForAsync(x => x.Topic == topic);
            Assert.Equal("hello", MessageSink.Text(m));
            Assert.Equal(Qos0, m.Qos);
            Assert.False(m.Retain);
        }
    }

    [Fact]
    public async Task PublishSubscribe_WhenQos1_PublishCompletesOnPubAckAndDeliveryIsQos1()
    {
        string topic = TestOptions.UniqueTopic("q1");
        (MqttClient sub, MessageSink sink) = await ConnectSubscriberAsync(topic, Qos1);
        await using (sub)
        {
            await using MqttClient pub = await ConnectAsync("pub");
            for (int i = 0; i < 20; i++)
            {
                await pub.PublishAsync(topic, TestOptions.Utf8($"m{i}"), Qos1);
            }

            await Eventually.TrueAsync(() => sink.Messages.Count == 20, 5, () => $"{sink.Messages.Count} of 20 received");
            Assert.Equal(Enumerable.Range(0, 20).Select(i => $"m{i}"), sink.Messages.Select(MessageSink.Text));
            Assert.All(sink.Messages, m => Assert.Equal(Qos1, m.Qos));
        }
    }

    [Fact]
    public async Task PublishAsync_WhenManyTasksPublishConcurrently_AllPacketsIntactAndDelivered()
    {
        string topic = TestOptions.UniqueTopic("concurrent");
        (MqttClient sub, MessageSink sink) = await ConnectSubscriberAsync(topic, Qos1);
        await using (sub)
        {
            await using MqttClient pub = await ConnectAsync("pub");
            Task[] writers = [.. Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
            {
                for (int i = 0; i < 25; i++)
                {
                    await pub.PublishAsync(topic, TestOptions.Utf8($"{w}:{i}"), i % 2 == 0 ? Qos1 : Qos0);
                }
            }))];
            await Task.WhenAll(writers);

            // Interleaved writes would corrupt the stream and make the broker drop the connection.
            await Eventually.TrueAsync(() => sink.Messages.Count == 200, 5, () => $"{sink.Messages.Count} of 200 received");
            Assert.Equal(200, sink.Messages.Select(MessageSink.Text).Distinct().Count());
            Assert.True(pub.IsConnected);
        }
    }

    [Fact]
    public async Task PublishSubscribe_WhenPublishedQos1ButSubscribedQos0_DeliveredAtQos0()
    {
        string topic = TestOptions.UniqueTopic("downgrade");
        (MqttClient sub, MessageSink sink) = await ConnectSubscriberAsync(topic, Qos0);
        await using (sub)
        {
            await using MqttClient pub = await ConnectAsync("pub");
            await pub.PublishAsync(topic, [1, 2, 3], Qos1);

            // Section 3.8.4: delivered at the minimum of publish and granted QoS.
            Assert.Equal(Qos0, (await sink.WaitForAsync(m => m.Topic == topic)).Qos);
        }
    }

    [Fact]
    public async Task PublishSubscribe_WhenPayloadIs100Kb_ArrivesIntact()
    {
        string topic = TestOptions.UniqueTopic("big");
        byte[] payload = new byte[100_000];
        new Random(7).NextBytes(payload);
        (MqttClient sub, MessageSink sink) = await ConnectSubscriberAsync(topic, Qos1);
        await using (sub)
        {
            await using MqttClient pub = await ConnectAsync("pub");
            await pub.PublishAsync(topic, payload, Qos1);
            Assert.Equal(payload, (await sink.WaitForAsync(m => m.Topic == topic)).Payload);
        }
    }

    [Fact]
    public async Task Retain_WhenSubscriberArrivesLate_ReceivesRetainedMessageWithRetainFlag()
    {
        string topic = TestOptions.UniqueTopic("retained");
        (MqttClient early, MessageSink earlySink) = await ConnectSubscriberAsync(topic, Qos1);
        await using (early)
        {
            await using (MqttClient pub = await ConnectAsync("pub"))
            {
                await pub.PublishAsync(topic, TestOptions.Utf8("state=on"), Qos1, retain: true);
                await pub.DisconnectAsync();
            }

            // Section 3.3.1.3: an established subscription gets RETAIN = 0, a new one gets the retained copy with RETAIN = 1.
            Assert.False((await earlySink.WaitForAsync(m => m.Topic == topic)).Retain);
            (MqttClient late, MessageSink lateSink) = await ConnectSubscriberAsync(topic, Qos1);
            await using (late)
            {
                MqttApplicationMessage m = await lateSink.WaitForAsync(x => x.Topic == topic);
                Assert.True(m.Retain);
                Assert.Equal("state=on", MessageSink.Text(m));
            }
        }
    }

    [Fact]
    public async Task TwoClients_WhenWildcardSubscriptionThenUnsubscribe_OnlyMatchingMessagesDelivered()
    {
        string root = TestOptions.UniqueTopic("fleet");
        (MqttClient sub, MessageSink sink) = await ConnectSubscriberAsync($"{root}/+/temp", Qos1);
        await using (sub)
        {
            await sub.SubscribeAsync($"{root}/marker", Qos1);
            await using MqttClient pub = await ConnectAsync("pub");
            await pub.PublishAsync($"{root}/dev1/temp", TestOptions.Utf8("21"), Qos1);
            await pub.PublishAsync($"{root}/dev1/hum", TestOptions.Utf8("40"), Qos1);
            await pub.PublishAsync($"{root}/dev2/temp", TestOptions.Utf8("22"), Qos1);
            await pub.PublishAsync($"{root}/marker", TestOptions.Utf8("1"), Qos1);
            await sink.WaitForAsync(m => m.Topic == $"{root}/marker");

            await sub.UnsubscribeAsync([$"{root}/+/temp"]);
            await pub.PublishAsync($"{root}/dev3/temp", TestOptions.Utf8("23"), Qos1);
            await pub.PublishAsync($"{root}/marker", TestOptions.Utf8("2"), Qos1);
            await sink.WaitForAsync(m => m.Topic == $"{root}/marker" && MessageSink.Text(m) == "2");

            Assert.Equal(
                [$"{root}/dev1/temp", $"{root}/dev2/temp", $"{root}/marker", $"{root}/marker"],
                sink.Messages.Select(m => m.Topic));
        }
    }

    [Fact]
    public async Task Will_WhenClientDisposedWithoutDisconnect_BrokerPublishesWill()
    {
        string willTopic = TestOptions.UniqueTopic("will");
        (MqttClient observer, MessageSink sink) = await ConnectSubscriberAsync(willTopic, Qos1);
        await using (observer)
        {
            var device = new MqttClient();
            await device.ConnectAsync(TestOptions.For(broker, TestOptions.UniqueId("dev")) with
            {
                Will = new MqttWill(willTopic, TestOptions.Utf8("offline"), Qos1),
            });
            device.Dispose();

            Assert.Equal("offline", MessageSink.Text(await sink.WaitForAsync(m => m.Topic == willTopic)));
        }
    }

    [Fact]
    public async Task Will_WhenDisconnectAsync_BrokerDiscardsWill()
    {
        string willTopic = TestOptions.UniqueTopic("will");
        (MqttClient observer, MessageSink sink) = await ConnectSubscriberAsync(willTopic, Qos1);
        await using (observer)
        {
            await using (var device = new MqttClient())
            {
                await device.ConnectAsync(TestOptions.For(broker, TestOptions.UniqueId("dev")) with
                {
                    Will = new MqttWill(willTopic, TestOptions.Utf8("offline"), Qos1),
                });
                await device.DisconnectAsync();
                Assert.False(device.IsConnected);
            }

            await observer.SubscribeAsync(willTopic + "/marker", Qos1);
            await observer.PublishAsync(willTopic + "/marker", [1], Qos1);
            await sink.WaitForAsync(m => m.Topic == willTopic + "/marker");
            Assert.DoesNotContain(sink.Messages, m => m.Topic == willTopic);
        }
    }

    [Fact]
    public async Task KeepAlive_WhenIdleLongerThanKeepAlive_PingsKeepConnectionOpen()
    {
        await using var client = new MqttClient();
        bool lost = false;
        client.ConnectionLost += (_, _) => lost = true;
        await client.ConnectAsync(TestOptions.For(broker, TestOptions.UniqueId("idle"), keepAlive: 1));

        // The broker drops a client that sends nothing for 1.5 x keep-alive (section 3.1.2.10).
        await Task.Delay(TimeSpan.FromSeconds(2.2));

        Assert.False(lost);
        Assert.True(client.IsConnected);
        await client.PingAsync();
        await client.PublishAsync(TestOptions.UniqueTopic("idle"), [1], Qos1);
    }

    [Fact]
    public async Task PersistentSession_WhenSubscriberReturns_GetsSessionPresentAndQueuedMessages()
    {
        string topic = TestOptions.UniqueTopic("queued");
        string id = TestOptions.UniqueId("durable");
        var sink = new MessageSink();
        await using var sub = new MqttClient();
        sub.MessageReceived += sink.OnMessage;
        Assert.False(await sub.ConnectAsync(TestOptions.For(broker, id, cleanSession: false)));
        await sub.SubscribeAsync(topic, Qos1);
        await sub.DisconnectAsync();

        await using (MqttClient pub = await ConnectAsync("pub"))
        {
            for (int i = 0; i < 3; i++)
            {
                await pub.PublishAsync(topic, TestOptions.Utf8($"q{i}"), Qos1);
            }
        }

        Assert.True(await sub.ConnectAsync(TestOptions.For(broker, id, cleanSession: false)));
        await Eventually.TrueAsync(() => sink.Messages.Count == 3, 5, () => $"{sink.Messages.Count} of 3 queued messages");
        Assert.Equal(["q0", "q1", "q2"], sink.Messages.Select(MessageSink.Text));
        await sub.DisconnectAsync();
        await sub.ConnectAsync(TestOptions.For(broker, id, cleanSession: true));
    }

    [Fact]
    public async Task ConnectAsync_WhenAlreadyConnected_ThrowsInvalidOperation()
    {
        await using MqttClient client = await ConnectAsync("twice");
        await Assert.ThrowsAsync<InvalidOperationException>(() => client.ConnectAsync(TestOptions.For(broker, "x")));
    }

    private async Task<MqttClient> ConnectAsync(string prefix)
    {
        var client = new MqttClient();
        await client.ConnectAsync(TestOptions.For(broker, TestOptions.UniqueId(prefix)));
        return client;
    }

    private async Task<(MqttClient Client, MessageSink Sink)> ConnectSubscriberAsync(string filter, MqttQualityOfService qos)
    {
        var sink = new MessageSink();
        MqttClient client = await ConnectAsync("sub");
        client.MessageReceived += sink.OnMessage;
        MqttSubscribeReturnCode granted = await client.SubscribeAsync(filter, qos);
        Assert.Equal((MqttSubscribeReturnCode)qos, granted);
        return (client, sink);
    }
}
