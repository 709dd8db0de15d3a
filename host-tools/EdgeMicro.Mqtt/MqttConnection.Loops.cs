using EdgeMicro.Mqtt.Packets;

namespace EdgeMicro.Mqtt;

/// <content>Receive loop, packet dispatch, PINGREQ/PINGRESP and keep-alive.</content>
internal sealed partial class MqttConnection
{
    /// <summary>Sends PINGREQ and waits for PINGRESP (section 3.12); concurrent callers share one exchange.</summary>
    public async Task PingAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        TaskCompletionSource ping;
        bool send = false;
        lock (_pingGate)
        {
            if (_ping is null)
            {
                _ping = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                send = true;
            }

            ping = _ping;
        }

        try
        {
            ThrowIfClosed();
            if (send)
            {
                await SendAsync(MqttPingReqPacket.Instance, cancellationToken).ConfigureAwait(false);
            }

            await ping.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new MqttException(MqttErrorKind.Timeout, $"No PINGRESP within {timeout.TotalSeconds:0.###} s.", ex);
        }
        finally
        {
            lock (_pingGate)
            {
                if (ReferenceEquals(_ping, ping))
                {
                    _ping = null;
                }
            }
        }
    }

    private async Task ReceiveLoopAsync()
    {
        try
        {
            while (true)
            {
                MqttPacket packet = await MqttPacketReader.ReadAsync(_input, _options.MaxIncomingPacketSize, _lifetime.Token)
                    .ConfigureAwait(false) ?? throw new MqttException(MqttErrorKind.ConnectionLost, "The broker closed the connection.");
                Volatile.Write(ref _lastReceive, Environment.TickCount64);
                await HandleAsync(packet).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            // Section 4.8: on a malformed packet or protocol violation the connection must be closed.
            Close(ex);
        }
    }

    private async Task HandleAsync(MqttPacket packet)
    {
        switch (packet)
        {
            case MqttPublishPacket publish:
                _onPublish(publish);

                // Section 4.3.2 [MQTT-4.3.2-4]: acknowledge a QoS 1 PUBLISH with a PUBACK carrying its packet identifier.
                // Sent after the handler ran, so a crash before that leads to re-delivery rather than loss.
                if (publish.Qos == MqttQualityOfService.AtLeastOnce)
                {
                    await SendAsync(new MqttPubAckPacket(publish.PacketId), CancellationToken.None).ConfigureAwait(false);
                }

                break;
            case MqttPubAckPacket ack:
                Complete(ack.PacketId, ack);
                break;
            case MqttSubAckPacket ack:
                Complete(ack.PacketId, ack);
                break;
            case MqttUnsubAckPacket ack:
                Complete(ack.PacketId, ack);
                break;
            case MqttPingRespPacket:
                lock (_pingGate)
                {
                    _ping?.TrySetResult();
                }

                break;
            default:
                throw MqttException.Violation($"A broker must not send {packet.Type} to a client (section 4.8).");
        }
    }

    private void Complete(ushort packetId, MqttPacket ack)
    {
        // An acknowledgement for an identifier nobody waits for any more (timed out or cancelled) is ignored.
        if (_pending.TryGetValue(packetId, out PendingAck? pending))
        {
            if (pending.Expected != ack.Type)
            {
                throw MqttException.Violation($"Got {ack.Type} for packet identifier {packetId}, expected {pending.Expected}.");
            }

            pending.Completion.TrySetResult(ack);
        }
    }

    private async Task KeepAliveLoopAsync()
    {
        // Section 3.1.2.10: send a control packet at least every Keep Alive seconds; PINGREQ when there is nothing else.
        // A PINGREQ is also sent when nothing was received for that long, so a silent dead broker is detected.
        long interval = _options.KeepAliveSeconds * 1000L;
        try
        {
            while (IsOpen)
            {
                long idle = Environment.TickCount64 - Math.Min(Volatile.Read(ref _lastSend), Volatile.Read(ref _lastReceive));
                if (idle >= interval)
                {
                    TimeSpan wait = TimeSpan.FromMilliseconds(Math.Min(interval, _options.OperationTimeout.TotalMilliseconds));
                    await PingAsync(wait, _lifetime.Token).ConfigureAwait(false);
                }
                else
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(interval - idle), _lifetime.Token).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (_lifetime.IsCancellationRequested)
        {
            // Closed.
        }
        catch (Exception ex)
        {
            // Section 3.1.2.10: no PINGRESP within a reasonable time, so close the network connection.
            Close(ex);
        }
    }
}
