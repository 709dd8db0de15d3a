namespace EdgeMicro.Messaging;

/// <summary>A message received by a <see cref="BrokerConnection"/>.</summary>
public sealed class BrokerMessage
{
    private readonly Func<CancellationToken, Task> _acknowledge;

    /// <summary>Initializes a new instance of the <see cref="BrokerMessage"/> class.</summary>
    /// <param name="topic">Topic.</param>
    /// <param name="payload">Payload bytes.</param>
    /// <param name="retain">Whether the broker sent it as a retained message.</param>
    /// <param name="acknowledge">Sends the PUBACK (manual acknowledgement); a no-op otherwise.</param>
    public BrokerMessage(string topic, byte[] payload, bool retain, Func<CancellationToken, Task> acknowledge)
    {
        Topic = topic;
        Payload = payload;
        Retain = retain;
        _acknowledge = acknowledge;
    }

    /// <summary>Gets the topic.</summary>
    public string Topic { get; }

    /// <summary>Gets the payload.</summary>
    public byte[] Payload { get; }

    /// <summary>Gets a value indicating whether this is a retained copy.</summary>
    public bool Retain { get; }

    /// <summary>
    /// Acknowledges the message to the broker (with <see cref="BrokerOptions.ManualAcknowledgement"/>): until then the
    /// broker keeps it in the session and delivers it again after a reconnection. Fails quietly when the connection
    /// that delivered it is gone (the broker re-delivers it then).
    /// </summary>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>True when the acknowledgement was sent.</returns>
    public async Task<bool> AcknowledgeAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _acknowledge(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (Exception e) when (e is MQTTnet.Exceptions.MqttCommunicationException or InvalidOperationException or ObjectDisposedException or OperationCanceledException)
        {
            return false;
        }
    }
}
