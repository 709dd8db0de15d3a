using System.Collections.Concurrent;
using System.Net.Sockets;
using EdgeMicro.Mqtt.Packets;

namespace EdgeMicro.Mqtt;

/// <summary>
/// One TCP connection to a broker after a successful CONNECT/CONNACK: serialized writes, the receive loop, keep-alive
/// and the acknowledgements awaited on this connection. Once closed it stays closed; a new connection is a new object.
/// </summary>
internal sealed partial class MqttConnection
{
    private readonly TcpClient _tcp;
    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly BufferedStream _input;
    private readonly MqttClientOptions _options;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<ushort, PendingAck> _pending = new();
    private readonly CancellationTokenSource _lifetime = new();
    private readonly Lock _pingGate = new();
    private Action<MqttPublishPacket> _onPublish = _ => { };
    private Action<Exception> _onLost = _ => { };
    private TaskCompletionSource? _ping;
    private Task _receiveTask = Task.CompletedTask;
    private Task _keepAliveTask = Task.CompletedTask;
    private long _lastSend = Environment.TickCount64;
    private long _lastReceive = Environment.TickCount64;
    private int _closed;
    private volatile bool _disconnecting;
    private volatile MqttException? _closeError;

    private MqttConnection(TcpClient tcp, MqttClientOptions options)
    {
        _tcp = tcp;
        _socket = tcp.Client;
        _stream = tcp.GetStream();
        _input = new BufferedStream(_stream, 8192);
        _options = options;
    }

    /// <summary>True until the connection is closed for any reason.</summary>
    public bool IsOpen => Volatile.Read(ref _closed) == 0;

    /// <summary>
    /// Opens TCP, sends CONNECT and waits for CONNACK (section 3.2: the first packet from the server must be CONNACK
    /// [MQTT-3.2.0-1]). Does not start the receive loop; call <see cref="Start"/>.
    /// </summary>
    public static async Task<(MqttConnection Connection, MqttConnAckPacket ConnAck)> OpenAsync(
        MqttClientOptions options, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.ConnectTimeout);
        var tcp = new TcpClient { NoDelay = true };
        try
        {
            await tcp.ConnectAsync(options.Host, options.Port, timeout.Token).ConfigureAwait(false);
            var connection = new MqttConnection(tcp, options);
            await connection.WriteAsync(MqttPacketWriter.Encode(ToConnectPacket(options)), timeout.Token).ConfigureAwait(false);
            MqttPacket? first = await MqttPacketReader.ReadAsync(connection._input, options.MaxIncomingPacketSize, timeout.Token)
                .ConfigureAwait(false);
            if (first is not MqttConnAckPacket connAck)
            {
                throw first is null
                    ? new MqttException(MqttErrorKind.ConnectionLost, "The broker closed the connection before sending CONNACK.")
                    : MqttException.Violation($"Expected CONNACK as the first packet, got {first.Type} (MQTT-3.2.0-1).");
            }

            // Section 3.2.2.3: a non-zero return code means the server closed the connection.
            if (connAck.ReturnCode != MqttConnectReturnCode.Accepted)
            {
                throw MqttException.ConnectionRefused(connAck.ReturnCode);
            }

            return (connection, connAck);
        }
        catch (Exception ex)
        {
            tcp.Dispose();
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new MqttException(MqttErrorKind.Timeout,
                    $"No connection/CONNACK from {options.Host}:{options.Port} within {options.ConnectTimeout.TotalSeconds:0.###} s.", ex);
            }

            if (ex is SocketException or IOException)
            {
                throw new MqttException(MqttErrorKind.ConnectionFailed,
                    $"Could not connect to the MQTT broker at {options.Host}:{options.Port}: {ex.Message}", ex);
            }

            throw;
        }
    }

    /// <summary>Starts the receive and keep-alive loops.</summary>
    public void Start(Action<MqttPublishPacket> onPublish, Action<Exception> onLost)
    {
        _onPublish = onPublish;
        _onLost = onLost;
        _receiveTask = Task.Run(ReceiveLoopAsync);
        _keepAliveTask = _options.KeepAliveSeconds == 0 ? Task.CompletedTask : Task.Run(KeepAliveLoopAsync);
    }

    /// <summary>Encodes and writes one packet; writes are serialized so packets never interleave.</summary>
    public Task SendAsync(MqttPacket packet, CancellationToken cancellationToken) =>
        WriteAsync(MqttPacketWriter.Encode(packet), cancellationToken);

    /// <summary>Sends a packet carrying <paramref name="packetId"/> and waits for its acknowledgement.</summary>
    /// <param name="packet">PUBLISH (QoS 1), SUBSCRIBE or UNSUBSCRIBE.</param>
    /// <param name="packetId">Its packet identifier, allocated by the caller.</param>
    /// <param name="expected">PUBACK, SUBACK or UNSUBACK.</param>
    /// <param name="timeout">Time limit, or <see cref="Timeout.InfiniteTimeSpan"/>.</param>
    /// <param name="cancellationToken">Cancels the wait.</param>
    public async Task<MqttPacket> SendAndWaitAsync(
        MqttPacket packet, ushort packetId, MqttPacketType expected, TimeSpan timeout, CancellationToken cancellationToken)
    {
        PendingAck pending = await SendRegisteredAsync(packet, packetId, expected, cancellationToken).ConfigureAwait(false);
        try
        {
            return await pending.Completion.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException ex)
        {
            throw new MqttException(MqttErrorKind.Timeout,
                $"No {expected} for packet identifier {packetId} within {timeout.TotalSeconds:0.###} s.", ex);
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<ushort, PendingAck>(packetId, pending));
        }
    }

    /// <summary>
    /// Writes a QoS 1 PUBLISH; the returned task completes once written and yields a task that completes on its
    /// PUBACK (no time limit) or fails when the connection ends. Lets a caller write several packets in order.
    /// </summary>
    public async Task<Task> StartPublishAsync(MqttPublishPacket packet, CancellationToken cancellationToken)
    {
        PendingAck pending = await SendRegisteredAsync(packet, packet.PacketId, MqttPacketType.PubAck, cancellationToken)
            .ConfigureAwait(false);
        return WaitAndForgetAsync(pending, packet.PacketId);
    }

    private async Task WaitAndForgetAsync(PendingAck pending, ushort packetId)
    {
        try
        {
            await pending.Completion.Task.ConfigureAwait(false);
        }
        finally
        {
            _pending.TryRemove(new KeyValuePair<ushort, PendingAck>(packetId, pending));
        }
    }

    private async Task<PendingAck> SendRegisteredAsync(
        MqttPacket packet, ushort packetId, MqttPacketType expected, CancellationToken cancellationToken)
    {
        byte[] bytes = MqttPacketWriter.Encode(packet);
        var pending = new PendingAck(expected);
        if (!_pending.TryAdd(packetId, pending))
        {
            throw new InvalidOperationException($"Packet identifier {packetId} is already awaiting an acknowledgement.");
        }

        try
        {
            // Checked after registering: Close() either saw this entry and failed it, or it is visible here.
            ThrowIfClosed();
            await WriteAsync(bytes, cancellationToken).ConfigureAwait(false);
            return pending;
        }
        catch
        {
            _pending.TryRemove(new KeyValuePair<ushort, PendingAck>(packetId, pending));
            throw;
        }
    }

    /// <summary>
    /// Sends DISCONNECT and closes the connection (section 3.14.4 [MQTT-3.14.4-1, MQTT-3.14.4-2]: close the network
    /// connection and send nothing more). The broker then discards the will (section 3.1.2.5).
    /// </summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        _disconnecting = true;
        try
        {
            await SendAsync(MqttDisconnectPacket.Instance, cancellationToken).ConfigureAwait(false);

            // Half-close so the DISCONNECT is delivered before the FIN, then let the broker close its side.
            _socket.Shutdown(SocketShutdown.Send);
            await _receiveTask.WaitAsync(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is MqttException or IOException or SocketException or TimeoutException or ObjectDisposedException)
        {
            // Already gone or slow to close: the connection is torn down below either way.
        }
        finally
        {
            Close(null);
        }
    }

    /// <summary>Closes the socket without DISCONNECT (the broker will publish the will) and fails pending waits.</summary>
    /// <param name="reason">Why, or null for a close requested by the application (no ConnectionLost callback).</param>
    public void Close(Exception? reason)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }

        bool intentional = reason is null || _disconnecting;
        _closeError = intentional
            ? new MqttException(MqttErrorKind.NotConnected, "The client disconnected.")
            : new MqttException(MqttErrorKind.ConnectionLost, $"The connection to the broker was lost: {reason!.Message}", reason);
        _lifetime.Cancel();
        _tcp.Dispose();
        foreach (PendingAck pending in _pending.Values)
        {
            pending.Completion.TrySetException(_closeError);
        }

        lock (_pingGate)
        {
            _ping?.TrySetException(_closeError);
        }

        if (!intentional)
        {
            _onLost(reason!);
        }
    }

    /// <summary>Waits (bounded) for the background loops to finish after <see cref="Close"/>.</summary>
    public async Task WaitForLoopsAsync()
    {
        try
        {
            await Task.WhenAll(_receiveTask, _keepAliveTask).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // A user handler is still running on the receive loop; it ends on its own.
        }
    }

    private async Task WriteAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfClosed();

            // Only the connection lifetime cancels a started write: a half-written packet would corrupt the stream.
            await _stream.WriteAsync(bytes, _lifetime.Token).ConfigureAwait(false);
            Volatile.Write(ref _lastSend, Environment.TickCount64);
        }
        catch (Exception ex) when (ex is IOException or SocketException or ObjectDisposedException or OperationCanceledException)
        {
            Close(new MqttException(MqttErrorKind.ConnectionLost, "Writing to the broker failed.", ex));
            ThrowIfClosed();
            throw;
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private void ThrowIfClosed()
    {
        if (_closeError is { } error)
        {
            throw new MqttException(error.Kind, error.Message, error.InnerException);
        }
    }

    private static MqttConnectPacket ToConnectPacket(MqttClientOptions o) => new()
    {
        ClientId = o.ClientId,
        CleanSession = o.CleanSession,
        KeepAliveSeconds = o.KeepAliveSeconds,
        Username = o.Username,
        Password = o.Password is null ? null : System.Text.Encoding.UTF8.GetBytes(o.Password),
        Will = o.Will,
    };

    private sealed class PendingAck(MqttPacketType expected)
    {
        public MqttPacketType Expected { get; } = expected;

        public TaskCompletionSource<MqttPacket> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
