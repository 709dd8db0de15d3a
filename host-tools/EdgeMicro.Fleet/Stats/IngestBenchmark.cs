using System.Diagnostics;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Stats;
using EdgeMicro.Messaging;

namespace EdgeMicro.Fleet.Stats;

/// <summary>Outcome of an <see cref="IngestBenchmark"/> run.</summary>
/// <param name="Devices">Publishing devices.</param>
/// <param name="Reports">Reports published.</param>
/// <param name="ReportBytes">Bytes of one report.</param>
/// <param name="Stored">Reports in the store at the end.</param>
/// <param name="Seconds">From the first publish until the last report was stored.</param>
/// <param name="PublishSeconds">Until the broker acknowledged the last publish.</param>
public sealed record IngestResult(int Devices, int Reports, int ReportBytes, long Stored, double Seconds, double PublishSeconds)
{
    /// <summary>Gets the sustained ingest rate.</summary>
    public double ReportsPerSecond => Stored / Seconds;
}

/// <summary>
/// <c>edgemicro stats bench</c>: N simulated devices publish M statistics reports each (QoS 1, retained, the size of a
/// digits device's window: 10 classes, 64 features, 32 buffered samples) as fast as the broker takes them, while
/// <see cref="StatsPuller"/> stores them (batched transactions, acknowledged after the commit) into an empty store (SQLite or PostgreSQL).
/// </summary>
public static class IngestBenchmark
{
    /// <summary>Runs the benchmark.</summary>
    /// <param name="host">Broker host.</param>
    /// <param name="port">Broker port.</param>
    /// <param name="devices">Devices.</param>
    /// <param name="reportsPerDevice">Reports per device.</param>
    /// <param name="location">An empty store (a fresh SQLite file, or an empty PostgreSQL database).</param>
    /// <returns>The measurement.</returns>
    /// <exception cref="EdgeMicro.Data.InputDataException">The store holds reports already.</exception>
    public static async Task<IngestResult> RunAsync(string host, int port, int devices, int reportsPerDevice, StoreLocation location)
    {
        ArgumentNullException.ThrowIfNull(location);

        // The puller's store and the progress poll's: one connection each (a connection serves one thread).
        using IStatsStore store = location.Open(), poll = location.Open();
        if (poll.Count().Reports > 0)
        {
            throw new EdgeMicro.Data.InputDataException($"{location.Display}: holds reports already; the benchmark needs an empty store");
        }

        using var stop = new CancellationTokenSource();
        string clientId = "bench-puller-" + Guid.NewGuid().ToString("N")[..8];
        var options = new PullOptions { Host = host, Port = port, ClientId = clientId, Idle = TimeSpan.FromMinutes(10) };
        Task<PullResult> puller = Task.Run(() => StatsPuller.PullAsync(options, store, null, stop.Token));
        await Task.Delay(1000).ConfigureAwait(false);

        int total = devices * reportsPerDevice;
        byte[][] sample = [.. Enumerable.Range(0, devices).Select(d => ReportShape.Digits.Report("bench-" + d, 0))];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, devices).Select(async d =>
        {
            string id = "bench-" + d;
            await using var c = new BrokerConnection(new BrokerOptions { Host = host, Port = port, ClientId = id + "-" + clientId, PersistentSession = false });
            await c.StartAsync().ConfigureAwait(false);
            for (int i = 0; i < reportsPerDevice; i++)
            {
                await c.PublishAsync(TopicLayout.Of(id, TopicLayout.StatsLeaf), ReportShape.Digits.Report(id, (uint)i), retain: true).ConfigureAwait(false);
            }

            await c.StopAsync().ConfigureAwait(false);
        })).ConfigureAwait(false);
        double published = clock.Elapsed.TotalSeconds;

        while (poll.Count().Reports < total && clock.Elapsed < TimeSpan.FromMinutes(5))
        {
            await Task.Delay(20).ConfigureAwait(false);
        }

        double seconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync().ConfigureAwait(false);
        await puller.ConfigureAwait(false);
        return new IngestResult(devices, total, sample[0].Length, poll.Count().Reports, seconds, published);
    }
}
