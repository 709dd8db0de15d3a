using System.Collections.Concurrent;
using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Core.Device.Runtime;
using EdgeMicro.Core.Protocol;
using EdgeMicro.Core.Stats;
using EdgeMicro.Serial;

namespace EdgeMicro.Device.Serial;

/// <summary>
/// The desktop counterpart of the firmware's COM2 adapter: moves bytes between a port and the portable
/// <see cref="SerialServer"/>, which serves the <see cref="DeviceRuntime"/> through the core's
/// <see cref="RuntimeDevicePlatform"/>. A reader thread only queues received bytes; <see cref="Pump"/> answers them
/// on the firmware loop thread, so the runtime stays single-threaded as on the device.
/// </summary>
public sealed class SerialEndpoint : IByteSink, IDisposable
{
    private readonly ISerialPort _port;
    private readonly ConcurrentQueue<byte[]> _received = new();
    private readonly AutoResetEvent _receivedSignal = new(false);
    private readonly Thread _reader;
    private readonly IRuntimePlatform _platform;
    private volatile bool _stopping;

    /// <summary>Starts reading the port.</summary>
    /// <param name="port">Open port (owned: closed on dispose).</param>
    /// <param name="runtime">The device runtime (booted before the first <see cref="Pump"/>).</param>
    /// <param name="statistics">The device statistics, or null.</param>
    /// <param name="deviceId">Device id.</param>
    /// <param name="platform">Clock and memory of the runtime.</param>
    public SerialEndpoint(ISerialPort port, DeviceRuntime runtime, RuntimeStatistics? statistics, string deviceId, IRuntimePlatform platform)
    {
        _port = port;
        _platform = platform;
        Server = new SerialServer(new RequestHandler(new RuntimeDevicePlatform(deviceId, runtime, statistics, platform)));
        _reader = new Thread(Read) { IsBackground = true, Name = "serial " + deviceId };
        _reader.Start();
    }

    /// <summary>Signalled when bytes arrived (wakes the idle firmware loop).</summary>
    public WaitHandle Received => _receivedSignal;

    /// <summary>The serial server (decoder counters, handler).</summary>
    public SerialServer Server { get; }

    /// <summary>Answers the requests received so far, and NAKs a frame whose bytes stopped arriving (call from the
    /// firmware loop thread).</summary>
    /// <returns>Requests answered.</returns>
    public int Pump()
    {
        int answered = 0;
        while (_received.TryDequeue(out byte[]? data))
        {
            answered += Server.Process(data, 0, data.Length, this);
        }

        return answered + Server.Tick(_platform.NowMs, this);
    }

    /// <inheritdoc/>
    void IByteSink.Write(byte[] data, int offset, int count) => _port.Write(data, offset, count);

    /// <summary>Stops reading and closes the port.</summary>
    public void Dispose()
    {
        _stopping = true;
        _reader.Join();
        _port.Dispose();
        _receivedSignal.Dispose();
    }

    private void Read()
    {
        var buffer = new byte[4096];
        long lastBytes = long.MinValue / 2;
        while (!_stopping)
        {
            int n;
            try
            {
                n = _port.Read(buffer, 0, buffer.Length, Math.Max(1, FrameFormat.IncompleteFrameMs / 2));
            }
            catch (IOException)
            {
                return;
            }

            if (n > 0)
            {
                lastBytes = Environment.TickCount64;
                _received.Enqueue(buffer[..n]);
                _receivedSignal.Set();
            }
            else if (Environment.TickCount64 - lastBytes < 1000)
            {
                _receivedSignal.Set(); // wake the loop so Pump can NAK a frame whose bytes stopped arriving
            }
        }
    }
}
