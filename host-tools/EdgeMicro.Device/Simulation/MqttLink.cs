using System.Collections.Concurrent;
using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Messaging;

namespace EdgeMicro.Device.Simulation;

/// <summary>
/// <see cref="IMqttLink"/> over EdgeMicro.Messaging's <see cref="BrokerConnection"/> (MQTTnet): persistent session
/// (client id = device id, so the broker keeps subscriptions and queues updates while the device is away), reconnect
/// with backoff and subscriptions restored after every connection, retained "offline" will on the status topic, QoS 1
/// publishes that wait (bounded) for PUBACK. A publish that times out stays in the device's outbox, so it may reach
/// the broker twice; the (boot, seq) in every payload lets the host drop the copy.
/// </summary>
public sealed class MqttLink : IMqttLink, IAsyncDisposable
{
    private readonly BrokerConnection _client;
    private readonly ConcurrentQueue<MqttInbound> _inbox = new();
    private readonly TimeSpan _publishTimeout;
    private readonly string _statusTopic;
    private readonly byte[] _offline;
    private readonly Lock _gate = new();
    private CancellationTokenSource _connection = new();

    /// <summary>Creates the link; call <see cref="Start"/> to connect in the background.</summary>
    /// <param name="config">Device configuration (broker, credentials, id).</param>
    /// <param name="publishTimeout">How long a publish waits for PUBACK (at most <see cref="MqttSession.MaxPublishBlockMs"/>, the bound of <see cref="IMqttLink.Publish"/>).</param>
    /// <param name="maxBackoff">Longest reconnection delay, or null for 5 s (the first is 100 ms, doubling).</param>
    public MqttLink(DeviceConfig config, TimeSpan publishTimeout, TimeSpan? maxBackoff = null)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(publishTimeout, TimeSpan.FromMilliseconds(MqttSession.MaxPublishBlockMs));
        var will = new PayloadWriter(64);
        Payloads.Offline(will);
        _publishTimeout = publishTimeout;
        _statusTopic = TopicLayout.Of(config.DeviceId, TopicLayout.StatusLeaf);
        _offline = will.Buffer.AsSpan(0, will.Length).ToArray();
        _client = new BrokerConnection(new BrokerOptions
        {
            Host = config.MqttHost,
            Port = config.MqttPort,
            ClientId = config.DeviceId,
            KeepAlive = TimeSpan.FromSeconds(15),
            User = config.MqttUser,
            Password = config.MqttPassword,
            WillTopic = _statusTopic,
            WillPayload = _offline,
            MaxBackoff = maxBackoff ?? TimeSpan.FromSeconds(5),
        });
        _client.MessageReceived += m =>
        {
            _inbox.Enqueue(new MqttInbound(m.Topic, m.Payload));
            return Task.CompletedTask;
        };

        // A publish waiting for PUBACK gives up as soon as the connection drops, so the firmware loop keeps sampling
        // while the message waits in its outbox (instead of stalling until the publish timeout).
        _client.ConnectionLost += () =>
        {
            lock (_gate)
            {
                _connection.Cancel();
            }
        };
        _client.Connected += () =>
        {
            lock (_gate)
            {
                if (_connection.IsCancellationRequested)
                {
                    _connection.Dispose();
                    _connection = new CancellationTokenSource();
                }
            }
        };
    }

    /// <inheritdoc/>
    public bool IsConnected => _client.IsConnected;

    /// <summary>Gets the publishes that failed or timed out (the outbox kept them).</summary>
    public int FailedPublishes { get; private set; }

    /// <summary>Connects in the background, retrying until it succeeds or the link is disposed.</summary>
    public void Start() => _client.StartInBackground();

    /// <inheritdoc/>
    public void Subscribe(string filter)
    {
        // Remembered by the client and restored after every connection.
        _ = _client.SubscribeAsync([filter]);
    }

    /// <inheritdoc/>
    public bool Publish(string topic, byte[] payload, int length, bool retain)
    {
        if (!_client.IsConnected)
        {
            return false;
        }

        CancellationToken connection;
        lock (_gate)
        {
            connection = _connection.Token;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(connection);
        timeout.CancelAfter(_publishTimeout);
        if (_client.TryPublishAsync(topic, payload.AsMemory(0, length).ToArray(), retain, timeout.Token).GetAwaiter().GetResult())
        {
            return true;
        }

        FailedPublishes++;
        return false;
    }

    /// <inheritdoc/>
    public MqttInbound? Receive() => _inbox.TryDequeue(out MqttInbound? m) ? m : null;

    /// <summary>Disconnects: graceful publishes the retained offline status and sends DISCONNECT; otherwise the broker publishes the will.</summary>
    /// <param name="graceful">Send DISCONNECT.</param>
    /// <returns>A task.</returns>
    public async Task CloseAsync(bool graceful)
    {
        if (graceful && _client.IsConnected)
        {
            // A clean shutdown says "offline" itself (the broker only sends the will for an unclean one).
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _client.TryPublishAsync(_statusTopic, _offline, retain: true, timeout.Token).ConfigureAwait(false);
            await _client.StopAsync().ConfigureAwait(false);
        }

        await _client.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => new(CloseAsync(graceful: false));
}
