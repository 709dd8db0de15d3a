using System.Diagnostics;
using EdgeMicro.Mqtt;
using EdgeMicro.TestKit;
using Xunit.Sdk;

namespace EdgeMicro.Mqtt.Tests;

/// <summary>Collects received messages and waits for them.</summary>
internal sealed class MessageSink
{
    private readonly Lock _gate = new();
    private readonly List<MqttApplicationMessage> _messages = [];

    public IReadOnlyList<MqttApplicationMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messages];
            }
        }
    }

    public void OnMessage(object? sender, MqttMessageReceivedEventArgs e)
    {
        lock (_gate)
        {
            _messages.Add(e.Message);
        }
    }

    public async Task<MqttApplicationMessage> WaitForAsync(Func<MqttApplicationMessage, bool> predicate, double seconds = 5)
    {
        MqttApplicationMessage? found = null;
        await Eventually.TrueAsync(() => (found = Messages.FirstOrDefault(predicate)) is not null, seconds,
            () => $"expected message not received; got: {string.Join(", ", Messages.Select(m => $"{m.Topic}={Text(m)}"))}");
        return found!;
    }

    public static string Text(MqttApplicationMessage m) => System.Text.Encoding.UTF8.GetString(m.Payload);
}

/// <summary>Polling waits with a deadline.</summary>
internal static class Eventually
{
    public static async Task TrueAsync(Func<bool> condition, double seconds, Func<string> describe)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed.TotalSeconds > seconds)
            {
                throw new XunitException($"Timed out after {seconds} s: {describe()}");
            }

            await Task.Delay(10);
        }
    }
}

/// <summary>Client options and topic names for tests; everything targets 127.0.0.1.</summary>
internal static class TestOptions
{
    public static MqttClientOptions For(MosquittoBroker broker, string clientId, bool cleanSession = true, ushort keepAlive = 30) => new()
    {
        Host = broker.Host,
        Port = broker.Port,
        ClientId = clientId,
        CleanSession = cleanSession,
        KeepAliveSeconds = keepAlive,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        OperationTimeout = TimeSpan.FromSeconds(5),
    };

    public static MqttClientOptions ForPort(int port, string clientId = "c1") => new()
    {
        Host = "127.0.0.1",
        Port = port,
        ClientId = clientId,
        KeepAliveSeconds = 0,
        ConnectTimeout = TimeSpan.FromSeconds(2),
        OperationTimeout = TimeSpan.FromSeconds(2),
    };

    public static string UniqueTopic(string name) => $"test/{Guid.NewGuid():N}/{name}";

    public static string UniqueId(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..23];

    public static byte[] Utf8(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
