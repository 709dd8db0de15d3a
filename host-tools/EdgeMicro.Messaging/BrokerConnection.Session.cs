using System.Buffers;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace EdgeMicro.Messaging;

/// <summary>The reconnection loop, (re)subscription, and the received-message and disconnect handlers.</summary>
public sealed partial class BrokerConnection
{
    private async Task LoopAsync()
    {
        TimeSpan backoff = _options.InitialBackoff;
        while (!_stop.IsCancellationRequested)
        {
            if (!_client.IsConnected)
            {
                try
                {
                    await ConnectOnceAsync(_stop.Token).ConfigureAwait(false);
                    backoff = _options.InitialBackoff;
                }
                catch (Exception e) when (e is BrokerException or OperationCanceledException)
                {
                    await Task.Delay(backoff, _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, _options.MaxBackoff.Ticks));
                    continue;
                }
            }

            await _wake.WaitAsync(TimeSpan.FromSeconds(1), _stop.Token).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        }
    }

    private async Task ConnectOnceAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ConnectTimeout);
        try
        {
            MqttClientConnectResult result = await _client.ConnectAsync(_mqtt, timeout.Token).ConfigureAwait(false);
            if (result.ResultCode != MqttClientConnectResultCode.Success)
            {
                throw new BrokerException($"the MQTT broker {_options.Host}:{_options.Port} refused the connection: {result.ResultCode}");
            }

            string[] filters;
            lock (_gate)
            {
                filters = [.. _filters];
            }

            if (filters.Length > 0)
            {
                await SubscribeNowAsync(filters, timeout.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is MqttCommunicationException or OperationCanceledException or InvalidOperationException && !cancellationToken.IsCancellationRequested)
        {
            throw new BrokerException($"cannot connect to the MQTT broker {_options.Host}:{_options.Port}: {e.Message}", e);
        }

        lock (_gate)
        {
            Connections++;
            _connected.TrySetResult();
        }

        Connected?.Invoke();
    }

    private async Task SubscribeNowAsync(IEnumerable<string> filters, CancellationToken cancellationToken)
    {
        MqttClientSubscribeOptionsBuilder b = new();
        foreach (string f in filters)
        {
            b = b.WithTopicFilter(f, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        await _client.SubscribeAsync(b.Build(), cancellationToken).ConfigureAwait(false);
    }

    private Task OnDisconnectedAsync(MqttClientDisconnectedEventArgs e)
    {
        if (e.ClientWasConnected)
        {
            lock (_gate)
            {
                ConnectionsLost += _stop.IsCancellationRequested ? 0 : 1;
                _generation++;
                if (_connected.Task.IsCompleted)
                {
                    _connected = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }
            }

            if (!_stop.IsCancellationRequested)
            {
                ConnectionLost?.Invoke();
            }
        }

        try
        {
            _wake.Release();
        }
        catch (ObjectDisposedException)
        {
            // Disposed meanwhile.
        }

        return Task.CompletedTask;
    }

    private async Task OnMessageAsync(MqttApplicationMessageReceivedEventArgs e)
    {
        Func<BrokerMessage, Task>? handler = MessageReceived;
        Func<CancellationToken, Task> ack = _ => Task.CompletedTask;
        if (_options.ManualAcknowledgement)
        {
            e.AutoAcknowledge = false;
            int generation;
            lock (_gate)
            {
                generation = _generation;
            }

            // A PUBACK on a later connection could name another message with the same packet id: only the
            // connection that delivered a message acknowledges it (the broker re-delivers it on the next one).
            ack = ct => generation == Volatile.Read(ref _generation) ? e.AcknowledgeAsync(ct) : throw new InvalidOperationException("connection changed");
        }

        MqttApplicationMessage m = e.ApplicationMessage;
        var message = new BrokerMessage(m.Topic, m.Payload.ToArray(), m.Retain, ack);
        if (handler != null)
        {
            await handler(message).ConfigureAwait(false);
        }
    }
}
