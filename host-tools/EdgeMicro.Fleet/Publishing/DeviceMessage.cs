using System.Text.Json;
using EdgeMicro.Core.Device.Messaging;

namespace EdgeMicro.Fleet.Publishing;

/// <summary>A message a device published, as the host received it.</summary>
/// <param name="DeviceId">Device id (second topic level).</param>
/// <param name="Leaf">Topic leaf: one of <see cref="TopicLayout.JsonLeaves"/> (status, events or results).</param>
/// <param name="Boot">Boot counter, -1 when absent (the offline will).</param>
/// <param name="Seq">Sequence number within the boot, -1 when absent.</param>
/// <param name="Type">Payload type field.</param>
/// <param name="Body">The JSON payload.</param>
/// <param name="Retained">Delivered as a retained message.</param>
public sealed record DeviceMessage(string DeviceId, string Leaf, long Boot, long Seq, string Type, JsonElement Body, bool Retained)
{
    /// <summary>Parses a received message; null when the topic is not a device's outgoing JSON topic or the payload is not JSON.</summary>
    /// <param name="topic">Topic.</param>
    /// <param name="payload">Payload.</param>
    /// <param name="retained">Retained flag.</param>
    /// <returns>The message or null.</returns>
    public static DeviceMessage? TryParse(string topic, byte[] payload, bool retained)
    {
        string[] levels = topic.Split('/');
        if (levels.Length != 3 || levels[0] != TopicLayout.Root || !TopicLayout.JsonLeaves.Contains(levels[2]))
        {
            return null;
        }

        try
        {
            using JsonDocument doc = JsonDocument.Parse(payload);
            JsonElement body = doc.RootElement.Clone();
            if (body.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            return new DeviceMessage(levels[1], levels[2], Number(body, PayloadFields.Boot), Number(body, PayloadFields.Seq), Text(body, PayloadFields.Type) ?? "", body, retained);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>An integer field, or -1.</summary>
    /// <param name="body">Payload.</param>
    /// <param name="name">Field.</param>
    /// <returns>The value.</returns>
    public static long Number(JsonElement body, string name) =>
        body.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetInt64() : -1;

    /// <summary>A string field, or null.</summary>
    /// <param name="body">Payload.</param>
    /// <param name="name">Field.</param>
    /// <returns>The value.</returns>
    public static string? Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>Field as integer.</summary>
    /// <param name="name">Field.</param>
    /// <returns>Value or -1.</returns>
    public long this[string name] => Number(Body, name);

    /// <summary>Field as string.</summary>
    /// <param name="name">Field.</param>
    /// <returns>Value or null.</returns>
    public string? TextOf(string name) => Text(Body, name);
}
