using EdgeMicro.Mqtt.Packets;

namespace EdgeMicro.Mqtt;

/// <content>Connection cycle: connect, re-send the outbox, re-subscribe, detect loss, back off, reconnect.</content>
public sealed partial class ReconnectingMqttClient
{
    private async Task ConnectOnceAsync(bool isReconnect, CancellationToken cancellationToken)
    {
        var client = new MqttClient(_ids);
        client.MessageReceived += (_, e) => MqttEvents.RaiseSafely(MessageReceived, this, e);
        client.ConnectionLost += (_, e) => OnConnectionLost(client, e.Reason);
        bool sessionPresent;
        try
        {
            sessionPresent = await client.ConnectAsync(_options, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        List<MqttTopicSubscription> subscriptions;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested || !client.IsConnected)
            {
                client.Dispose();
                throw new MqttException(MqttErrorKind.ConnectionLost, "The connection ended while it was being set up.");
            }

            _current = client;
            _connectedSignal.TrySetResult();
            subscriptions = [.. _subscriptions];

            // Section 4.4 [MQTT-4.4.0-1]: re-send unacknowledged PUBLISH packets with their original packet
            // identifiers; section 3.3.1.1: DUP = 1 on a re-delivery; section 4.6 [MQTT-4.6.0-1]: in the original order.
            // A snapshot: a send may complete synchronously (PUBACK already in) and remove its entry on this thread.
            foreach (OutboxEntry entry in _outbox.ToArray())
            {
                _ = SendEntryAsync(client, entry, dup: entry.Attempted);
            }
        }

        // Section 3.2.2.2: without a session on the broker the subscriptions are gone and must be made again.
        if (!sessionPresent && subscriptions.Count > 0)
        {
            try
            {
                await client.SubscribeAsync(subscriptions, cancellationToken).ConfigureAwait(false);
            }
            catch (MqttException ex) when (ex.Kind == MqttErrorKind.Timeout)
            {
                client.Dispose();
                OnConnectionLost(client, ex);
                return;
            }
            catch (MqttException)
            {
                // Lost again: OnConnectionLost has already scheduled the next attempt.
                return;
            }
        }

        MqttEvents.RaiseSafely(Connected, this, new MqttConnectedEventArgs(sessionPresent, isReconnect));
    }

    private void OnConnectionLost(MqttClient client, Exception reason)
    {
        bool startLoop;
        lock (_gate)
        {
            if (!ReferenceEquals(_current, client))
            {
                return;
            }

            _current = null;
            _connectedSignal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            startLoop = !_reconnecting && !_stopping.IsCancellationRequested;
            _reconnecting |= startLoop;
            if (startLoop)
            {
                _reconnectTask = Task.Run(ReconnectLoopAsync);
            }
        }

        MqttEvents.RaiseSafely(ConnectionLost, this, new MqttConnectionLostEventArgs(reason));
    }

    private async Task ReconnectLoopAsync()
    {
        int attempt = 0;
        while (true)
        {
            lock (_gate)
            {
                if (_current is not null || _stopping.IsCancellationRequested)
                {
                    _reconnecting = false;
                    return;
                }
            }

            try
            {
                await Task.Delay(WithJitter(_reconnect.DelayFor(attempt++)), _stopping.Token).ConfigureAwait(false);
                await ConnectOnceAsync(isReconnect: true, _stopping.Token).ConfigureAwait(false);
                attempt = 0;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                // Stopping: the check at the top of the loop ends it.
            }
            catch (Exception ex)
            {
                // Broker still away (MqttException) or anything unexpected: back off and try again, never give up.
                if (ex is not MqttException)
                {
                    System.Diagnostics.Trace.TraceError($"MQTT reconnect attempt failed unexpectedly: {ex}");
                }
            }
        }
    }

    private TimeSpan WithJitter(TimeSpan delay) =>
        TimeSpan.FromMilliseconds(delay.TotalMilliseconds * (1 + (_reconnect.Jitter * ((Random.Shared.NextDouble() * 2) - 1))));

    private async Task SendEntryAsync(MqttClient client, OutboxEntry entry, bool dup)
    {
        lock (_gate)
        {
            if (entry.Abandoned || entry.InFlight)
            {
                return;
            }

            entry.InFlight = true;
            entry.Attempted = true;
        }

        bool acknowledged = false;
        try
        {
            var packet = new MqttPublishPacket
            {
                Topic = entry.Topic, Payload = entry.Payload, Qos = MqttQualityOfService.AtLeastOnce,
                Retain = entry.Retain, Dup = dup, PacketId = entry.PacketId,
            };
            Task ack = await client.StartPublishAsync(packet, CancellationToken.None).ConfigureAwait(false);
            await ack.ConfigureAwait(false);
            acknowledged = true;
        }
        catch (Exception ex) when (ex is MqttException or ObjectDisposedException)
        {
            // Connection gone: the entry stays in the outbox and is re-sent after the reconnect.
        }
        finally
        {
            lock (_gate)
            {
                entry.InFlight = false;
                if (acknowledged)
                {
                    _outbox.Remove(entry);
                }

                if (acknowledged || entry.Abandoned)
                {
                    _ids.Release(entry.PacketId);
                }
            }

            if (acknowledged)
            {
                entry.Completion.TrySetResult();
            }
        }
    }

    private void Abandon(OutboxEntry entry)
    {
        lock (_gate)
        {
            _outbox.Remove(entry);
            entry.Abandoned = true;

            // While in flight the identifier is still registered on the connection; SendEntryAsync releases it.
            if (!entry.InFlight)
            {
                _ids.Release(entry.PacketId);
            }
        }
    }

    private MqttClient? CurrentClient()
    {
        lock (_gate)
        {
            return _current;
        }
    }

    private async Task<T> WithConnectionAsync<T>(Func<MqttClient, Task<T>> operation, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task signal;
            MqttClient? client;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
                client = _current;
                signal = _connectedSignal.Task;
            }

            if (client is null)
            {
                await signal.WaitAsync(cancellationToken).ConfigureAwait(false);
                continue;
            }

            try
            {
                return await operation(client).ConfigureAwait(false);
            }
            catch (MqttException ex) when (ex.Kind is MqttErrorKind.ConnectionLost or MqttErrorKind.NotConnected)
            {
                // Lost mid-operation: retry on the next connection.
            }
        }
    }

    private MqttClient? Shutdown()
    {
        List<OutboxEntry> failed;
        MqttClient? client;
        lock (_gate)
        {
            if (_stopping.IsCancellationRequested)
            {
                return null;
            }

            _stopping.Cancel();
            client = _current;
            _current = null;
            failed = [.. _outbox];
            _outbox.Clear();
            foreach (OutboxEntry entry in failed)
            {
                entry.Abandoned = true;
            }

            _connectedSignal.TrySetException(new ObjectDisposedException(nameof(ReconnectingMqttClient)));
        }

        var error = new MqttException(MqttErrorKind.NotConnected, "The client was stopped before the broker acknowledged the message.");
        foreach (OutboxEntry entry in failed)
        {
            entry.Completion.TrySetException(error);
        }

        return client;
    }

    private async Task WaitReconnectLoopAsync()
    {
        try
        {
            await _reconnectTask.WaitAsync(TimeSpan.FromSeconds(5)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A connect attempt is still winding down; it observes the stop and ends.
        }
    }

    private sealed class OutboxEntry(ushort packetId, string topic, byte[] payload, bool retain)
    {
        public ushort PacketId { get; } = packetId;

        public string Topic { get; } = topic;

        public byte[] Payload { get; } = payload;

        public bool Retain { get; } = retain;

        public bool InFlight { get; set; }

        public bool Attempted { get; set; }

        public bool Abandoned { get; set; }

        public TaskCompletionSource Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
