using System.Net.Sockets;
using EdgeMicro.TestKit;

namespace EdgeMicro.Messaging.Tests;

/// <summary>The shared broker fixture itself: loopback only, graceful stop, restart with persistence.</summary>
public sealed class MosquittoBrokerTests
{
    [Fact]
    public async Task Restart_WhenRetainedMessageStored_SamePortAndMessageSurvives()
    {
        using var broker = new MosquittoBroker();
        int port = broker.Port;
        string topic = Broker.UniqueTopic("persisted");
        await using (BrokerConnection pub = await Broker.ConnectAsync(broker, "pub"))
        {
            Assert.True(await pub.TryPublishAsync(topic, "kept"u8.ToArray(), retain: true));
            await pub.StopAsync();
        }

        broker.Stop();
        Assert.False(broker.IsRunning);
        Assert.Contains("Saving in-memory database", broker.ReadLog(), StringComparison.Ordinal);
        Assert.Throws<SocketException>(() => new TcpClient().Connect("127.0.0.1", port));

        broker.Start();
        Assert.Equal(port, broker.Port);
        var sink = new Sink();
        await using BrokerConnection sub = await Broker.ConnectAsync(broker, "sub", sink, topic);
        BrokerMessage m = await sink.WaitForAsync(x => x.Topic == topic);
        Assert.True(m.Retain);
        Assert.Equal("kept", System.Text.Encoding.UTF8.GetString(m.Payload));
    }

    [Fact]
    public async Task KillHard_WhenWithoutPersistence_RetainedMessageGone()
    {
        using var broker = MosquittoBroker.WithoutPersistence();
        string topic = Broker.UniqueTopic("volatile");
        await using (BrokerConnection pub = await Broker.ConnectAsync(broker, "pub"))
        {
            Assert.True(await pub.TryPublishAsync(topic, "lost"u8.ToArray(), retain: true));
        }

        broker.KillHard();
        Assert.False(broker.IsRunning);
        broker.Start();
        var sink = new Sink();
        await using BrokerConnection sub = await Broker.ConnectAsync(broker, "sub", sink, topic);
        await Task.Delay(500);
        Assert.Empty(sink.Messages);
    }

    [Fact]
    public void Constructor_WhenStarted_ListensOnLoopbackOnly()
    {
        using var broker = new MosquittoBroker();
        Assert.Equal("127.0.0.1", broker.Host);
        Assert.True(broker.IsRunning);
        Assert.Contains($"listener {broker.Port} 127.0.0.1", File.ReadAllText(Path.Combine(Path.GetDirectoryName(broker.LogPath)!, "mosquitto.conf")), StringComparison.Ordinal);
    }

    [Fact]
    public void RepoPaths_WhenRunFromTestOutput_FindsRepositoryRoot()
    {
        Assert.True(File.Exists(RepoPaths.Combine("models", "DEVKIT.md")) || File.Exists(RepoPaths.Combine("EdgeMicro.sln")));

        // Outputs go to --artifacts-path outside the repo, so the build-time metadata (on the test kit, where RepoPaths
        // reads it) is what makes this work in CI.
        Assert.Contains(
            typeof(RepoPaths).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
                .Cast<System.Reflection.AssemblyMetadataAttribute>(),
            a => a.Key == RepoPaths.RootMetadataKey && a.Value!.StartsWith(RepoPaths.Root, StringComparison.Ordinal));
    }
}
