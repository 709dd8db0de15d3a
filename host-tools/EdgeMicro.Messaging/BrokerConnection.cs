using System.Buffers;
using MQTTnet;
using MQTTnet.Exceptions;
using MQTTnet.Protocol;

namespace EdgeMicro.Messaging;

/// <summary>
/// The host's MQTT connection: a thin wrapper over an MQTTnet client (MQTT 5, QoS 1 throughout) that reconnects with
/// exponential backoff (<see cref="BrokerOptions.InitialBackoff"/> doubling to <see cref="BrokerOptions.MaxBackoff"/>),
/// resumes the persistent session, subscribes again after every connection (a broker restarted without persistence
/// has forgotten the subscriptions), and, with <see cref="BrokerOptions.ManualAcknowledgement"/>, leaves the PUBACK
/// of each received message to its consumer (<see cref="BrokerMessage.AcknowledgeAsync"/>).
/// </summary>
public sealed partial class BrokerConnection : IAsyncDisposable
{
    private readonly BrokerOptions _options;
    private readonly IMqttClient _client;
    private readonly MqttClientOptions _mqtt;
    private readonly Lock _gate = new();
    private readonly List<string> _filters = [];
    private readonly CancellationTokenSource _stop = new();
    private readonly SemaphoreSlim _wake = new(0);
    private TaskCompletionSource _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task _loop = Task.CompletedTask;
    private int _generation;
    private bool _disposed;

    /// <summary>Initializes a new instance of the <see cref="BrokerConnection"/> class (not connected yet).</summary>
    /// <param name="options">Broker and session.</param>
    public BrokerConnection(BrokerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        MqttClientOptionsBuilder b = new MqttClientOptionsBuilder()
            .WithTcpServer(options.Host, options.Port)
            .WithClientId(options.ClientId)
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .WithCleanStart(!options.PersistentSession)
            .WithSessionExpiryInterval(options.PersistentSession ? uint.MaxValue : 0)
            .WithKeepAlivePeriod(options.KeepAlive)
            .WithTimeout(options.ConnectTimeout);
        if (options.User != null)
        {
            b = b.WithCredentials(options.User, options.Password);
        }

        if (options.WillTopic != null)
        {
            b = b.WithWillTopic(options.WillTopic).WithWillPayload(options.WillPayload).WithWillRetain().WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce);
        }

        _mqtt = b.Build();
        _client = new MqttClientFactory().CreateMqttClient();
        _client.ApplicationMessageReceivedAsync += OnMessageAsync;
        _client.DisconnectedAsync += OnDisconnectedAsync;
    }

    /// <summary>Receives every message (one at a time, in arrival order).</summary>
    public event Func<BrokerMessage, Task>? MessageReceived;

    /// <summary>Raised after each successful connection (subscriptions restored).</summary>
    public event Action? Connected;

    /// <summary>Raised when an established connection is lost.</summary>
    public event Action? ConnectionLost;

    /// <summary>Gets a value indicating whether the client is connected now.</summary>
    public bool IsConnected => _client.IsConnected;

    /// <summary>Gets the number of successful connections.</summary>
    public int Connections { get; private set; }

    /// <summary>Gets the number of established connections that were lost (not counting <see cref="StopAsync"/>).</summary>
    public int ConnectionsLost { get; private set; }

    /// <summary>Connects once (failing with a <see cref="BrokerException"/>), then keeps reconnecting in the background.</summary>
    /// <param name="cancellationToken">Cancels the first connection.</param>
    /// <returns>A task.</returns>
    public async Task StartAsync(CancellationToken cancellationToken = default)
    {
        await ConnectOnceAsync(cancellationToken).ConfigureAwait(false);
        _loop = Task.Run(LoopAsync, CancellationToken.None);
    }

    /// <summary>Starts connecting in the background, retrying with backoff until connected or disposed.</summary>
    public void StartInBackground() => _loop = Task.Run(LoopAsync, CancellationToken.None);

    /// <summary>Waits until connected.</summary>
    /// <param name="cancellationToken">Cancels the wait.</param>
    /// <returns>A task.</returns>
    public Task WaitConnectedAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return _connected.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Subscribes (QoS 1) now if connected, and after every later connection.</summary>
    /// <param name="filters">Topic filters.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>A task.</returns>
    public async Task SubscribeAsync(IEnumerable<string> filters, CancellationToken cancellationToken = default)
    {
        string[] added = [.. filters];
        lock (_gate)
        {
            _filters.AddRange(added);
        }

        if (_client.IsConnected)
        {
            try
            {
                await SubscribeNowAsync(added, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (IsConnectionFailure(e))
            {
                // Subscribed again on the next connection.
            }
        }
    }

    /// <summary>Publishes once with QoS 1 and waits for PUBACK.</summary>
    /// <param name="topic">Topic.</param>
    /// <param name="payload">Payload.</param>
    /// <param name="retain">RETAIN flag.</param>
    /// <param name="cancellationToken">Bounds the wait.</param>
    /// <returns>True once the broker acknowledged it; false when not connected, lost or cancelled.</returns>
    public async Task<bool> TryPublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain, CancellationToken cancellationToken = default)
    {
        if (!_client.IsConnected)
        {
            return false;
        }

        MqttApplicationMessage message = new MqttApplicationMessageBuilder().WithTopic(topic).WithPayloadSegment(payload)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).WithRetainFlag(retain).Build();
        try
        {
            MqttClientPublishResult result = await _client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
            return result.IsSuccess;
        }
        catch (Exception e) when (IsConnectionFailure(e))
        {
            return false;
        }
    }

    /// <summary>Publishes with QoS 1, waiting for a connection and trying again until the broker acknowledged it.</summary>
    /// <param name="topic">Topic.</param>
    /// <param name="payload">Payload.</param>
    /// <param name="retain">RETAIN flag.</param>
    /// <param name="cancellationToken">Gives up.</param>
    /// <returns>A task.</returns>
    public async Task PublishAsync(string topic, ReadOnlyMemory<byte> payload, bool retain = false, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            await WaitConnectedAsync(cancellationToken).ConfigureAwait(false);
            if (await TryPublishAsync(topic, payload, retain, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            cancellationToken.ThrowIfCancellationRequested();
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops reconnecting and disconnects gracefully (no will).</summary>
    /// <returns>A task.</returns>
    public async Task StopAsync()
    {
        if (_disposed)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        if (_client.IsConnected)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), timeout.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (IsConnectionFailure(e))
            {
                // Broker gone: nothing to tell it.
            }
        }
    }

    /// <summary>Stops reconnecting and drops the connection without DISCONNECT (the broker publishes the will).</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _client.Dispose();
    }

    private static bool IsConnectionFailure(Exception e) =>
        e is MqttCommunicationException or OperationCanceledException or InvalidOperationException or ObjectDisposedException or IOException;
}
