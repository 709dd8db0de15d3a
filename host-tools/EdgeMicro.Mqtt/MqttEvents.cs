namespace EdgeMicro.Mqtt;

/// <summary>Raises events so that a throwing handler neither stops the others nor breaks the caller's loop.</summary>
internal static class MqttEvents
{
    /// <summary>Invokes every handler of <paramref name="handlers"/>; exceptions are traced and swallowed.</summary>
    public static void RaiseSafely<T>(EventHandler<T>? handlers, object sender, T args)
    {
        if (handlers is null)
        {
            return;
        }

        foreach (Delegate handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<T>)handler)(sender, args);
            }
            catch (Exception ex)
            {
                System.Diagnostics.Trace.TraceWarning($"MQTT event handler threw: {ex}");
            }
        }
    }
}
