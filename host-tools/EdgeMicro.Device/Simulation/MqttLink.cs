using System.Collections.Concurrent;
using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Mqtt;

namespace EdgeMicro.Device.Simulation;

/// <summary>
/// <see cref="IMqttLink"/> over EdgeMicro.Mqtt's <see cref="ReconnectingMqttClient"/>: persistent session (client id =
/// device id, clean session off, so the broker keeps subscriptions and queues updates while the device is away),
/// reconnect with backoff, retained "offline" will on the status topic, QoS 1 publishes that wait (bounded) for PUBACK.
/// A publish that times out is abandoned by the client and stays in the device's outbox, so it may reach the broker
/// twice; the (boot, seq) in every payload lets the host drop the copy.
/// </summary>
public sealed class MqttLink : IMqttLink, IAsyncDisposable
{
    private readonly ReconnectingMqttClient _client;
    private readonly ConcurrentQueue<MqttInbound> _inbox = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _publishTimeout;
    private readonly string _statusTopic;
    private readonly byte[] _offline;
    private readonly Lock _gate = new();
    private Task _starter = Task.CompletedTask;
    private CancellationTokenSource _connection = new();

    /// <summary>Creates the link; call <see cref="Start"/> to connect in the background.</summary>
    /// <param name="config">Device configuration (broker, credentials, id).</param>
    /// <param name="publishTimeout">How long a publish waits for PUBACK (at most <see cref="MqttSession.MaxPublishBlockMs"/>, the bound of <see cref="IMqttLink.Publish"/>).</param>
    /// <param name="reconnect">Backoff, or null for fast test-friendly defaults (100 ms doubling to 5 s).</param>
    public MqttLink(DeviceConfig config, TimeSpan publishTimeout, MqttReconnectOptions? reconnect = null)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(publishTimeout, TimeSpan.FromMilliseconds(MqttSession.MaxPublishBlockMs));
        var will = new PayloadWriter(64);
        Payloads.Offline(will);
        var options = new MqttClientOptions
        {
            Host = config.MqttHost,
            Port = config.MqttPort,
            ClientId = config.DeviceId,
            CleanSession = false,
            KeepAliveSeconds = 15,
            Username = config.MqttUser,
            Password = config.MqttPassword,
            ConnectTimeout = TimeSpan.FromSeconds(5),
            OperationTimeout = TimeSpan.FromSeconds(5),
            Will = new MqttWill(TopicLayout.Of(config.DeviceId, TopicLayout.StatusLeaf), will.Buffer.AsSpan(0, will.Length).ToArray(), MqttQualityOfService.AtLeastOnce, Retain: true),
        };
        _publishTimeout = publishTimeout;
        _statusTopic = options.Will.Topic;
        _offline = options.Will.Payload;
        _client = new ReconnectingMqttClient(options, reconnect ?? new MqttReconnectOptions { InitialDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromSeconds(5) });
        _client.MessageReceived += (_, e) => _inbox.Enqueue(new MqttInbound(e.Message.Topic, e.Message.Payload));

        // A publish waiting for PUBACK gives up as soon as the connection drops, so the firmware loop keeps sampling
        // while the message waits in its outbox (instead of stalling until the publish timeout).
        _client.ConnectionLost += (_, _) =>
        {
            lock (_gate)
            {
                _connection.Cancel();
            }
        };
        _client.Connected += (_, _) =>
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

    /// <summary>Publishes that failed or timed out (the outbox kept them).</summary>
    public int FailedPublishes { get; private set; }

    /// <summary>Connects in the background, retrying the first connection until it succeeds or the link is disposed.</summary>
    public void Start()
    {
        _starter = Task.Run(async () =>
        {
            for (int attempt = 0; !_stop.IsCancellationRequested; attempt++)
            {
                try
                {
                    await _client.StartAsync(_stop.Token).ConfigureAwait(false);
                    return;
                }
                catch (Exception e) when (e is MqttException or IOException or OperationCanceledException)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(5000, 100 << Math.Min(attempt, 6))), _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                }
            }
        });
    }

    /// <inheritdoc/>
    public void Subscribe(string filter)
    {
        // Remembered by the client and restored after reconnects; waits for the first connection if needed.
        _ = _client.SubscribeAsync(filter, MqttQualityOfService.AtLeastOnce, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <inheritdoc/>
    public bool Publish(string topic, byte[] payload, int length, bool retain)
    {
        if (!_client.IsConnected)
        {
            return false;
        }

        try
        {
            CancellationToken connection;
            lock (_gate)
            {
                connection = _connection.Token;
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token, connection);
            timeout.CancelAfter(_publishTimeout);
            _client.PublishAsync(topic, payload.AsSpan(0, length).ToArray(), MqttQualityOfService.AtLeastOnce, retain, timeout.Token).GetAwaiter().GetResult();
            return true;
        }
        catch (Exception e) when (e is MqttException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            FailedPublishes++;
            return false;
        }
    }

    /// <inheritdoc/>
    public MqttInbound? Receive() => _inbox.TryDequeue(out MqttInbound? m) ? m : null;

    /// <summary>Disconnects: graceful publishes the retained offline status and sends DISCONNECT; otherwise the broker publishes the will.</summary>
    /// <param name="graceful">Send DISCONNECT.</param>
    /// <returns>A task.</returns>
    public async Task CloseAsync(bool graceful)
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _starter.ConfigureAwait(false);
        if (graceful)
        {
            try
            {
                // A clean shutdown says "offline" itself (the broker only sends the will for an unclean one).
                if (_client.IsConnected)
                {
                    await _client.PublishAsync(_statusTopic, _offline, MqttQualityOfService.AtLeastOnce, retain: true).WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
                }

                await _client.StopAsync().WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
            }
            catch (Exception e) when (e is MqttException or TimeoutException or IOException)
            {
                // Broker gone: nothing to tell it.
            }
        }

        await _client.DisposeAsync().ConfigureAwait(false);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync() => new(CloseAsync(graceful: false));
}
