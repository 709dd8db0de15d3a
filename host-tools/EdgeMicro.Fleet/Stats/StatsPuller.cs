using System.Threading.Channels;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Stats;
using EdgeMicro.Data;
using EdgeMicro.Mqtt;

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

    /// <summary>Gets the MQTT client id; with <see cref="PersistentSession"/> the broker queues reports between pulls.</summary>
    public string ClientId { get; init; } = "edgemicro-stats-pull";

    /// <summary>Gets a value indicating whether to keep a persistent session (clean session = false).</summary>
    public bool PersistentSession { get; init; } = true;

    /// <summary>Gets the time after which pulling stops when no report arrived (retained ones arrive at once).</summary>
    public TimeSpan Idle { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Gets the total time limit, or null for none (stop with the cancellation token).</summary>
    public TimeSpan? Duration { get; init; }
}

/// <summary>Outcome of a pull.</summary>
/// <param name="Received">Messages received.</param>
/// <param name="Stored">New reports stored.</param>
/// <param name="Duplicates">Reports already in the store.</param>
/// <param name="Invalid">Messages that were not valid reports.</param>
/// <param name="Devices">Devices heard from.</param>
public sealed record PullResult(int Received, int Stored, int Duplicates, int Invalid, IReadOnlyList<string> Devices);

/// <summary>
/// <c>edgemicro stats pull --mqtt</c>: subscribes (QoS 1) to the runtime's statistics topic
/// <c>edgemicro/&lt;id|+&gt;/stats</c> (<see cref="TopicLayout.StatsLeaf"/>) and stores every report payload (binary
/// <see cref="StatsFormat"/>, the only payload devices publish there) in the <see cref="StatsStore"/>. Devices publish a
/// report per window, retained, so the pull works while devices come and go; with a persistent session the broker
/// also queues reports published between pulls. Re-deliveries are dropped by the store.
/// </summary>
public static class StatsPuller
{
    /// <summary>Topic leaves subscribed to.</summary>
    public static readonly IReadOnlyList<string> Leaves = [TopicLayout.StatsLeaf];

    /// <summary>The topic filters a pull subscribes to.</summary>
    /// <param name="deviceId">Device id, or null for all devices.</param>
    /// <returns>One filter per leaf of <see cref="Leaves"/>.</returns>
    public static IReadOnlyList<string> Filters(string? deviceId) => [.. Leaves.Select(l => TopicLayout.Of(deviceId ?? TopicLayout.AnyDevice, l))];

    /// <summary>Pulls until idle, the duration, or cancellation.</summary>
    /// <param name="options">Options.</param>
    /// <param name="store">Destination.</param>
    /// <param name="progress">Receives one line per stored report (or null).</param>
    /// <param name="cancellationToken">Stops pulling.</param>
    /// <returns>What was pulled.</returns>
    public static async Task<PullResult> PullAsync(PullOptions options, StatsStore store, Action<string>? progress, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(store);
        var inbox = Channel.CreateUnbounded<MqttApplicationMessage>();
        await using var client = new MqttClient();
        client.MessageReceived += (_, e) => inbox.Writer.TryWrite(e.Message);
        try
        {
            await client.ConnectAsync(new MqttClientOptions { Host = options.Host, Port = options.Port, ClientId = options.ClientId, CleanSession = !options.PersistentSession }, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is MqttException or System.Net.Sockets.SocketException or IOException or TimeoutException)
        {
            throw new InputDataException($"cannot connect to the MQTT broker {options.Host}:{options.Port}: {e.Message}", e);
        }

        IReadOnlyList<string> filters = Filters(options.DeviceId);
        await client.SubscribeAsync(filters.Select(f => new MqttTopicSubscription(f, MqttQualityOfService.AtLeastOnce)).ToList(), cancellationToken).ConfigureAwait(false);
        progress?.Invoke($"subscribed to {string.Join(", ", filters)} on {options.Host}:{options.Port}");

        int received = 0, stored = 0, duplicates = 0, invalid = 0;
        var devices = new SortedSet<string>(StringComparer.Ordinal);
        using var total = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Duration is { } duration)
        {
            total.CancelAfter(duration);
        }

        while (!total.IsCancellationRequested)
        {
            MqttApplicationMessage message;
            using (var idle = CancellationTokenSource.CreateLinkedTokenSource(total.Token))
            {
                idle.CancelAfter(options.Idle);
                try
                {
                    message = await inbox.Reader.ReadAsync(idle.Token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            received++;
            try
            {
                bool added = store.Add(message.Payload, out StatsReport report);
                devices.Add(report.DeviceId);
                stored += added ? 1 : 0;
                duplicates += added ? 0 : 1;
                progress?.Invoke($"{report.DeviceId} report {report.ReportSequence}: {report.Counters?.InferenceCount ?? 0} inferences, {report.Samples?.Length ?? 0} samples{(added ? string.Empty : " (already stored)")}");
            }
            catch (StatsFormatException e)
            {
                invalid++;
                progress?.Invoke($"{message.Topic}: skipped ({e.Message})");
            }
        }

        if (client.IsConnected)
        {
            await client.DisconnectAsync(CancellationToken.None).ConfigureAwait(false);
        }

        return new PullResult(received, stored, duplicates, invalid, devices.ToList());
    }
}
