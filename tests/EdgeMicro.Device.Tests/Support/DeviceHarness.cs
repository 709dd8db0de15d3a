using System.Text.Json;
using System.Text;
using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Runtime;
using EdgeMicro.Core.Device.Update;
using EdgeMicro.Fleet.Publishing;

namespace EdgeMicro.Device.Tests.Support;

/// <summary>A <see cref="DeviceRuntime"/> on in-memory fakes, for tests without a broker.</summary>
public sealed class DeviceHarness
{
    public DeviceHarness(MemoryStorage? storage = null, ActiveModel? compiled = null, int samples = 20, string extraConfig = "")
    {
        Storage = storage ?? new MemoryStorage();
        Config = DeviceConfigParser.Parse(Encoding.UTF8.GetBytes(
            "{\"device_id\":\"dev-1\",\"mqtt_host\":\"127.0.0.1\",\"fleet_key\":\"" + Convert.ToHexStringLower(Digits.FleetKey) +
            "\",\"class_pins\":[10,11,12,13,14,15,16,17,18,19],\"status_led_pin\":2,\"sample_period_ms\":100" + extraConfig + "}"));
        Samples = Digits.Samples(samples);
        Ports = new DevicePorts
        {
            Storage = Storage, Sensor = new ListSensor(Samples), Outputs = Gpio, Link = Link, Platform = Platform,
        };
        Runtime = new DeviceRuntime(Config, Ports, compiled ?? Digits.Compiled());
    }

    public MemoryStorage Storage { get; }

    public DeviceConfig Config { get; }

    public int[][] Samples { get; }

    public DevicePorts Ports { get; }

    public FakeLink Link { get; } = new();

    public FakePlatform Platform { get; } = new();

    public RecordingGpio Gpio { get; } = new();

    public DeviceRuntime Runtime { get; }

    public uint Version => Runtime.Model.Model.ModelVersion;

    public DeviceHarness Boot()
    {
        Runtime.Boot();
        Runtime.Step();
        return this;
    }

    /// <summary>Queues the whole update (manifest, chunks, commit) and runs steps until the queue is drained.</summary>
    public void Deliver(UpdatePackage p, int chunks = -1, bool commit = true)
    {
        Link.Send(Runtime.Topics.DeviceId is { } id ? TopicLayout.Of(id, TopicLayout.ManifestLeaf) : "", p.ManifestPayload());
        for (int i = 0; i < (chunks < 0 ? p.ChunkCount : chunks); i++)
        {
            Link.Send(TopicLayout.Of("dev-1", TopicLayout.ChunkLeaf), p.ChunkPayload(i));
        }

        if (commit)
        {
            Link.Send(TopicLayout.Of("dev-1", TopicLayout.CommitLeaf), p.CommitPayload());
        }

        Drain();
    }

    /// <summary>Gives the runtime device statistics (the single statistics port); call before <see cref="Boot"/>.</summary>
    public DeviceHarness WithStatistics()
    {
        Ports.Statistics = new EdgeMicro.Core.Stats.RuntimeStatistics("dev-1");
        return this;
    }

    /// <summary>Advances the clock one period at a time and steps until the given number of samples were taken.</summary>
    public void Run(int samples)
    {
        uint target = Runtime.SampleCount + (uint)samples;
        while (Runtime.SampleCount < target)
        {
            Platform.NowMs += 100;
            Runtime.Step();
        }
    }

    public void Command(string json)
    {
        Link.Send(TopicLayout.Of("dev-1", TopicLayout.CommandLeaf), Encoding.UTF8.GetBytes(json));
        Drain();
    }

    public void Drain()
    {
        while (Link.Inbound.Count > 0)
        {
            Runtime.Step();
        }

        Runtime.Step();
    }

    /// <summary>Published messages of one outgoing kind, parsed.</summary>
    public List<JsonElement> Messages(string leaf) => Link.Published
        .Where(m => m.Topic == TopicLayout.Of("dev-1", leaf))
        .Select(m => JsonDocument.Parse(m.Payload).RootElement.Clone())
        .ToList();

    public List<JsonElement> Events(string name) => Messages("events").Where(e => e.GetProperty("event").GetString() == name).ToList();

    public JsonElement LastEvent() => Messages("events")[^1];
}
