using System.Threading.Channels;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Stats;
using EdgeMicro.Messaging;

namespace EdgeMicro.Fleet.Stats;

/// <summary>Options of <see cref="StatsPuller"/>.</summary>
public sealed record PullOptions
{
    /// <summary>Gets the broker host.</summary>
    public required string Host { get; init; }

    /// <summary>Gets the broker port.</summary>
    public int Port { get; init; } = 1883;

    /// <summary>Gets the device to pull, or null for all devices.</summary>
    public string? DeviceId { get; init; }

    /// <summary>
    /// Gets the MQTT shared-subscription group, or null for an ordinary subscription. Pullers in one group (each with its
    /// own <see cref="ClientId"/>) share the fleet's messages: the broker hands each message to one of them.
    /// </summary>
    public string? ShareGroup { get; init; }

    /// <summary>Gets the MQTT client id; with <see cref="PersistentSession"/> the broker queues messages between pulls.</summary>
    public string ClientId { get; init; } = "edgemicro-stats-pull";

    /// <summary>Gets a value indicating whether to keep a persistent session.</summary>
    public bool PersistentSession { get; init; } = true;

    /// <summary>Gets the time after which pulling stops when no message arrived (retained ones arrive at once).</summary>
    public TimeSpan Idle { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets the total time limit, or null for none (stop with the cancellation token).</summary>
    public TimeSpan? Duration { get; init; }

    /// <summary>Gets the most messages stored in one transaction.</summary>
    public int MaxBatch { get; init; } = 1000;

    /// <summary>Gets the longest reconnection delay (the first is 100 ms, doubling).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// <c>edgemicro stats pull --mqtt</c>: a persistent MQTT session (QoS 1, manual acknowledgement, reconnect with
/// backoff) on every device's <c>stats</c>, <c>results</c> and <c>events</c> (<see cref="SqlStatsStore.StoredLeaves"/>),
/// alone or as one of several pullers on an MQTT 5 shared subscription (<see cref="PullOptions.ShareGroup"/>:
/// <c>$share/GROUP/edgemicro/+/stats</c>...). Messages are stored in batches, one transaction each; only after the commit is each message acknowledged
/// to the broker (PUBACK) and to its device (<see cref="DeviceCommands.Ack"/> on the device's <c>cmd</c> topic:
/// seq ranges per boot, and statistics windows), so neither a broker nor a puller that dies loses what it took:
/// unacknowledged messages are re-delivered by the broker's session or re-sent by the device. Re-deliveries are
/// dropped by the store (and acknowledged again).
/// </summary>
public static class StatsPuller
{
    /// <summary>The prefix of an MQTT 5 shared subscription.</summary>
    public const string SharePrefix = "$share/";

    /// <summary>The topic filters a pull subscribes to.</summary>
    /// <param name="deviceId">Device id, or null for all devices.</param>
    /// <param name="shareGroup">Shared-subscription group, or null.</param>
    /// <returns>One filter per leaf of <see cref="SqlStatsStore.StoredLeaves"/>.</returns>
    public static IReadOnlyList<string> Filters(string? deviceId, string? shareGroup = null) =>
        [.. SqlStatsStore.StoredLeaves.Select(l => (shareGroup == null ? string.Empty : SharePrefix + shareGroup + "/") + TopicLayout.Of(deviceId ?? TopicLayout.AnyDevice, l))];

    /// <summary>Why a shared-subscription group name cannot be used, or null when it can.</summary>
    /// <param name="group">The name.</param>
    /// <returns>One line, or null.</returns>
    public static string? ShareGroupProblem(string group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.Length == 0 || group.IndexOfAny(['/', '+', '#']) >= 0 || group.Any(char.IsControl)
            ? $"--share-group '{group}': a group name must be non-empty without '/', '+', '#' (MQTT 5 shared subscriptions)"
            : null;
    }

    /// <summary>Pulls until idle, the duration, or cancellation.</summary>
    /// <param name="options">Options.</param>
    /// <param name="store">Destination.</param>
    /// <param name="progress">Receives one line per stored batch (or null).</param>
    /// <param name="cancellationToken">Stops pulling.</param>
    /// <returns>What was pulled, per device.</returns>
    /// <exception cref="BrokerException">The first connection failed.</exception>
    public static async Task<PullResult> PullAsync(PullOptions options, IStatsStore store, Action<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        var inbox = Channel.CreateBounded<BrokerMessage>(new BoundedChannelOptions(options.MaxBatch * 4) { SingleReader = true, SingleWriter = true });
        await using var client = new BrokerConnection(new BrokerOptions
        {
            Host = options.Host, Port = options.Port, ClientId = options.ClientId, PersistentSession = options.PersistentSession,
            ManualAcknowledgement = true, MaxBackoff = options.MaxBackoff,
        });
        client.MessageReceived += m => inbox.Writer.WriteAsync(m, CancellationToken.None).AsTask();
        client.ConnectionLost += () => progress?.Invoke("connection to the broker lost; reconnecting");
        IReadOnlyList<string> filters = Filters(options.DeviceId, options.ShareGroup);
        await client.SubscribeAsync(filters, cancellationToken).ConfigureAwait(false);
        await client.StartAsync(cancellationToken).ConfigureAwait(false);
        progress?.Invoke($"subscribed to {string.Join(", ", filters)} on {options.Host}:{options.Port}");

        var account = new PullAccount();
        using var total = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Duration is { } duration)
        {
            total.CancelAfter(duration);
        }

        var batch = new List<BrokerMessage>(options.MaxBatch);
        Task deviceAcks = Task.CompletedTask;
        System.Diagnostics.Stopwatch? active = null;
        double activeSeconds = 0;
        while (!total.IsCancellationRequested)
        {
            batch.Clear();
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(total.Token))
            {
                idle.CancelAfter(options.Idle);
                try
                {
                    batch.Add(await inbox.Reader.ReadAsync(idle.Token).ConfigureAwait(false));
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            active ??= System.Diagnostics.Stopwatch.StartNew();
            while (batch.Count < options.MaxBatch && inbox.Reader.TryRead(out BrokerMessage? more))
            {
                batch.Add(more);
            }

            IReadOnlyList<StoreResult> results = store.AddBatch([.. batch.Select(m => new InboundMessage(m.Topic, m.Payload))]);

            // Committed: now the broker and the devices may forget these messages. The devices' acknowledgements of one
            // batch fly while the next batch is stored.
            await Task.WhenAll(batch.Select(m => m.AcknowledgeAsync(CancellationToken.None))).ConfigureAwait(false);
            await deviceAcks.ConfigureAwait(false);
            deviceAcks = AcknowledgeDevicesAsync(client, [.. batch], results);
            account.Add(results);
            activeSeconds = active.Elapsed.TotalSeconds;
            progress?.Invoke($"batch of {batch.Count}: {results.Count(r => r.Outcome == StoreOutcome.Stored)} stored, {results.Count(r => r.Outcome == StoreOutcome.Duplicate)} already stored");
        }

        await deviceAcks.ConfigureAwait(false);
        bool endedConnected = client.IsConnected;
        int lost = client.ConnectionsLost;
        if (endedConnected)
        {
            await client.StopAsync().ConfigureAwait(false);
        }

        return account.Result(store, lost, !endedConnected) with { ActiveSeconds = activeSeconds };
    }

    private static Task AcknowledgeDevicesAsync(BrokerConnection client, IReadOnlyList<BrokerMessage> batch, IReadOnlyList<StoreResult> results)
    {
        var acks = new List<(string Device, byte[] Payload)>();
        var writer = new PayloadWriter(128);
        for (int i = 0; i < results.Count; i++)
        {
            StoreResult r = results[i];
            if (r.Report != null && r.Outcome is StoreOutcome.Stored or StoreOutcome.Duplicate)
            {
                byte[] p = batch[i].Payload;
                DeviceCommands.WriteStatsAck(writer, r.Report.ReportSequence, BitConverter.ToUInt32(p, p.Length - 4));
                acks.Add((r.Report.DeviceId, writer.Buffer.AsSpan(0, writer.Length).ToArray()));
            }
        }

        var kept = results.Where(r => r.Seq > 0 && r.Outcome is StoreOutcome.Stored or StoreOutcome.Duplicate);
        foreach (var boot in kept.GroupBy(r => (r.DeviceId, r.Boot)))
        {
            foreach ((long from, long to) in Ranges(boot.Select(r => r.Seq)))
            {
                DeviceCommands.WriteAck(writer, boot.Key.Boot, from, to);
                acks.Add((boot.Key.DeviceId, writer.Buffer.AsSpan(0, writer.Length).ToArray()));
            }
        }

        // QoS 1 to the device's session; one that is lost only means the device sends the messages again.
        return Task.WhenAll(acks.Select(a => client.TryPublishAsync(TopicLayout.Of(a.Device, TopicLayout.CommandLeaf), a.Payload, retain: false)));
    }

    /// <summary>Coalesces sequence numbers into inclusive ranges.</summary>
    /// <param name="seqs">Numbers in any order, duplicates allowed.</param>
    /// <returns>Sorted disjoint ranges.</returns>
    public static IEnumerable<(long From, long To)> Ranges(IEnumerable<long> seqs)
    {
        long from = -1, to = -1;
        foreach (long s in seqs.Distinct().Order())
        {
            if (from >= 0 && s == to + 1)
            {
                to = s;
                continue;
            }

            if (from >= 0)
            {
                yield return (from, to);
            }

            from = to = s;
        }

        if (from >= 0)
        {
            yield return (from, to);
        }
    }
}
