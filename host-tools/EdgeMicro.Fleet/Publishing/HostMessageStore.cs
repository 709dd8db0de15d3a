using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Messaging;

namespace EdgeMicro.Fleet.Publishing;

/// <summary>
/// The host's store of device messages: a persistent MQTT session (QoS 1) on every device's status, stats, events
/// and results, keeping each (device, boot, seq) once. Redeliveries (after reconnects, retained copies, outbox
/// retries) are dropped and counted in <see cref="Duplicates"/>.
/// </summary>
public sealed class HostMessageStore : IAsyncDisposable
{
    private readonly BrokerConnection _client;
    private readonly Lock _gate = new();
    private readonly HashSet<(string, long, long)> _seen = [];
    private readonly List<DeviceMessage> _messages = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private HostMessageStore(BrokerConnection client)
    {
        _client = client;
        _client.MessageReceived += m =>
        {
            Add(m);
            return Task.CompletedTask;
        };
    }

    /// <summary>Redelivered messages dropped.</summary>
    public int Duplicates { get; private set; }

    /// <summary>
    /// The filters the store subscribes to: every device's JSON leaves (<see cref="TopicLayout.JsonLeaves"/>; the binary
    /// statistics reports are pulled by <c>edgemicro stats pull</c>).
    /// </summary>
    public static IReadOnlyList<string> Filters { get; } = [.. TopicLayout.JsonLeaves.Select(leaf => TopicLayout.Of(TopicLayout.AnyDevice, leaf))];

    /// <summary>Connects and subscribes.</summary>
    /// <param name="host">Broker host.</param>
    /// <param name="port">Broker port.</param>
    /// <param name="clientId">Client id of the persistent session.</param>
    /// <param name="cancellationToken">Cancels the first connection.</param>
    /// <returns>The store.</returns>
    public static async Task<HostMessageStore> StartAsync(string host, int port, string clientId, CancellationToken cancellationToken = default)
    {
        var client = new BrokerConnection(new BrokerOptions { Host = host, Port = port, ClientId = clientId, MaxBackoff = TimeSpan.FromSeconds(2) });
        var store = new HostMessageStore(client);
        await client.SubscribeAsync(Filters, cancellationToken).ConfigureAwait(false);
        await client.StartAsync(cancellationToken).ConfigureAwait(false);
        return store;
    }

    /// <summary>A copy of the stored messages in arrival order.</summary>
    /// <returns>The messages.</returns>
    public IReadOnlyList<DeviceMessage> Snapshot()
    {
        lock (_gate)
        {
            return [.. _messages];
        }
    }

    /// <summary>Waits until a stored message satisfies the predicate.</summary>
    /// <param name="predicate">Condition.</param>
    /// <param name="timeout">Longest wait.</param>
    /// <returns>The first matching message.</returns>
    /// <exception cref="TimeoutException">None arrived in time.</exception>
    public async Task<DeviceMessage> WaitForAsync(Func<DeviceMessage, bool> predicate, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                DeviceMessage? hit = _messages.FirstOrDefault(predicate);
                if (hit is not null)
                {
                    return hit;
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("no matching device message within " + timeout);
            }
        }
    }

    /// <summary>Waits until the predicate holds over the whole store.</summary>
    /// <param name="condition">Condition over a snapshot.</param>
    /// <param name="timeout">Longest wait.</param>
    /// <returns>A task.</returns>
    /// <exception cref="TimeoutException">It did not hold in time.</exception>
    public async Task WaitUntilAsync(Func<IReadOnlyList<DeviceMessage>, bool> condition, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (!condition(Snapshot()))
        {
            Task changed;
            lock (_gate)
            {
                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(TimeSpan.FromMilliseconds(200), cts.Token).ConfigureAwait(false);
            }
            catch (TimeoutException)
            {
                // Re-check.
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("condition over device messages not met within " + timeout);
            }
        }
    }

    /// <inheritdoc/>
    public async ValueTask DisposeAsync()
    {
        await _client.StopAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
    }

    private void Add(BrokerMessage m)
    {
        DeviceMessage? message = DeviceMessage.TryParse(m.Topic, m.Payload, m.Retain);
        if (message is null)
        {
            return;
        }

        lock (_gate)
        {
            if (message.Seq > 0 && !_seen.Add((message.DeviceId, message.Boot, message.Seq)))
            {
                Duplicates++;
                return;
            }

            _messages.Add(message);
            TaskCompletionSource changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            changed.TrySetResult();
        }
    }
}
