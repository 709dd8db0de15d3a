using EdgeMicro.Core.Device.Config;
using EdgeMicro.Fleet.Publishing;
using EdgeMicro.TestKit;

namespace EdgeMicro.Device.Tests.Support;

/// <summary>Builds virtual devices and host stores against a test broker, each in its own temporary directory.</summary>
public sealed class Virtual : IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    public Virtual(MosquittoBroker broker)
    {
        Broker = broker;
        Directory = System.IO.Directory.CreateTempSubdirectory("edgemicro-vdev-").FullName;
    }

    public MosquittoBroker Broker { get; }

    public string Directory { get; }

    public TextWriter Log { get; } = TextWriter.Synchronized(new StringWriter());

    public DeviceConfig Config(string id, int periodMs = 20, int outbox = 64) => DeviceConfigParser.Parse(System.Text.Encoding.UTF8.GetBytes(
        $$"""{"device_id":"{{id}}","mqtt_host":"{{Broker.Host}}","mqtt_port":{{Broker.Port}},"fleet_key":"{{Convert.ToHexStringLower(Digits.FleetKey)}}","sensor":"replay","sample_period_ms":{{periodMs}},"outbox_capacity":{{outbox}},"ack_timeout_ms":2000,"class_pins":[10,11,12,13,14,15,16,17,18,19],"status_led_pin":2}"""));

    public VirtualDeviceOptions Options(string id, bool loop, int rows = 30, int periodMs = 20, int outbox = 64) => new()
    {
        Config = Config(id, periodMs, outbox),
        ReplayPath = Replay(rows),
        CompiledModel = Digits.BlobV1,
        StorageDirectory = Path.Combine(Directory, id),
        Loop = loop,
        StopWhenDone = !loop,
        Log = Log,
    };

    public async Task<VirtualDevice> StartAsync(VirtualDeviceOptions options)
    {
        var device = new VirtualDevice(options);
        _owned.Add(device);
        await device.Start().WaitAsync(TimeSpan.FromSeconds(30));
        return device;
    }

    public async Task<HostMessageStore> StoreAsync(string clientId = "host-store")
    {
        HostMessageStore store = await HostMessageStore.StartAsync(Broker.Host, Broker.Port, clientId).WaitAsync(TimeSpan.FromSeconds(30));
        _owned.Insert(0, store);
        return store;
    }

    public PublishRequest Request(params string[] devices) => new()
    {
        Host = Broker.Host, Port = Broker.Port, Blob = Digits.WithVersion(2), FleetKey = Digits.FleetKey, DeviceIds = devices,
        VerdictTimeout = TimeSpan.FromSeconds(20),
    };

    public async ValueTask DisposeAsync()
    {
        foreach (IAsyncDisposable d in _owned)
        {
            await d.DisposeAsync();
        }

        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort.
        }
    }

    private string Replay(int rows)
    {
        string path = Path.Combine(Directory, $"replay-{rows}.csv");
        if (!File.Exists(path))
        {
            File.WriteAllLines(path, File.ReadLines(Digits.TestCsv).Take(rows + 1));
        }

        return path;
    }
}
