using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text.Json;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Messaging;

namespace EdgeMicro.Fleet.Publishing;

/// <summary>What one device answered to a command (its <c>command</c> event on <c>events</c>), or that it did not.</summary>
/// <param name="DeviceId">Device.</param>
/// <param name="Command">Command name.</param>
/// <param name="Id">Command id the reply echoes.</param>
/// <param name="Answered">Whether the device replied within the timeout.</param>
/// <param name="Ok">Whether it carried the command out.</param>
/// <param name="Detail">The device's detail text, or why there is no reply.</param>
public sealed record CommandReply(string DeviceId, string Command, long Id, bool Answered, bool Ok, string Detail);

/// <summary>A command for devices: name (one of <see cref="DeviceCommands.All"/>), targets, broker.</summary>
public sealed record CommandRequest
{
    /// <summary>Gets the broker host.</summary>
    public required string Host { get; init; }

    /// <summary>Gets the broker port.</summary>
    public int Port { get; init; } = 1883;

    /// <summary>Gets the command name.</summary>
    public required string Command { get; init; }

    /// <summary>Gets the new sampling period for set-period, milliseconds.</summary>
    public long PeriodMs { get; init; }

    /// <summary>Gets the target device ids; empty with <see cref="AllDevices"/>.</summary>
    public IReadOnlyList<string> DeviceIds { get; init; } = [];

    /// <summary>Gets a value indicating whether to send to every device whose retained status says online.</summary>
    public bool AllDevices { get; init; }

    /// <summary>Gets how long to collect retained statuses when discovering devices.</summary>
    public TimeSpan DiscoveryTime { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Gets how long to wait for each device's reply.</summary>
    public TimeSpan ReplyTimeout { get; init; } = TimeSpan.FromSeconds(10);
}

/// <summary>
/// Host side of device commands (<c>edgemicro device cmd</c>): the payload built by the core's
/// <see cref="DeviceCommands.Write"/> on <c>edgemicro/&lt;id&gt;/cmd</c> (QoS 1), then the device's command event
/// echoing name and id on <c>events</c>.
/// </summary>
public static class CommandSender
{
    /// <summary>Sends the command and collects one reply per device.</summary>
    /// <param name="request">Request.</param>
    /// <param name="cancellationToken">Cancellation.</param>
    /// <returns>One reply per target, in target order (an empty list when --all found no device online).</returns>
    /// <exception cref="BrokerException">The broker could not be reached.</exception>
    public static async Task<IReadOnlyList<CommandReply>> SendAsync(CommandRequest request, CancellationToken cancellationToken = default)
    {
        var replies = new ConcurrentDictionary<(string, long), TaskCompletionSource<CommandReply>>();
        var online = new ConcurrentDictionary<string, bool>();
        await using var client = new BrokerConnection(new BrokerOptions
        {
            Host = request.Host, Port = request.Port, ClientId = "edgemicro-cmd-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4)), PersistentSession = false,
        });
        client.MessageReceived += m =>
        {
            OnMessage(m, request.Command, replies, online);
            return Task.CompletedTask;
        };
        string[] filters = request.AllDevices
            ? [TopicLayout.Of(TopicLayout.AnyDevice, TopicLayout.EventsLeaf), TopicLayout.Of(TopicLayout.AnyDevice, TopicLayout.StatusLeaf)]
            : [.. request.DeviceIds.Select(d => TopicLayout.Of(d, TopicLayout.EventsLeaf))];
        await client.SubscribeAsync(filters, cancellationToken).ConfigureAwait(false);
        await client.StartAsync(cancellationToken).ConfigureAwait(false);

        IReadOnlyList<string> targets = request.DeviceIds;
        if (request.AllDevices)
        {
            await Task.Delay(request.DiscoveryTime, cancellationToken).ConfigureAwait(false);
            targets = [.. online.Where(d => d.Value).Select(d => d.Key).Order(StringComparer.Ordinal)];
        }

        var waits = new List<Task<CommandReply>>();
        foreach (string device in targets)
        {
            long id = BitConverter.ToUInt32(RandomNumberGenerator.GetBytes(4)) | 1;
            var reply = new TaskCompletionSource<CommandReply>(TaskCreationOptions.RunContinuationsAsynchronously);
            replies[(device, id)] = reply;
            CommandMessage message = CommandMessage.Create(device, request.Command, id, request.PeriodMs);
            await client.PublishAsync(message.Topic, message.Payload, cancellationToken: cancellationToken).ConfigureAwait(false);
            waits.Add(WaitAsync(reply.Task, device, request.Command, id, request.ReplyTimeout, cancellationToken));
        }

        return await Task.WhenAll(waits).ConfigureAwait(false);
    }

    private static async Task<CommandReply> WaitAsync(Task<CommandReply> reply, string device, string command, long id, TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            return await reply.WaitAsync(timeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return new CommandReply(device, command, id, false, false, $"no reply within {timeout.TotalSeconds:0.#} s");
        }
    }

    private static void OnMessage(BrokerMessage m, string command, ConcurrentDictionary<(string, long), TaskCompletionSource<CommandReply>> replies, ConcurrentDictionary<string, bool> online)
    {
        DeviceMessage? message = DeviceMessage.TryParse(m.Topic, m.Payload, m.Retain);
        if (message is null)
        {
            return;
        }

        if (message.Leaf == TopicLayout.StatusLeaf)
        {
            online[message.DeviceId] = message.Body.TryGetProperty(PayloadFields.Online, out JsonElement o) && o.ValueKind == JsonValueKind.True;
            return;
        }

        if (message.TextOf(PayloadFields.Event) != PayloadFields.EventCommand || message.TextOf(PayloadFields.Command) != command)
        {
            return;
        }

        long id = message[PayloadFields.CommandId];
        if (replies.TryGetValue((message.DeviceId, id), out TaskCompletionSource<CommandReply>? pending))
        {
            bool ok = message.Body.TryGetProperty(PayloadFields.Ok, out JsonElement okValue) && okValue.ValueKind == JsonValueKind.True;
            pending.TrySetResult(new CommandReply(message.DeviceId, command, id, true, ok, message.TextOf(PayloadFields.Detail) ?? string.Empty));
        }
    }
}
