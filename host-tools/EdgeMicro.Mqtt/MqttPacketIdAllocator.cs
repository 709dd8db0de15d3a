namespace EdgeMicro.Mqtt;

/// <summary>
/// Hands out currently unused non-zero packet identifiers (section 2.3.1 [MQTT-2.3.1-1, MQTT-2.3.1-2]) and takes
/// them back once the exchange that used them is acknowledged. Thread-safe. One instance may be shared by the
/// successive connections of a <see cref="ReconnectingMqttClient"/>, so resent messages keep their identifiers.
/// </summary>
internal sealed class MqttPacketIdAllocator
{
    private readonly Lock _gate = new();
    private readonly HashSet<ushort> _inUse = [];
    private ushort _last;

    /// <summary>Number of identifiers currently in use.</summary>
    public int InUseCount
    {
        get
        {
            lock (_gate)
            {
                return _inUse.Count;
            }
        }
    }

    /// <summary>Returns an identifier not in use, cycling 1..65535.</summary>
    /// <exception cref="MqttException">All identifiers are in use.</exception>
    public ushort Allocate()
    {
        lock (_gate)
        {
            for (int i = 0; i < ushort.MaxValue; i++)
            {
                _last = _last == ushort.MaxValue ? (ushort)1 : (ushort)(_last + 1);
                if (_inUse.Add(_last))
                {
                    return _last;
                }
            }
        }

        throw new MqttException(MqttErrorKind.PacketIdentifiersExhausted, "All 65535 packet identifiers are in use (section 2.3.1).");
    }

    /// <summary>Makes an identifier available again (section 2.3.1: reusable after the acknowledgement).</summary>
    /// <param name="packetId">Identifier returned by <see cref="Allocate"/>.</param>
    public void Release(ushort packetId)
    {
        lock (_gate)
        {
            _inUse.Remove(packetId);
        }
    }
}
