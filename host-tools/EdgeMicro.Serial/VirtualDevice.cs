using System.Diagnostics;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Protocol;

namespace EdgeMicro.Serial;

/// <summary>
/// A desktop stand-in for the device's serial side: the portable <see cref="SerialServer"/> and
/// <see cref="RequestHandler"/> (the same code the firmware runs) serving an <see cref="ISerialPort"/> on a
/// background thread, with the firmware core's <see cref="Classifier"/> on a model blob.
/// </summary>
public sealed class VirtualDevice : IDisposable, IDevicePlatform, IByteSink
{
    private readonly ISerialPort _port;
    private readonly Thread _thread;
    private readonly SerialServer _server;
    private readonly object _gate = new();
    private volatile bool _stopping;

    /// <summary>Initializes a new instance of the <see cref="VirtualDevice"/> class and starts serving.</summary>
    /// <param name="port">The port to serve (owned: disposed with the device).</param>
    /// <param name="blob">Model blob bytes to boot with, or null for none.</param>
    /// <param name="deviceId">Device id reported by HELLO.</param>
    public VirtualDevice(ISerialPort port, byte[]? blob, string deviceId = "virtual-1")
    {
        _port = port;
        DeviceId = deviceId;
        Handler = new RequestHandler(this);
        if (blob != null)
        {
            ModelBlob parsed = ModelBlobReader.Read(blob);
            Handler.Activate(parsed, new Classifier(parsed.Model));
            StoredModel = blob;
        }

        _server = new SerialServer(Handler);
        _thread = new Thread(Serve) { IsBackground = true, Name = "virtual device " + port.Name };
        _thread.Start();
    }

    /// <summary>Gets the request handler (active model, upload counters).</summary>
    public RequestHandler Handler { get; }

    /// <summary>Gets the last model persisted (what would be on I:\model.emm).</summary>
    public byte[]? StoredModel { get; private set; }

    /// <summary>Gets the error that stopped the serving thread, if any.</summary>
    public Exception? Fault { get; private set; }

    /// <inheritdoc/>
    public string DeviceId { get; }

    /// <inheritdoc/>
    public string FirmwareVersion => "edgemicro-virtual " + typeof(VirtualDevice).Assembly.GetName().Version;

    /// <inheritdoc/>
    public uint TicksPerSecond => (uint)Stopwatch.Frequency;

    /// <summary>Gets the statistics bytes to report (opaque), or null for "not built in".</summary>
    public byte[]? Statistics { get; set; }

    /// <inheritdoc/>
    public long Ticks() => Stopwatch.GetTimestamp();

    /// <inheritdoc/>
    public int FreeMemory() => (int)Math.Min(int.MaxValue, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes - GC.GetTotalMemory(false));

    /// <inheritdoc/>
    public byte[]? GetStatistics() => Statistics;

    /// <inheritdoc/>
    public bool ResetStatistics()
    {
        if (Statistics == null)
        {
            return false;
        }

        Statistics = [];
        return true;
    }

    /// <inheritdoc/>
    public byte[]? GetSamples(int maxCount) => null;

    /// <inheritdoc/>
    public string? StoreModel(byte[] blobBytes, ModelBlob blob)
    {
        StoredModel = blobBytes;
        return null;
    }

    /// <inheritdoc/>
    void IByteSink.Write(byte[] data, int offset, int count) => _port.Write(data, offset, count);

    /// <summary>Stops serving and closes the port.</summary>
    public void Dispose()
    {
        _stopping = true;
        _thread.Join(2000);
        _port.Dispose();
    }

    private void Serve()
    {
        var buffer = new byte[1024];
        try
        {
            while (!_stopping)
            {
                int n = _port.Read(buffer, 0, buffer.Length, 50);
                if (n > 0)
                {
                    lock (_gate)
                    {
                        _server.Process(buffer, 0, n, this);
                    }
                }
            }
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException)
        {
            if (!_stopping)
            {
                Fault = e;
            }
        }
    }
}
