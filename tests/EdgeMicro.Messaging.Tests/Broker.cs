using System.Collections.Concurrent;
using EdgeMicro.TestKit;

namespace EdgeMicro.Messaging.Tests;

/// <summary>Connections and unique names for the tests.</summary>
internal static class Broker
{
    public static string UniqueTopic(string name) => $"test/{name}/{Guid.NewGuid():N}";

    public static BrokerOptions Options(MosquittoBroker broker, string name, bool manualAck = false) => new()
    {
        Host = broker.Host, Port = broker.Port, ClientId = name + "-" + Guid.NewGuid().ToString("N")[..8],
        ManualAcknowledgement = manualAck, InitialBackoff = TimeSpan.FromMilliseconds(50), MaxBackoff = TimeSpan.FromMilliseconds(400),
    };

    public static async Task<BrokerConnection> ConnectAsync(MosquittoBroker broker, string name, Sink? sink = null, params string[] filters) =>
        await ConnectAsync(Options(broker, name), sink, filters);

    public static async Task<BrokerConnection> ConnectAsync(BrokerOptions options, Sink? sink, params string[] filters)
    {
        var c = new BrokerConnection(options);
        if (sink != null)
        {
            c.MessageReceived += sink.OnMessageAsync;
        }

        await c.SubscribeAsync(filters);
        await c.StartAsync();
        return c;
    }
}

/// <summary>Collects received messages; optionally acknowledges none of them.</summary>
internal sealed class Sink(bool acknowledge = true)
{
    private readonly ConcurrentQueue<BrokerMessage> _messages = new();

    public IReadOnlyList<BrokerMessage> Messages => [.. _messages];

    public async Task OnMessageAsync(BrokerMessage m)
    {
        _messages.Enqueue(m);
        if (acknowledge)
        {
            await m.AcknowledgeAsync();
        }
    }

    public async Task<BrokerMessage> WaitForAsync(Func<BrokerMessage, bool> predicate, int timeoutMs = 10_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (DateTime.UtcNow < deadline)
        {
            BrokerMessage? hit = _messages.FirstOrDefault(predicate);
            if (hit != null)
            {
                return hit;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("no matching message");
    }

    public async Task WaitCountAsync(Func<IReadOnlyList<BrokerMessage>, bool> done, int timeoutMs = 20_000)
    {
        var deadline = DateTime.UtcNow.AddMilliseconds(timeoutMs);
        while (!done(Messages))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"condition not met; {Messages.Count} messages");
            }

            await Task.Delay(20);
        }
    }
}
