using System.Text;

namespace EdgeMicro.Mqtt;

/// <summary>
/// Topic name and topic filter rules of MQTT 3.1.1 section 4.7, as pure functions.
/// A topic name is what a PUBLISH carries (no wildcards); a topic filter is what a SUBSCRIBE carries.
/// </summary>
public static class MqttTopic
{
    /// <summary>Largest encoded length of a topic in bytes (section 4.7.3, a UTF-8 string of at most 65535 bytes).</summary>
    public const int MaxLengthBytes = 65535;

    /// <summary>Tells whether <paramref name="topic"/> is a valid topic name for PUBLISH.</summary>
    /// <param name="topic">Candidate topic name.</param>
    /// <param name="error">Why it is invalid, or null.</param>
    /// <returns>True if valid.</returns>
    public static bool IsValidTopicName(string? topic, out string? error)
    {
        if (!CheckCommon(topic, out error))
        {
            return false;
        }

        // Section 3.3.2.1 [MQTT-3.3.2-2]: the Topic Name in a PUBLISH MUST NOT contain wildcard characters.
        if (topic!.AsSpan().IndexOfAny('+', '#') >= 0)
        {
            error = $"Topic name '{topic}' must not contain the wildcards '+' or '#' (MQTT-3.3.2-2).";
            return false;
        }

        return true;
    }

    /// <summary>Tells whether <paramref name="filter"/> is a valid topic filter for SUBSCRIBE/UNSUBSCRIBE.</summary>
    /// <param name="filter">Candidate topic filter.</param>
    /// <param name="error">Why it is invalid, or null.</param>
    /// <returns>True if valid.</returns>
    public static bool IsValidTopicFilter(string? filter, out string? error)
    {
        if (!CheckCommon(filter, out error))
        {
            return false;
        }

        string[] levels = filter!.Split('/');
        for (int i = 0; i < levels.Length; i++)
        {
            string level = levels[i];
            if (level.Contains('#'))
            {
                // Section 4.7.1.2 [MQTT-4.7.1-2]: '#' must be alone in its level and be the last character of the filter.
                if (level.Length != 1 || i != levels.Length - 1)
                {
                    error = $"Topic filter '{filter}': '#' must occupy a whole level and be the last level (MQTT-4.7.1-2).";
                    return false;
                }
            }
            else if (level.Contains('+') && level.Length != 1)
            {
                // Section 4.7.1.3 [MQTT-4.7.1-3]: '+' must occupy an entire level of the filter.
                error = $"Topic filter '{filter}': '+' must occupy a whole level (MQTT-4.7.1-3).";
                return false;
            }
        }

        return true;
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="topic"/> is a valid topic name.</summary>
    /// <param name="topic">Topic name to check.</param>
    /// <param name="paramName">Name of the argument, for the exception.</param>
    public static void ValidateTopicName(string? topic, string paramName = "topic")
    {
        if (!IsValidTopicName(topic, out string? error))
        {
            throw new ArgumentException(error, paramName);
        }
    }

    /// <summary>Throws <see cref="ArgumentException"/> unless <paramref name="filter"/> is a valid topic filter.</summary>
    /// <param name="filter">Topic filter to check.</param>
    /// <param name="paramName">Name of the argument, for the exception.</param>
    public static void ValidateTopicFilter(string? filter, string paramName = "filter")
    {
        if (!IsValidTopicFilter(filter, out string? error))
        {
            throw new ArgumentException(error, paramName);
        }
    }

    /// <summary>
    /// Tells whether a topic name matches a topic filter (section 4.7). '+' matches exactly one level (possibly empty),
    /// '#' matches the parent level and any number of child levels, and topics starting with '$' are not matched by a
    /// filter starting with a wildcard (section 4.7.2 [MQTT-4.7.2-1]). Matching is case-sensitive and never normalizes.
    /// </summary>
    /// <param name="filter">A valid topic filter.</param>
    /// <param name="topic">A valid topic name.</param>
    /// <returns>True if a subscription with <paramref name="filter"/> receives messages published to <paramref name="topic"/>.</returns>
    /// <exception cref="ArgumentException">The filter or topic is invalid.</exception>
    public static bool Matches(string filter, string topic)
    {
        ValidateTopicFilter(filter, nameof(filter));
        ValidateTopicName(topic, nameof(topic));

        // Section 4.7.2 [MQTT-4.7.2-1]: a filter starting with a wildcard must not match a topic name starting with '$'.
        if (topic[0] == '$' && (filter[0] == '+' || filter[0] == '#'))
        {
            return false;
        }

        string[] f = filter.Split('/');
        string[] t = topic.Split('/');
        for (int i = 0; i < f.Length; i++)
        {
            if (f[i] == "#")
            {
                // Section 4.7.1.2: '#' matches the parent level too ("sport/#" matches "sport").
                return true;
            }

            if (i >= t.Length)
            {
                return false;
            }

            if (f[i] != "+" && !string.Equals(f[i], t[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return f.Length == t.Length;
    }

    private static bool CheckCommon(string? value, out string? error)
    {
        // Section 4.7.3 [MQTT-4.7.3-1]: topic names and filters must be at least one character long.
        if (string.IsNullOrEmpty(value))
        {
            error = "Topic names and topic filters must be at least one character long (MQTT-4.7.3-1).";
            return false;
        }

        // Section 4.7.3 [MQTT-4.7.3-2]: they must not include the null character U+0000.
        if (value.Contains('\0'))
        {
            error = "Topic names and topic filters must not contain U+0000 (MQTT-4.7.3-2).";
            return false;
        }

        // Section 1.5.3 [MQTT-1.5.3-1]: must be well-formed UTF-16 so that it encodes to well-formed UTF-8.
        if (HasLoneSurrogate(value))
        {
            error = "Topic names and topic filters must be well-formed Unicode (MQTT-1.5.3-1).";
            return false;
        }

        // Section 4.7.3 [MQTT-4.7.3-3]: they must not encode to more than 65535 bytes.
        if (Encoding.UTF8.GetByteCount(value) > MaxLengthBytes)
        {
            error = "Topic names and topic filters must not encode to more than 65535 bytes (MQTT-4.7.3-3).";
            return false;
        }

        error = null;
        return true;
    }

    private static bool HasLoneSurrogate(string value)
    {
        for (int i = 0; i < value.Length; i++)
        {
            if (char.IsHighSurrogate(value[i]))
            {
                if (i + 1 >= value.Length || !char.IsLowSurrogate(value[i + 1]))
                {
                    return true;
                }

                i++;
            }
            else if (char.IsLowSurrogate(value[i]))
            {
                return true;
            }
        }

        return false;
    }
}
