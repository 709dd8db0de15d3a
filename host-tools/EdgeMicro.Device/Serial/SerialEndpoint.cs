using System.Collections.Concurrent;
using System.Diagnostics;
using EdgeMicro.Core.Device;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Protocol;
using EdgeMicro.Core.Stats;
using EdgeMicro.Host.Serial;

namespace EdgeMicro.Device.Serial;

/// <summary>
/// The framed serial protocol (the firmware's <see cref="RequestHandler"/> and <see cref="SerialServer"/>) served by a
/// <see cref="VirtualDevice"/> on a port. A reader thread only queues received bytes; <see cref="Pump"/> answers them on
/// the firmware loop thread, so the runtime stays single-threaded as on the device. INFER runs the runtime's model;
/// GET_STATS / RESET_STATS / GET_SAMPLES use its <see cref="RuntimeStatistics"/>; PUT_MODEL ends in
/// <see cref="DeviceRuntime.InstallModel"/>, the same verification and slot switch as an MQTT update.
/// </summary>
public sealed class SerialEndpoint : IDevicePlatform, IByteSink, IDisposable
{
    private readonly ISerialPort _port;
    private readonly DeviceRuntime _runtime;
    private readonly RuntimeStatistics? _statistics;
    private readonly long _freeMemory;
    private readonly ConcurrentQueue<byte[]> _received = new();
    private readonly AutoResetEvent _receivedSignal = new(false);
    private readonly Thread _reader;
    private volatile bool _stopping;
    private ActiveModel? _served;

    /// <summary>Starts reading the port.</summary>
    /// <param name="port">Open port.</param>
    /// <param name="runtime">The device runtime (booted before the first <see cref="Pump"/>).</param>
    /// <param name="statistics">The device statistics, or null.</param>
    /// <param name="deviceId">Device id.</param>
    /// <param name="freeMemory">Free memory reported in INFO.</param>
    public SerialEndpoint(ISerialPort port, DeviceRuntime runtime, RuntimeStatistics? statistics, string deviceId, long freeMemory)
    {
        _port = port;
        _runtime = runtime;
        _statistics = statistics;
        _freeMemory = freeMemory;
        DeviceId = deviceId;
        Server = new SerialServer(new RequestHandler(this));
        _reader = new Thread(Read) { IsBackground = true, Name = "serial " + deviceId };
        _reader.Start();
    }

    /// <summary>Signalled when bytes arrived (wakes the idle firmware loop).</summary>
    public WaitHandle Received => _receivedSignal;

    /// <summary>The serial server (decoder counters, handler).</summary>
    public SerialServer Server { get; }

    /// <inheritdoc/>
    public string DeviceId { get; }

    /// <inheritdoc/>
    public string FirmwareVersion => DeviceRuntime.FirmwareVersion;

    /// <inheritdoc/>
    public uint TicksPerSecond => (uint)Math.Min(Stopwatch.Frequency, uint.MaxValue);

    /// <inheritdoc/>
    public long Ticks() => Stopwatch.GetTimestamp();

    /// <inheritdoc/>
    public int FreeMemory() => (int)Math.Min(_freeMemory, int.MaxValue);

    /// <summary>Answers the requests received so far (call from the firmware loop thread).</summary>
    /// <returns>Requests answered.</returns>
    public int Pump()
    {
        int answered = 0;
        while (_received.TryDequeue(out byte[]? data))
        {
            Sync();
            answered += Server.Process(data, 0, data.Length, this);
        }

        return answered;
    }

    /// <inheritdoc/>
    public byte[]? GetStatistics() => _statistics?.TakeReport();

    /// <inheritdoc/>
    public bool ResetStatistics()
    {
        _statistics?.Reset();
        return _statistics is not null;
    }

    /// <inheritdoc/>
    public byte[]? GetSamples(int maxCount)
    {
        DeviceStatistics? current = _statistics?.Current;
        if (current is null)
        {
            return null;
        }

        StatsReport report = current.CreateReport(DeviceId, false, true);
        BufferedSample[] all = report.Samples ?? [];
        for (int n = Math.Min(maxCount, all.Length); ; n--)
        {
            report.Samples = all[..n];
            byte[] bytes = StatsFormat.Write(report);
            if (bytes.Length <= FrameFormat.MaxPayload || n == 0)
            {
                return bytes;
            }
        }
    }

    /// <inheritdoc/>
    public string? StoreModel(byte[] blobBytes, ModelBlob blob)
    {
        return _runtime.InstallModel(blobBytes);
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

    /// <summary>Serves the model the runtime runs now (boot, MQTT update, rollback or serial upload).</summary>
    private void Sync()
    {
        ActiveModel model = _runtime.Model;
        if (model is not null && (!ReferenceEquals(model, _served) || !ReferenceEquals(Server.Handler.ActiveClassifier, model.Classifier)))
        {
            Server.Handler.Activate(model.Blob ?? new ModelBlob { Model = model.Model }, model.Classifier);
            _served = model;
        }
    }

    private void Read()
    {
        var buffer = new byte[4096];
        while (!_stopping)
        {
            int n;
            try
            {
                n = _port.Read(buffer, 0, buffer.Length, 50);
            }
            catch (IOException)
            {
                return;
            }

            if (n > 0)
            {
                _received.Enqueue(buffer[..n]);
                _receivedSignal.Set();
            }
        }
    }
}
