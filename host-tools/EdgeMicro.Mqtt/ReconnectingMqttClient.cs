namespace EdgeMicro.Mqtt;

/// <summary>
/// An MQTT client that stays connected: after a lost connection it reconnects with exponential backoff, subscribes
/// again when the broker has no session for it (CONNACK Session Present = 0, section 3.2.2.2), and re-sends every
/// QoS 1 PUBLISH not yet acknowledged, with its original packet identifier, in the original order and with DUP set
/// (sections 4.4 and 4.6). A QoS 1 <see cref="PublishAsync"/> completes only when a PUBACK arrives, whatever number
/// of reconnects that takes, so no QoS 1 message is lost across broker restarts (receivers may see duplicates).
/// Use <see cref="MqttClientOptions.CleanSession"/> = false with a fixed client id so the broker also keeps the
/// subscriptions and queues messages for this client while it is away.
/// </summary>
public sealed partial class ReconnectingMqttClient : IAsyncDisposable, IDisposable
{
    private readonly MqttClientOptions _options;
    private readonly MqttReconnectOptions _reconnect;
    private readonly MqttPacketIdAllocator _ids = new();
    private readonly Lock _gate = new();
    private readonly List<OutboxEntry> _outbox = [];
    private readonly List<MqttTopicSubscription> _subscriptions = [];
    private readonly CancellationTokenSource _stopping = new();
    private TaskCompletionSource _connectedSignal = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private MqttClient? _current;
    private Task _reconnectTask = Task.CompletedTask;
    private bool _reconnecting;
    private int _started;

    /// <summary>Creates a client; call <see cref="StartAsync"/> to connect.</summary>
    /// <param name="options">Broker address and session settings, used for every connection.</param>
    /// <param name="reconnect">Backoff settings, or null for the defaults.</param>
    public ReconnectingMqttClient(MqttClientOptions options, MqttReconnectOptions? reconnect = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _reconnect = reconnect ?? new MqttReconnectOptions();
        _reconnect.Validate();
    }

    /// <summary>Raised for each received message (see <see cref="MqttClient.MessageReceived"/>).</summary>
    public event EventHandler<MqttMessageReceivedEventArgs>? MessageReceived;

    /// <summary>Raised after each successful connection, once re-sending and re-subscribing have been started.</summary>
    public event EventHandler<MqttConnectedEventArgs>? Connected;

    /// <summary>Raised when a connection is lost; reconnection starts right after.</summary>
    public event EventHandler<MqttConnectionLostEventArgs>? ConnectionLost;

    /// <summary>True while connected.</summary>
    public bool IsConnected
    {
        get
        {
            lock (_gate)
            {
                return _current is { IsConnected: true };
            }
        }
    }

    /// <summary>Number of QoS 1 messages published but not yet acknowledged.</summary>
    public int PendingPublishCount
    {
        get
        {
            lock (_gate)
            {
                return _outbox.Count;
            }
        }
    }

    /// <summary>Makes the first connection; later losses are repaired in the background.</summary>
    /// <param name="cancellationToken">Cancels the first attempt.</param>
    /// <returns>A task that completes when connected.</returns>
    /// <exception cref="MqttException">The first connection failed (refused, unreachable, timed out).</exception>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        if (Interlocked.Exchange(ref _started, 1) != 0)
        {
            throw new InvalidOperationException("The client has already been started.");
        }

        try
        {
            await ConnectOnceAsync(isReconnect: false, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Interlocked.Exchange(ref _started, 0);
            throw;
        }
    }

    /// <summary>
    /// Publishes a message. QoS 1 completes on PUBACK, waiting through reconnects (cancel with the token);
    /// QoS 0 is written once if connected and fails with <see cref="MqttErrorKind.NotConnected"/> otherwise.
    /// </summary>
    /// <param name="topic">Topic name without wildcards.</param>
    /// <param name="payload">Payload bytes.</param>
    /// <param name="qos">QoS 0 or 1.</param>
    /// <param name="retain">RETAIN flag (section 3.3.1.3).</param>
    /// <param name="cancellationToken">Gives up waiting; an abandoned QoS 1 message is not re-sent any more.</param>
    /// <returns>A task that completes when the message is written (QoS 0) or acknowledged (QoS 1).</returns>
    public async Task PublishAsync(
        string topic,
        byte[] payload,
        MqttQualityOfService qos = MqttQualityOfService.AtMostOnce,
        bool retain = false,
        CancellationToken cancellationToken = default)
    {
        MqttTopic.ValidateTopicName(topic);
        ArgumentNullException.ThrowIfNull(payload);
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        if (qos is not (MqttQualityOfService.AtMostOnce or MqttQualityOfService.AtLeastOnce))
        {
            throw new ArgumentOutOfRangeException(nameof(qos), qos, "Only QoS 0 and 1 are supported.");
        }

        if (qos == MqttQualityOfService.AtMostOnce)
        {
            MqttClient client = CurrentClient() ?? throw new MqttException(MqttErrorKind.NotConnected, "Not connected (QoS 0 is not queued).");
            await client.PublishAsync(topic, payload, qos, retain, cancellationToken).ConfigureAwait(false);
            return;
        }

        var entry = new OutboxEntry(_ids.Allocate(), topic, payload, retain);
        lock (_gate)
        {
            _outbox.Add(entry);

            // Started under the lock so that writes keep the order of the outbox (section 4.6).
            if (_current is { } client)
            {
                _ = SendEntryAsync(client, entry, dup: false);
            }
        }

        try
        {
            await entry.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Abandon(entry);
            throw;
        }
    }

    /// <summary>
    /// Subscribes and remembers the subscription so it is restored after reconnects. Waits for a connection if
    /// there is none.
    /// </summary>
    /// <param name="subscriptions">Filters with requested QoS.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>The SUBACK return codes; refused filters are not remembered.</returns>
    public async Task<IReadOnlyList<MqttSubscribeReturnCode>> SubscribeAsync(
        IReadOnlyList<MqttTopicSubscription> subscriptions, CancellationToken cancellationToken = default)
    {
        MqttClientOptions.ValidateSubscriptions(subscriptions);

        lock (_gate)
        {
            foreach (MqttTopicSubscription s in subscriptions)
            {
                _subscriptions.RemoveAll(x => x.Filter == s.Filter);
                _subscriptions.Add(s);
            }
        }

        IReadOnlyList<MqttSubscribeReturnCode> codes = await WithConnectionAsync(
            client => client.SubscribeAsync(subscriptions, cancellationToken), cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            for (int i = 0; i < codes.Count; i++)
            {
                if (codes[i] == MqttSubscribeReturnCode.Failure)
                {
                    _subscriptions.Remove(subscriptions[i]);
                }
            }
        }

        return codes;
    }

    /// <summary>Subscribes to one filter (see the list overload).</summary>
    /// <param name="filter">Topic filter.</param>
    /// <param name="qos">Requested QoS.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>The SUBACK return code.</returns>
    public async Task<MqttSubscribeReturnCode> SubscribeAsync(
        string filter, MqttQualityOfService qos = MqttQualityOfService.AtMostOnce, CancellationToken cancellationToken = default) =>
        (await SubscribeAsync([new MqttTopicSubscription(filter, qos)], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Unsubscribes and forgets the filters; waits for a connection if there is none.</summary>
    /// <param name="filters">Topic filters.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes on UNSUBACK.</returns>
    public async Task UnsubscribeAsync(IReadOnlyList<string> filters, CancellationToken cancellationToken = default)
    {
        MqttClientOptions.ValidateFilters(filters);
        lock (_gate)
        {
            _subscriptions.RemoveAll(s => filters.Contains(s.Filter));
        }

        await WithConnectionAsync(
            async client =>
            {
                await client.UnsubscribeAsync(filters, cancellationToken).ConfigureAwait(false);
                return true;
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops for good: no more reconnects, DISCONNECT if connected (the will is discarded), and every pending QoS 1
    /// publish fails with <see cref="MqttErrorKind.NotConnected"/>.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for the graceful close.</param>
    /// <returns>A task that completes when stopped.</returns>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        MqttClient? client = Shutdown();
        if (client is not null)
        {
            await client.DisconnectAsync(cancellationToken).ConfigureAwait(false);
            await client.DisposeAsync().ConfigureAwait(false);
        }

        await WaitReconnectLoopAsync().ConfigureAwait(false);
    }

    /// <summary>Stops without DISCONNECT (the broker publishes the will); pending publishes fail.</summary>
    public void Dispose() => Shutdown()?.Dispose();

    /// <summary>Like <see cref="Dispose"/>, and waits (bounded) for background work to end.</summary>
    /// <returns>A task that completes when disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        MqttClient? client = Shutdown();
        if (client is not null)
        {
            await client.DisposeAsync().ConfigureAwait(false);
        }

        await WaitReconnectLoopAsync().ConfigureAwait(false);
    }
}
