using EdgeMicro.Mqtt.Packets;

namespace EdgeMicro.Mqtt;

/// <summary>
/// MQTT 3.1.1 client over TCP with QoS 0 and 1. All methods are thread-safe; packets are written one at a time.
/// Received messages are raised on <see cref="MessageReceived"/> from the receive loop, one at a time in arrival
/// order (section 4.6); a QoS 1 message is acknowledged with PUBACK after the handlers return. The client can
/// connect again after a disconnect or loss; it does not reconnect by itself (see <see cref="ReconnectingMqttClient"/>).
/// </summary>
public sealed class MqttClient : IAsyncDisposable, IDisposable
{
    private readonly MqttPacketIdAllocator _ids;
    private readonly SemaphoreSlim _connectLock = new(1, 1);
    private volatile MqttConnection? _connection;
    private MqttClientOptions? _options;
    private int _disposed;

    /// <summary>Creates a disconnected client.</summary>
    public MqttClient()
        : this(new MqttPacketIdAllocator())
    {
    }

    /// <summary>Creates a disconnected client drawing packet identifiers from a shared allocator.</summary>
    internal MqttClient(MqttPacketIdAllocator ids)
    {
        _ids = ids;
    }

    /// <summary>
    /// Raised for each application message received. Handlers run on the receive loop: keep them short. Exceptions
    /// thrown by handlers are caught and ignored so that they cannot break the connection.
    /// </summary>
    public event EventHandler<MqttMessageReceivedEventArgs>? MessageReceived;

    /// <summary>
    /// Raised once when an established connection ends without <see cref="DisconnectAsync"/> or disposal: network
    /// error, broker closing the socket, malformed packet or missing PINGRESP. Pending operations fail with
    /// <see cref="MqttErrorKind.ConnectionLost"/>.
    /// </summary>
    public event EventHandler<MqttConnectionLostEventArgs>? ConnectionLost;

    /// <summary>True while a connection is established.</summary>
    public bool IsConnected => _connection is { IsOpen: true };

    /// <summary>Session Present flag of the last CONNACK (section 3.2.2.2).</summary>
    public bool SessionPresent { get; private set; }

    /// <summary>Options of the last successful connection, or null.</summary>
    public MqttClientOptions? Options => _options;

    /// <summary>Connects: TCP, CONNECT, then waits for a CONNACK with return code 0 (section 3.1 and 3.2).</summary>
    /// <param name="options">Broker address and session settings.</param>
    /// <param name="cancellationToken">Cancels the attempt.</param>
    /// <returns>The Session Present flag of the CONNACK.</returns>
    /// <exception cref="MqttException">Refused (with the return code), unreachable, timed out or protocol error.</exception>
    /// <exception cref="InvalidOperationException">Already connected.</exception>
    public async Task<bool> ConnectAsync(MqttClientOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        options.Validate();
        await _connectLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (IsConnected)
            {
                throw new InvalidOperationException("The client is already connected.");
            }

            (MqttConnection connection, MqttConnAckPacket connAck) =
                await MqttConnection.OpenAsync(options, cancellationToken).ConfigureAwait(false);
            _options = options;
            SessionPresent = connAck.SessionPresent;
            _connection = connection;
            connection.Start(OnPublish, reason => OnLost(connection, reason));
            if (Volatile.Read(ref _disposed) != 0)
            {
                connection.Close(null);
                throw new ObjectDisposedException(nameof(MqttClient));
            }

            return connAck.SessionPresent;
        }
        finally
        {
            _connectLock.Release();
        }
    }

    /// <summary>
    /// Publishes a message. QoS 0 completes once written; QoS 1 completes when the broker's PUBACK arrives
    /// (section 4.3.2) and fails with <see cref="MqttErrorKind.Timeout"/> after <see cref="MqttClientOptions.OperationTimeout"/>.
    /// </summary>
    /// <param name="topic">Topic name without wildcards.</param>
    /// <param name="payload">Payload bytes (may be empty).</param>
    /// <param name="qos">QoS 0 or 1.</param>
    /// <param name="retain">Ask the broker to retain the message for future subscribers (section 3.3.1.3).</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
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
        if (qos is not (MqttQualityOfService.AtMostOnce or MqttQualityOfService.AtLeastOnce))
        {
            throw new ArgumentOutOfRangeException(nameof(qos), qos, "Only QoS 0 and 1 are supported.");
        }

        MqttConnection connection = GetConnection();
        if (qos == MqttQualityOfService.AtMostOnce)
        {
            var packet = new MqttPublishPacket { Topic = topic, Payload = payload, Retain = retain };
            await connection.SendAsync(packet, cancellationToken).ConfigureAwait(false);
            return;
        }

        ushort id = _ids.Allocate();
        try
        {
            var packet = new MqttPublishPacket
            {
                Topic = topic, Payload = payload, Qos = qos, Retain = retain, PacketId = id,
            };
            await connection.SendAndWaitAsync(packet, id, MqttPacketType.PubAck, OperationTimeout, cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            _ids.Release(id);
        }
    }

    /// <summary>Subscribes to topic filters and waits for the SUBACK (sections 3.8 and 3.9).</summary>
    /// <param name="subscriptions">One or more filters with their requested QoS (0 or 1).</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>The return code for each filter, in order; <see cref="MqttSubscribeReturnCode.Failure"/> if refused.</returns>
    public async Task<IReadOnlyList<MqttSubscribeReturnCode>> SubscribeAsync(
        IReadOnlyList<MqttTopicSubscription> subscriptions, CancellationToken cancellationToken = default)
    {
        MqttClientOptions.ValidateSubscriptions(subscriptions);
        MqttConnection connection = GetConnection();
        ushort id = _ids.Allocate();
        try
        {
            var packet = new MqttSubscribePacket(id, subscriptions);
            var ack = (MqttSubAckPacket)await connection
                .SendAndWaitAsync(packet, id, MqttPacketType.SubAck, OperationTimeout, cancellationToken).ConfigureAwait(false);

            // Section 3.9.3 [MQTT-3.9.3-1]: one return code per topic filter, in the same order.
            return ack.ReturnCodes.Count == subscriptions.Count
                ? ack.ReturnCodes
                : throw MqttException.Violation($"SUBACK has {ack.ReturnCodes.Count} return codes for {subscriptions.Count} filters (MQTT-3.9.3-1).");
        }
        finally
        {
            _ids.Release(id);
        }
    }

    /// <summary>Subscribes to one topic filter and waits for the SUBACK.</summary>
    /// <param name="filter">Topic filter.</param>
    /// <param name="qos">Requested maximum QoS (0 or 1).</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>The granted QoS, or <see cref="MqttSubscribeReturnCode.Failure"/>.</returns>
    public async Task<MqttSubscribeReturnCode> SubscribeAsync(
        string filter, MqttQualityOfService qos = MqttQualityOfService.AtMostOnce, CancellationToken cancellationToken = default) =>
        (await SubscribeAsync([new MqttTopicSubscription(filter, qos)], cancellationToken).ConfigureAwait(false))[0];

    /// <summary>Unsubscribes from topic filters and waits for the UNSUBACK (sections 3.10 and 3.11).</summary>
    /// <param name="filters">One or more topic filters, exactly as subscribed.</param>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes on UNSUBACK.</returns>
    public async Task UnsubscribeAsync(IReadOnlyList<string> filters, CancellationToken cancellationToken = default)
    {
        MqttClientOptions.ValidateFilters(filters);
        MqttConnection connection = GetConnection();
        ushort id = _ids.Allocate();
        try
        {
            await connection.SendAndWaitAsync(
                    new MqttUnsubscribePacket(id, filters), id, MqttPacketType.UnsubAck, OperationTimeout, cancellationToken)
                .ConfigureAwait(false);
        }
        finally
        {
            _ids.Release(id);
        }
    }

    /// <summary>Sends PINGREQ and waits for PINGRESP (sections 3.12 and 3.13).</summary>
    /// <param name="cancellationToken">Cancels waiting.</param>
    /// <returns>A task that completes on PINGRESP.</returns>
    public Task PingAsync(CancellationToken cancellationToken = default) =>
        GetConnection().PingAsync(OperationTimeout, cancellationToken);

    /// <summary>
    /// Sends DISCONNECT and closes the connection (section 3.14); the broker discards the will. Does nothing if not
    /// connected. Pending operations fail with <see cref="MqttErrorKind.NotConnected"/>; no ConnectionLost is raised.
    /// </summary>
    /// <param name="cancellationToken">Cancels waiting for the broker to close its side.</param>
    /// <returns>A task that completes when the connection is closed.</returns>
    public async Task DisconnectAsync(CancellationToken cancellationToken = default)
    {
        if (_connection is { IsOpen: true } connection)
        {
            await connection.DisconnectAsync(cancellationToken).ConfigureAwait(false);
            await connection.WaitForLoopsAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Closes the socket without DISCONNECT, so the broker treats it as an abnormal disconnect and publishes the
    /// will (section 3.1.2.5). Call <see cref="DisconnectAsync"/> first for a graceful close.
    /// </summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _connection?.Close(null);
        }
    }

    /// <summary>Like <see cref="Dispose"/>, and also waits (bounded) for the background loops to end.</summary>
    /// <returns>A task that completes when the client is disposed.</returns>
    public async ValueTask DisposeAsync()
    {
        Dispose();
        if (_connection is { } connection)
        {
            await connection.WaitForLoopsAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes a QoS 1 PUBLISH built by the caller (identifier, DUP). The returned task completes once written and
    /// yields a task that completes on PUBACK, without a time limit, or fails when the connection ends.
    /// </summary>
    internal Task<Task> StartPublishAsync(MqttPublishPacket packet, CancellationToken cancellationToken) =>
        GetConnection().StartPublishAsync(packet, cancellationToken);

    private TimeSpan OperationTimeout => _options?.OperationTimeout ?? TimeSpan.FromSeconds(10);

    private MqttConnection GetConnection()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return _connection is { IsOpen: true } connection
            ? connection
            : throw new MqttException(MqttErrorKind.NotConnected, "The MQTT client is not connected.");
    }

    private void OnPublish(MqttPublishPacket packet)
    {
        var message = new MqttApplicationMessage(packet.Topic, packet.Payload, packet.Qos, packet.Retain, packet.Dup);
        MqttEvents.RaiseSafely(MessageReceived, this, new MqttMessageReceivedEventArgs(message));
    }

    private void OnLost(MqttConnection connection, Exception reason)
    {
        if (ReferenceEquals(_connection, connection) && Volatile.Read(ref _disposed) == 0)
        {
            MqttEvents.RaiseSafely(ConnectionLost, this, new MqttConnectionLostEventArgs(reason));
        }
    }
}
