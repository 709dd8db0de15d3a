using System.Diagnostics;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Stats;
using EdgeMicro.Messaging;

namespace EdgeMicro.Fleet.Stats;

/// <summary>The shape of a simulated statistics report.</summary>
/// <param name="Classes">Classes.</param>
/// <param name="Features">Features.</param>
/// <param name="Samples">Buffered samples per report.</param>
public sealed record ReportShape(int Classes, int Features, int Samples)
{
    /// <summary>Gets a digits device's window: 10 classes, 64 features, 32 buffered samples (18.2 KB).</summary>
    public static ReportShape Digits { get; } = new(10, 64, 32);

    /// <summary>A valid report of this shape (seeded by device and window, so the same call gives the same bytes).</summary>
    /// <param name="device">Device id.</param>
    /// <param name="window">Report sequence.</param>
    /// <returns>The payload.</returns>
    public byte[] Report(string device, uint window)
    {
        ArgumentNullException.ThrowIfNull(device);
        var counters = new StatsCounters(Classes, Features, 16) { InferenceCount = 100 + (int)window };
        var r = new Random((int)window + device.Length);
        BufferedSample[] samples = [.. Enumerable.Range(0, Samples).Select(i => new BufferedSample
        {
            Sequence = (uint)((window * 100) + i), Predicted = r.Next(Classes), RunnerUp = r.Next(Classes), Label = -1, MarginQ15 = r.Next(32768), ConfidenceQ15 = r.Next(32768),
            Values = [.. Enumerable.Range(0, Features).Select(_ => r.Next(-128, 128))],
        })];
        return StatsFormat.Write(new StatsReport
        {
            DeviceId = device, ModelId = "bench", ModelVersion = 1, ReportSequence = window, ClassCount = Classes, FeatureCount = Features, Counters = counters, Samples = samples,
        });
    }
}

/// <summary>What a <see cref="FleetSimulator"/> run published.</summary>
/// <param name="Devices">Devices.</param>
/// <param name="Reports">Reports the broker acknowledged.</param>
/// <param name="ReportBytes">Bytes of one report.</param>
/// <param name="ConnectSeconds">Until every device was connected.</param>
/// <param name="Seconds">Until the broker acknowledged the last report.</param>
public sealed record SimulationResult(int Devices, long Reports, int ReportBytes, double ConnectSeconds, double Seconds);

/// <summary>
/// <c>edgemicro stats simulate</c>: N lightweight virtual devices (each its own MQTT 5 connection and client id,
/// <c>edgemicro/&lt;id&gt;/stats</c>, QoS 1, each publish waiting for the broker's PUBACK) publish M reports each
/// as fast as the broker takes them. For the fleet-scale run: several such processes feed the pullers of one
/// shared subscription. Device ids are <c>PREFIX-NNNNN</c> from the first index given, so processes do not overlap.
/// </summary>
public static class FleetSimulator
{
    /// <summary>Connects the devices, then publishes.</summary>
    /// <param name="host">Broker host.</param>
    /// <param name="port">Broker port.</param>
    /// <param name="prefix">Device id prefix.</param>
    /// <param name="first">First device index.</param>
    /// <param name="devices">Devices.</param>
    /// <param name="reportsPerDevice">Reports per device.</param>
    /// <param name="shape">Report shape.</param>
    /// <param name="cancellationToken">Stops early.</param>
    /// <returns>What was published.</returns>
    public static async Task<SimulationResult> RunAsync(string host, int port, string prefix, int first, int devices, int reportsPerDevice, ReportShape shape, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(shape);
        string[] ids = [.. Enumerable.Range(first, devices).Select(i => $"{prefix}-{i:D5}")];
        var clients = new BrokerConnection[devices];
        var clock = Stopwatch.StartNew();
        using var connecting = new SemaphoreSlim(64);
        await Task.WhenAll(ids.Select(async (id, i) =>
        {
            await connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                clients[i] = new BrokerConnection(new BrokerOptions { Host = host, Port = port, ClientId = id, PersistentSession = false, KeepAlive = TimeSpan.FromSeconds(60), ConnectTimeout = TimeSpan.FromSeconds(30) });
                await clients[i].StartAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                connecting.Release();
            }
        })).ConfigureAwait(false);
        double connected = clock.Elapsed.TotalSeconds;
        long published = 0;
        try
        {
            await Task.WhenAll(ids.Select(async (id, i) =>
            {
                for (int w = 0; w < reportsPerDevice; w++)
                {
                    await clients[i].PublishAsync(TopicLayout.Of(id, TopicLayout.StatsLeaf), shape.Report(id, (uint)w), retain: false, cancellationToken).ConfigureAwait(false);
                    Interlocked.Increment(ref published);
                }
            })).ConfigureAwait(false);
        }
        finally
        {
            await Task.WhenAll(clients.Where(c => c != null).Select(async c =>
            {
                await c.StopAsync().ConfigureAwait(false);
                await c.DisposeAsync().ConfigureAwait(false);
            })).ConfigureAwait(false);
        }

        return new SimulationResult(devices, published, shape.Report(ids[0], 0).Length, connected, clock.Elapsed.TotalSeconds);
    }
}
