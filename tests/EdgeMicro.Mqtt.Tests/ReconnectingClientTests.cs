using System.Collections.Concurrent;
using System.Globalization;
using EdgeMicro.Mqtt;
using EdgeMicro.TestKit;
using Xunit.Abstractions;

namespace EdgeMicro.Mqtt.Tests;

/// <summary>
/// <see cref="ReconnectingMqttClient"/> across real broker restarts. Each test owns its broker, since it stops it.
/// </summary>
public sealed class ReconnectingClientTests(ITestOutputHelper output)
{
    private const MqttQualityOfService Qos1 = MqttQualityOfService.AtLeastOnce;

    private static readonly MqttReconnectOptions FastBackoff = new()
    {
        InitialDelay = TimeSpan.FromMilliseconds(50),
        MaxDelay = TimeSpan.FromMilliseconds(400),
    };

    [Fact]
    public async Task BrokerRestart_WhenQos1StreamInFlight_EveryMessageReceivedAndDedupesToSentSet()
    {
        using var broker = new MosquittoBroker();
        string topic = TestOptions.UniqueTopic("stream");
        const int count = 300;
        var received = new ConcurrentDictionary<int, int>();
        int duplicatesFlagged = 0;

        // Persistent sessions: the broker keeps the subscription and queues messages while the subscriber is away.
        await using var sub = new ReconnectingMqttClient(
            TestOptions.For(broker, TestOptions.UniqueId("sub"), cleanSession: false), FastBackoff);
        sub.MessageReceived += (_, e) =>
        {
            int id = int.Parse(MessageSink.Text(e.Message).AsSpan(4), CultureInfo.InvariantCulture);
            received.AddOrUpdate(id, 1, (_, n) => n + 1);
            if (e.Message.Dup)
            {
                Interlocked.Increment(ref duplicatesFlagged);
            }
        };
        await sub.StartAsync();
        Assert.Equal(MqttSubscribeReturnCode.GrantedQoS1, await sub.SubscribeAsync(topic, Qos1));

        await using var pub = new ReconnectingMqttClient(
            TestOptions.For(broker, TestOptions.UniqueId("pub"), cleanSession: false), FastBackoff);
        int reconnects = 0;
        pub.Connected += (_, e) => reconnects += e.IsReconnect ? 1 : 0;
        await pub.StartAsync();

        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        var publishes = new List<Task>();
        int pendingAtStop = 0;
        for (int i = 0; i < count; i++)
        {
            publishes.Add(pub.PublishAsync(topic, TestOptions.Utf8($"msg:{i}"), Qos1, cancellationToken: deadline.Token));
            if (i == count / 3)
            {
                pendingAtStop = pub.PendingPublishCount;
                broker.Stop();
            }

            if (i == count / 2)
            {
                broker.Start();
            }

            // A burst right before the stop leaves several messages written but not yet acknowledged; while the
            // broker is down messages queue in the outbox; otherwise about one message per millisecond.
            if (i is < (count / 3) - 20 or > count / 3)
            {
                await Task.Delay(i < count / 2 ? 5 : 1);
            }
        }

        await Task.WhenAll(publishes);
        await Eventually.TrueAsync(() => received.Count == count, 10, () => $"{received.Count} of {count} distinct ids received");

        Assert.Equal(Enumerable.Range(0, count), received.Keys.Order());
        Assert.Equal(0, pub.PendingPublishCount);
        Assert.True(reconnects >= 1, "the publisher should have reconnected");
        int duplicates = received.Values.Sum() - count;
        output.WriteLine($"in flight at stop: {pendingAtStop}; duplicates delivered: {duplicates} ({duplicatesFlagged} with DUP); publisher reconnects: {reconnects}");
    }

    [Fact]
    public async Task BrokerRestart_WhenCleanSession_ResubscribesAndReceivesNewMessages()
    {
        using var broker = new MosquittoBroker();
        string topic = TestOptions.UniqueTopic("resub");
        var sink = new MessageSink();
        var reconnected = new TaskCompletionSource<MqttConnectedEventArgs>();
        await using var sub = new ReconnectingMqttClient(TestOptions.For(broker, TestOptions.UniqueId("sub")), FastBackoff);
        sub.MessageReceived += sink.OnMessage;
        sub.Connected += (_, e) =>
        {
            if (e.IsReconnect)
            {
                reconnected.TrySetResult(e);
            }
        };
        var lost = new TaskCompletionSource();
        sub.ConnectionLost += (_, _) => lost.TrySetResult();
        await sub.StartAsync();
        await sub.SubscribeAsync(topic, Qos1);

        broker.Restart();
        await lost.Task.WaitAsync(TimeSpan.FromSeconds(5));
        MqttConnectedEventArgs again = await reconnected.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(again.SessionPresent);
        Assert.True(sub.IsConnected);

        await using var pub = new MqttClient();
        await pub.ConnectAsync(TestOptions.For(broker, TestOptions.UniqueId("pub")));
        await pub.PublishAsync(topic, TestOptions.Utf8("after restart"), Qos1);
        Assert.Equal("after restart", MessageSink.Text(await sink.WaitForAsync(m => m.Topic == topic)));
    }

    [Fact]
    public async Task PublishAsync_WhenBrokerDownThenUp_CompletesAfterReconnect()
    {
        using var broker = new MosquittoBroker();
        await using var pub = new ReconnectingMqttClient(TestOptions.For(broker, TestOptions.UniqueId("pub")), FastBackoff);
        await pub.StartAsync();
        broker.Stop();
        await Eventually.TrueAsync(() => !pub.IsConnected, 5, () => "connection loss not noticed");

        Task publish = pub.PublishAsync(TestOptions.UniqueTopic("late"), [1], Qos1);
        await Task.Delay(200);
        Assert.False(publish.IsCompleted);
        Assert.Equal(1, pub.PendingPublishCount);
        await Assert.ThrowsAsync<MqttException>(() => pub.PublishAsync("t", [1]));

        broker.Start();
        await publish.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, pub.PendingPublishCount);
    }

    [Fact]
    public async Task StopAsync_WhenPublishPending_PublishFailsWithNotConnected()
    {
        using var broker = new MosquittoBroker();
        var pub = new ReconnectingMqttClient(TestOptions.For(broker, TestOptions.UniqueId("pub")), FastBackoff);
        await pub.StartAsync();
        broker.Stop();
        await Eventually.TrueAsync(() => !pub.IsConnected, 5, () => "connection loss not noticed");
        Task publish = pub.PublishAsync(TestOptions.UniqueTopic("never"), [1], Qos1);

        await pub.StopAsync();

        var ex = await Assert.ThrowsAsync<MqttException>(() => publish);
        Assert.Equal(MqttErrorKind.NotConnected, ex.Kind);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => pub.PublishAsync("t", [1], Qos1));
    }

    [Fact]
    public async Task StartAsync_WhenBrokerUnreachable_ThrowsConnectionFailed()
    {
        int port;
        using (var probe = new ScriptedBroker())
        {
            port = probe.Port;
        }

        await using var client = new ReconnectingMqttClient(TestOptions.ForPort(port), FastBackoff);
        var ex = await Assert.ThrowsAsync<MqttException>(() => client.StartAsync());
        Assert.Equal(MqttErrorKind.ConnectionFailed, ex.Kind);
    }

    [Fact]
    public void DelayFor_WhenAttemptsGrow_DoublesUpToMaxDelay()
    {
        var options = new MqttReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(1) };
        Assert.Equal(
            new[] { 100, 200, 400, 800, 1000, 1000 },
            Enumerable.Range(0, 6).Select(a => (int)options.DelayFor(a).TotalMilliseconds));
        Assert.Equal(TimeSpan.FromSeconds(1), options.DelayFor(10_000));
    }
}
