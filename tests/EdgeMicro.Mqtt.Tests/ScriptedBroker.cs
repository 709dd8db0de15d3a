using System.Net;
using System.Net.Sockets;
using EdgeMicro.Mqtt.Packets;

namespace EdgeMicro.Mqtt.Tests;

/// <summary>
/// A fake broker on 127.0.0.1 driven step by step by a test, for behaviours a real broker does not show
/// (refusals, silence, malformed bytes). It records the raw bytes the client sends.
/// </summary>
internal sealed class ScriptedBroker : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private TcpClient? _client;
    private NetworkStream? _stream;

    public ScriptedBroker()
    {
        _listener.Start();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    public async Task AcceptAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        _client = await _listener.AcceptTcpClientAsync(timeout.Token);
        _stream = _client.GetStream();
    }

    /// <summary>Reads one whole packet as raw bytes (fixed header included).</summary>
    public async Task<byte[]> ReadRawAsync(double seconds = 5)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var bytes = new List<byte>();
        byte[] one = new byte[1];
        await _stream!.ReadExactlyAsync(one, timeout.Token);
        bytes.Add(one[0]);
        int length;
        while (true)
        {
            await _stream.ReadExactlyAsync(one, timeout.Token);
            bytes.Add(one[0]);
            if (MqttPacketReader.TryReadRemainingLength(bytes.ToArray().AsSpan(1), out length, out _))
            {
                break;
            }
        }

        byte[] body = new byte[length];
        await _stream.ReadExactlyAsync(body, timeout.Token);
        return [.. bytes, .. body];
    }

    public async Task<MqttPacket> ReadAsync(double seconds = 5) => MqttPacketReader.Decode(await ReadRawAsync(seconds));

    public async Task SendAsync(params byte[] bytes) => await _stream!.WriteAsync(bytes);

    public Task SendAsync(MqttPacket packet) => SendAsync(MqttPacketWriter.Encode(packet));

    /// <summary>Accepts the client, reads its CONNECT and answers CONNACK accepted.</summary>
    public async Task<MqttConnectPacket> HandshakeAsync()
    {
        await AcceptAsync();
        var connect = (MqttConnectPacket)await ReadAsync();
        await SendAsync(new MqttConnAckPacket(false, MqttConnectReturnCode.Accepted));
        return connect;
    }

    public void Dispose()
    {
        _client?.Dispose();
        _listener.Stop();
        _listener.Dispose();
    }
}
