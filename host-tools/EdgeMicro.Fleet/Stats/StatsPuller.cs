using System.Threading.Channels;
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
/// <c>edgemicro stats pull --mqtt</c>: subscribes (QoS 1) to <c>edgemicro/&lt;id|+&gt;/stats</c> and
/// <c>edgemicro/&lt;id|+&gt;/samples</c>, and stores every report payload (<see cref="StatsFormat"/>, raw bytes; or a
/// JSON object whose <c>"report"</c> field holds them in hex) in the <see cref="StatsStore"/>. Devices publish a report
/// per window (ideally retained), so the pull works while devices come and go; with a persistent session the broker
/// also queues reports published between pulls. Re-deliveries are dropped by the store.
/// </summary>
public static class StatsPuller
{
    /// <summary>Topic leaves subscribed to.</summary>
    public static readonly string[] Leaves = ["stats", "samples"];

    /// <summary>Topic of a device's reports.</summary>
    /// <param name="deviceId">Device id.</param>
    /// <returns>edgemicro/deviceId/stats.</returns>
    public static string StatsTopic(string deviceId) => "edgemicro/" + deviceId + "/stats";

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

        string device = options.DeviceId ?? "+";
        await client.SubscribeAsync(Leaves.Select(l => new MqttTopicSubscription("edgemicro/" + device + "/" + l, MqttQualityOfService.AtLeastOnce)).ToList(), cancellationToken).ConfigureAwait(false);
        progress?.Invoke($"subscribed to edgemicro/{device}/{{{string.Join(",", Leaves)}}} on {options.Host}:{options.Port}");

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
            byte[]? payload = Decode(message.Payload);
            try
            {
                if (payload == null)
                {
                    throw new StatsFormatException("not a statistics report");
                }

                bool added = store.Add(payload, out StatsReport report);
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

    /// <summary>Extracts report bytes: raw (magic "EMST") or hex in the "report" field of a JSON object.</summary>
    /// <param name="payload">MQTT payload.</param>
    /// <returns>The report bytes, or null.</returns>
    public static byte[]? Decode(byte[] payload)
    {
        ArgumentNullException.ThrowIfNull(payload);
        if (payload.Length >= 4 && BitConverter.ToUInt32(payload, 0) == StatsFormat.Magic)
        {
            return payload;
        }

        if (payload.Length == 0 || payload[0] != (byte)'{')
        {
            return null;
        }

        try
        {
            using var doc = System.Text.Json.JsonDocument.Parse(payload);
            return doc.RootElement.TryGetProperty("report", out var hex) && hex.ValueKind == System.Text.Json.JsonValueKind.String
                ? Convert.FromHexString(hex.GetString()!)
                : null;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or FormatException)
        {
            return null;
        }
    }
}
