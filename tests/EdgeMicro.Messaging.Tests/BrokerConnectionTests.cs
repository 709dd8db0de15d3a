using System.Text;
using EdgeMicro.TestKit;

namespace EdgeMicro.Messaging.Tests;

/// <summary><see cref="BrokerConnection"/> against a real mosquitto: reconnection, lost broker state, manual acknowledgement.</summary>
public sealed class BrokerConnectionTests
{
    [Fact]
    public async Task BrokerKilledWithoutPersistence_SubscriberReconnectsResubscribesAndPublisherCompletes()
    {
        using var broker = MosquittoBroker.WithoutPersistence();
        string topic = Broker.UniqueTopic("stream");
        var sink = new Sink();
        await using BrokerConnection sub = await Broker.ConnectAsync(broker, "sub", sink, topic);
        await using BrokerConnection pub = await Broker.ConnectAsync(broker, "pub");
        await pub.PublishAsync(topic, "before"u8.ToArray());
        await sink.WaitForAsync(m => Encoding.UTF8.GetString(m.Payload) == "before");

        broker.KillHard();
        Task pending = pub.PublishAsync(topic, "after"u8.ToArray());
        await Task.Delay(300);
        Assert.False(pending.IsCompleted);
        broker.Start();

        // The restarted broker knows no session and no subscription: the wrapper subscribes again on connecting.
        await pending.WaitAsync(TimeSpan.FromSeconds(15));
        await sub.WaitConnectedAsync().WaitAsync(TimeSpan.FromSeconds(15));
        await Task.Delay(200);
        await pub.PublishAsync(topic, "again"u8.ToArray());
        await sink.WaitForAsync(m => Encoding.UTF8.GetString(m.Payload) == "again");
        Assert.True(sub.Connections >= 2 && sub.ConnectionsLost >= 1, $"connections {sub.Connections}, lost {sub.ConnectionsLost}");
    }

    [Fact]
    public async Task ManualAcknowledgement_WhenConsumerNeverAcknowledges_BrokerRedeliversToTheResumedSession()
    {
        using var broker = new MosquittoBroker();
        string topic = Broker.UniqueTopic("ack");
        BrokerOptions options = Broker.Options(broker, "consumer", manualAck: true);
        var first = new Sink(acknowledge: false);
        await using (BrokerConnection c = await Broker.ConnectAsync(options, first, topic))
        {
            await using BrokerConnection pub = await Broker.ConnectAsync(broker, "pub");
            await pub.PublishAsync(topic, "unacked"u8.ToArray());
            await pub.PublishAsync(topic, "acked"u8.ToArray());
            await first.WaitCountAsync(m => m.Count == 2);
            Assert.True(await first.Messages.Single(m => Encoding.UTF8.GetString(m.Payload) == "acked").AcknowledgeAsync());
            await Task.Delay(200);
        }

        var second = new Sink();
        await using BrokerConnection again = await Broker.ConnectAsync(options, second, topic);
        BrokerMessage redelivered = await second.WaitForAsync(_ => true);
        Assert.Equal("unacked", Encoding.UTF8.GetString(redelivered.Payload));
        await Task.Delay(500);
        Assert.Single(second.Messages);
    }

    [Fact]
    public async Task StartAsync_WhenNoBrokerListens_ThrowsBrokerExceptionNamingTheAddress()
    {
        var options = new BrokerOptions { Host = "127.0.0.1", Port = 1, ClientId = "nobody", ConnectTimeout = TimeSpan.FromSeconds(2) };
        await using var c = new BrokerConnection(options);
        BrokerException e = await Assert.ThrowsAsync<BrokerException>(() => c.StartAsync());
        Assert.Contains("127.0.0.1:1", e.Message, StringComparison.Ordinal);
    }
}
