using System.Net.Sockets;
using EdgeMicro.Mqtt;
using EdgeMicro.TestKit;

namespace EdgeMicro.Mqtt.Tests;

/// <summary>The shared broker fixture itself: loopback only, graceful stop, restart with persistence.</summary>
public sealed class MosquittoBrokerTests
{
    [Fact]
    public async Task Restart_WhenRetainedMessageStored_SamePortAndMessageSurvives()
    {
        using var broker = new MosquittoBroker();
        int port = broker.Port;
        string topic = TestOptions.UniqueTopic("persisted");
        await using (var pub = new MqttClient())
        {
            await pub.ConnectAsync(TestOptions.For(broker, TestOptions.UniqueId("pub")));
            await pub.PublishAsync(topic, TestOptions.Utf8("kept"), MqttQualityOfService.AtLeastOnce, retain: true);
            await pub.DisconnectAsync();
        }

        broker.Stop();
        Assert.False(broker.IsRunning);
        Assert.Contains("Saving in-memory database", broker.ReadLog(), StringComparison.Ordinal);
        Assert.Throws<SocketException>(() => new TcpClient().Connect("127.0.0.1", port));

        broker.Start();
        Assert.Equal(port, broker.Port);
        var sink = new MessageSink();
        await using var sub = new MqttClient();
        sub.MessageReceived += sink.OnMessage;
        await sub.ConnectAsync(TestOptions.For(broker, TestOptions.UniqueId("sub")));
        await sub.SubscribeAsync(topic);
        MqttApplicationMessage m = await sink.WaitForAsync(x => x.Topic == topic);
        Assert.True(m.Retain);
        Assert.Equal("kept", MessageSink.Text(m));
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
