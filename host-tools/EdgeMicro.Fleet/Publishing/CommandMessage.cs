using EdgeMicro.Core.Device.Messaging;


namespace EdgeMicro.Fleet.Publishing;

/// <summary>
/// A command for a device as the host publishes it: the topic <c>edgemicro/&lt;id&gt;/cmd</c> and the payload written by
/// the core's <see cref="DeviceCommands.Write"/>, so host and runtime share one definition of names and fields.
/// </summary>
/// <param name="Topic">Command topic of the device.</param>
/// <param name="Payload">JSON payload.</param>
public sealed record CommandMessage(string Topic, byte[] Payload)
{
    /// <summary>Builds a command.</summary>
    /// <param name="deviceId">Target device.</param>
    /// <param name="name">One of <see cref="DeviceCommands.All"/>.</param>
    /// <param name="id">Command id the device's reply echoes.</param>
    /// <param name="periodMs">New period for <see cref="DeviceCommands.SetPeriod"/> (ignored by the other commands).</param>
    /// <returns>The message.</returns>
    /// <exception cref="ArgumentException">The name is not a device command.</exception>
    public static CommandMessage Create(string deviceId, string name, long id, long periodMs = 0)
    {
        if (!DeviceCommands.IsKnown(name))
        {
            throw new ArgumentException($"'{name}' is not a device command ({string.Join(", ", DeviceCommands.All)}).", nameof(name));
        }

        var w = new PayloadWriter(128);
        DeviceCommands.Write(w, name, id, periodMs);
        return new CommandMessage(TopicLayout.Of(deviceId, TopicLayout.CommandLeaf), w.Buffer.AsSpan(0, w.Length).ToArray());
    }
}
