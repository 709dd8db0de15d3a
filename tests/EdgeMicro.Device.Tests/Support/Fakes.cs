using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Ports;


namespace EdgeMicro.Device.Tests.Support;

/// <summary>Manual clock, log capture.</summary>
public sealed class FakePlatform : IRuntimePlatform
{
    public long NowMs { get; set; }

    public long FreeMemoryBytes => 12345;

    public List<string> Lines { get; } = [];

    public void Log(string line) => Lines.Add(line);
}

/// <summary>Plays a fixed list of samples (already fixed-point), cycling.</summary>
public sealed class ListSensor(int[][] samples) : ISensor
{
    private int _next;

    public int FeatureCount => samples[0].Length;

    public bool Read(int[] sample, int fractionBits)
    {
        Array.Copy(samples[_next++ % samples.Length], sample, sample.Length);
        return true;
    }
}

/// <summary>Records pin writes.</summary>
public sealed class RecordingGpio : IGpioOutputs
{
    public Dictionary<int, bool> Pins { get; } = [];

    public List<(int Pin, bool High)> Writes { get; } = [];

    public void Write(int pin, bool high)
    {
        Pins[pin] = high;
        Writes.Add((pin, high));
    }
}

/// <summary>In-memory link: inbound queue, published list, switchable connection and acknowledgement.</summary>
public sealed class FakeLink : IMqttLink
{
    public Queue<MqttInbound> Inbound { get; } = new();

    public List<(string Topic, string Payload, bool Retain)> Published { get; } = [];

    public List<(string Topic, byte[] Payload)> Raw { get; } = [];

    public List<string> Subscriptions { get; } = [];

    public bool IsConnected { get; set; } = true;

    /// <summary>Clock each publish advances by <see cref="PublishCostMs"/> (the time a real link blocks), or null.</summary>
    public FakePlatform? Clock { get; set; }

    public int PublishCostMs { get; set; }

    /// <summary>False: publishes get no PUBACK (they take <see cref="PublishCostMs"/> and fail).</summary>
    public bool Acknowledges { get; set; } = true;

    public int Attempts { get; set; }

    /// <summary>True: every result, label, event and report published is acknowledged back on cmd, as the puller does after storing it.</summary>
    public bool HostAcknowledges { get; set; } = true;

    /// <summary>Acknowledgements sent back.</summary>
    public int HostAcks { get; private set; }

    public void Subscribe(string filter) => Subscriptions.Add(filter);

    public bool Publish(string topic, byte[] payload, int length, bool retain)
    {
        if (!IsConnected)
        {
            return false;
        }

        Attempts++;
        if (Clock is not null)
        {
            Clock.NowMs += PublishCostMs;
        }

        if (!Acknowledges)
        {
            return false;
        }

        Published.Add((topic, System.Text.Encoding.UTF8.GetString(payload, 0, length), retain));
        Raw.Add((topic, payload[..length]));
        if (HostAcknowledges)
        {
            AcknowledgeAsHost(topic, payload, length);
        }

        return true;
    }

    private void AcknowledgeAsHost(string topic, byte[] payload, int length)
    {
        string[] levels = topic.Split('/');
        var w = new PayloadWriter(128);
        if (levels[2] == TopicLayout.StatsLeaf)
        {
            DeviceCommands.WriteStatsAck(w, 0, BitConverter.ToUInt32(payload, length - 4));
        }
        else if (levels[2] is TopicLayout.ResultsLeaf or TopicLayout.EventsLeaf)
        {
            using var doc = System.Text.Json.JsonDocument.Parse(payload.AsMemory(0, length));
            long seq = doc.RootElement.GetProperty(PayloadFields.Seq).GetInt64();
            DeviceCommands.WriteAck(w, doc.RootElement.GetProperty(PayloadFields.Boot).GetInt64(), seq, seq);
        }
        else
        {
            return;
        }

        HostAcks++;
        Send(TopicLayout.Of(levels[1], TopicLayout.CommandLeaf), w.Buffer[..w.Length]);
    }

    public MqttInbound? Receive() => Inbound.Count > 0 ? Inbound.Dequeue() : null;

    public void Send(string topic, byte[] payload) => Inbound.Enqueue(new MqttInbound(topic, payload));
}
