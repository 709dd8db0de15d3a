using MQTTnet;

namespace EdgeMicro.Messaging;

/// <summary>MQTT topic filter matching (wildcards + and #), as the broker applies it.</summary>
public static class TopicFilter
{
    /// <summary>Tells whether a topic matches a filter.</summary>
    /// <param name="filter">Filter, e.g. edgemicro/+/stats.</param>
    /// <param name="topic">Topic name.</param>
    /// <returns>True on a match.</returns>
    public static bool Matches(string filter, string topic) =>
        MqttTopicFilterComparer.Compare(topic, filter) == MqttTopicFilterCompareResult.IsMatch;
}
