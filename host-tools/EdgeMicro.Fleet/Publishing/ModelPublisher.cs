using System.Collections.Concurrent;
using System.Security.Cryptography;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Messaging;

namespace EdgeMicro.Fleet.Publishing;

/// <summary>What <see cref="ModelPublisher"/> sends and to whom.</summary>
public sealed record PublishRequest
{
    /// <summary>Broker host.</summary>
    public required string Host { get; init; }

    /// <summary>Broker port.</summary>
    public int Port { get; init; } = 1883;

    /// <summary>The blob.</summary>
    public required byte[] Blob { get; init; }

    /// <summary>Fleet key.</summary>
    public required byte[] FleetKey { get; init; }

    /// <summary>Target device ids; empty with <see cref="AllDevices"/> to discover them.</summary>
    public IReadOnlyList<string> DeviceIds { get; init; } = [];

    /// <summary>Send to every device that has an online retained status.</summary>
    public bool AllDevices { get; init; }

    /// <summary>How long to collect retained statuses when discovering devices.</summary>
    public TimeSpan DiscoveryTime { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to wait for each device's verdict after its commit.</summary>
    public TimeSpan VerdictTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Bytes per chunk.</summary>
    public int ChunkSize { get; init; } = UpdatePackage.DefaultChunkSize;

    /// <summary>The anti-rollback floor the update may go below (one signed, deliberate downgrade), or 0.</summary>
    public uint DowngradeFrom { get; init; }

    /// <summary>Overrides the package (tests send corrupted or wrongly signed updates); null builds it from the blob.</summary>
    public Func<uint, UpdatePackage>? PackageFactory { get; init; }
}

/// <summary>Progress of one device's update.</summary>
/// <param name="DeviceId">Device.</param>
/// <param name="ChunksSent">Chunks acknowledged by the broker.</param>
/// <param name="ChunkCount">Chunks in total.</param>
/// <param name="Stage">sending, waiting, accepted, rejected or timeout.</param>
public sealed record PublishProgress(string DeviceId, int ChunksSent, int ChunkCount, string Stage);

/// <summary>A device's verdict on an update.</summary>
/// <param name="DeviceId">Device.</param>
/// <param name="UpdateId">Update id.</param>
/// <param name="Accepted">True when verified and activated.</param>
/// <param name="Reason">Rejection reason code, "timeout" without a verdict, null when accepted.</param>
/// <param name="Detail">Rejection detail.</param>
public sealed record UpdateVerdict(string DeviceId, uint UpdateId, bool Accepted, string? Reason, string? Detail);

/// <summary>
/// Host side of over-the-air model updates: for each device, manifest, chunks and commit on
/// edgemicro/&lt;id&gt;/model/... (QoS 1, each acknowledged by the broker before the next), then the device's
/// model-accepted / model-rejected event for that update id on edgemicro/&lt;id&gt;/events.
/// </summary>
public static class ModelPublisher
{
    /// <summary>The leaves of the device topics an update is published to, in order.</summary>
    public static readonly IReadOnlyList<string> PublishedLeaves = [TopicLayout.ManifestLeaf, TopicLayout.ChunkLeaf, TopicLayout.CommitLeaf];

    /// <summary>The filters the publisher subscribes to (verdicts; with all devices also status, to find who is online).</summary>
    /// <param name="allDevices">Whether the targets are discovered from the devices' status.</param>
    /// <returns>The filters.</returns>
    public static IReadOnlyList<string> Filters(bool allDevices) => allDevices
        ? [TopicLayout.Of(TopicLayout.AnyDevice, TopicLayout.EventsLeaf), TopicLayout.Of(TopicLayout.AnyDevice, TopicLayout.StatusLeaf)]
        : [TopicLayout.Of(TopicLayout.AnyDevice, TopicLayout.EventsLeaf)];

    /// <summary>Publishes and waits for every verdict.</summary>
    /// <param name="request">What and where.</param>
    /// <param name="progress">Progress per device, or null.</param>
    /// <param name="cancellationToken">Cancels.</param>
    /// <returns>One verdict per device, in target order.</returns>
    public static async Task<IReadOnlyList<UpdateVerdict>> PublishAsync(PublishRequest request, IProgress<PublishProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var verdicts = new ConcurrentDictionary<(string, uint), TaskCompletionSource<UpdateVerdict>>();
        var online = new ConcurrentDictionary<string, bool>();
        await using var client = new BrokerConnection(new BrokerOptions
        {
            Host = request.Host, Port = request.Port, ClientId = "edgemicro-pub-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)), PersistentSession = false,
        });
        client.MessageReceived += m =>
        {
            OnMessage(m, verdicts, online);
            return Task.CompletedTask;
        };
        await client.SubscribeAsync(Filters(request.AllDevices), cancellationToken).ConfigureAwait(false);
        await client.StartAsync(cancellationToken).ConfigureAwait(false);

        IReadOnlyList<string> targets = request.DeviceIds;
        if (request.AllDevices)
        {
            await Task.Delay(request.DiscoveryTime, cancellationToken).ConfigureAwait(false);
            targets = [.. online.Where(d => d.Value).Select(d => d.Key).Order(StringComparer.Ordinal)];
        }

        var waits = new List<Task<UpdateVerdict>>();
        foreach (string device in targets)
        {
            uint updateId = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4)) | 1;
            UpdatePackage package = request.PackageFactory?.Invoke(updateId) ?? UpdatePackage.Create(request.Blob, request.FleetKey, updateId, request.ChunkSize, device, request.DowngradeFrom);
            var verdict = new TaskCompletionSource<UpdateVerdict>(TaskCreationOptions.RunContinuationsAsynchronously);
            verdicts[(device, package.Manifest.UpdateId)] = verdict;
            await SendAsync(client, device, package, progress, cancellationToken).ConfigureAwait(false);
            waits.Add(WaitAsync(verdict.Task, device, package, request.VerdictTimeout, progress, cancellationToken));
        }

        return await Task.WhenAll(waits).ConfigureAwait(false);
    }

    private static async Task SendAsync(BrokerConnection client, string device, UpdatePackage p, IProgress<PublishProgress>? progress, CancellationToken ct)
    {
        progress?.Report(new PublishProgress(device, 0, p.ChunkCount, "sending"));
        await client.PublishAsync(TopicLayout.Of(device, TopicLayout.ManifestLeaf), p.ManifestPayload(), cancellationToken: ct).ConfigureAwait(false);
        for (int i = 0; i < p.ChunkCount; i++)
        {
            await client.PublishAsync(TopicLayout.Of(device, TopicLayout.ChunkLeaf), p.ChunkPayload(i), cancellationToken: ct).ConfigureAwait(false);
            progress?.Report(new PublishProgress(device, i + 1, p.ChunkCount, "sending"));
        }

        await client.PublishAsync(TopicLayout.Of(device, TopicLayout.CommitLeaf), p.CommitPayload(), cancellationToken: ct).ConfigureAwait(false);
        progress?.Report(new PublishProgress(device, p.ChunkCount, p.ChunkCount, "waiting"));
    }

    private static async Task<UpdateVerdict> WaitAsync(Task<UpdateVerdict> verdict, string device, UpdatePackage p, TimeSpan timeout, IProgress<PublishProgress>? progress, CancellationToken ct)
    {
        UpdateVerdict result;
        try
        {
            result = await verdict.WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            result = new UpdateVerdict(device, p.Manifest.UpdateId, false, "timeout", "no verdict within " + timeout);
        }

        progress?.Report(new PublishProgress(device, p.ChunkCount, p.ChunkCount, result.Accepted ? "accepted" : result.Reason == "timeout" ? "timeout" : "rejected"));
        return result;
    }

    private static void OnMessage(BrokerMessage m, ConcurrentDictionary<(string, uint), TaskCompletionSource<UpdateVerdict>> verdicts, ConcurrentDictionary<string, bool> online)
    {
        DeviceMessage? message = DeviceMessage.TryParse(m.Topic, m.Payload, m.Retain);
        if (message is null)
        {
            return;
        }

        if (message.Leaf == TopicLayout.StatusLeaf)
        {
            online[message.DeviceId] = message.Body.TryGetProperty(PayloadFields.Online, out var o) && o.ValueKind == System.Text.Json.JsonValueKind.True;
            return;
        }

        string? name = message.TextOf(PayloadFields.Event);
        long update = message[PayloadFields.Update];
        if ((name == PayloadFields.EventAccepted || name == PayloadFields.EventRejected) && update >= 0
            && verdicts.TryGetValue((message.DeviceId, (uint)update), out TaskCompletionSource<UpdateVerdict>? tcs))
        {
            bool accepted = name == PayloadFields.EventAccepted;
            tcs.TrySetResult(new UpdateVerdict(message.DeviceId, (uint)update, accepted, message.TextOf(PayloadFields.Reason), message.TextOf(PayloadFields.Detail)));
        }
    }
}
