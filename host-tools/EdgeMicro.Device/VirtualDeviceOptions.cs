using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Messaging;


namespace EdgeMicro.Device;

/// <summary>What a <see cref="VirtualDevice"/> runs with.</summary>
public sealed record VirtualDeviceOptions
{
    /// <summary>Device configuration (the same file format as the firmware's I:\device.json).</summary>
    public required DeviceConfig Config { get; init; }

    /// <summary>CSV of samples to replay (model-input column order, optional label column).</summary>
    public required string ReplayPath { get; init; }

    /// <summary>The firmware's compiled-in model: a .emm blob (the desktop stand-in for the generated weight table).</summary>
    public required byte[] CompiledModel { get; init; }

    /// <summary>Directory standing for the device's I:\ drive.</summary>
    public required string StorageDirectory { get; init; }

    /// <summary>Replay the CSV forever instead of stopping at its end.</summary>
    public bool Loop { get; init; }

    /// <summary>Give the CSV's labels as label-button presses.</summary>
    public bool PressLabels { get; init; } = true;

    /// <summary>Stop once the replay finished and the outbox is empty (otherwise run until cancelled).</summary>
    public bool StopWhenDone { get; init; }

    /// <summary>How long a publish waits for PUBACK before the message stays queued (at most <see cref="MqttSession.MaxPublishBlockMs"/>).</summary>
    public TimeSpan PublishTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Keep device statistics of the running model (<see cref="EdgeMicro.Core.Stats.RuntimeStatistics"/>) and publish
    /// their binary reports on the stats topic (default on).
    /// </summary>
    public bool Statistics { get; init; } = true;

    /// <summary>Serial port (e.g. /dev/pts/N) on which to serve the framed serial protocol, or null.</summary>
    public string? SerialPort { get; init; }

    /// <summary>
    /// An open port on which to serve the framed serial protocol instead of <see cref="SerialPort"/> (e.g. the device
    /// end of a <see cref="EdgeMicro.Serial.MemorySerialPair"/>), or null. Owned: closed when the device stops.
    /// </summary>
    public EdgeMicro.Serial.ISerialPort? SerialConnection { get; init; }

    /// <summary>
    /// Run without a broker: the runtime gets an <see cref="Simulation.OfflineLink"/> (never connected, nothing
    /// published) instead of an MQTT connection to <see cref="DeviceConfig.MqttHost"/>.
    /// </summary>
    public bool Offline { get; init; }

    /// <summary>Name of the replay CSV's label column.</summary>
    public string LabelColumn { get; init; } = "label";

    /// <summary>Log destination (GPIO changes, model selection, rejections), or null.</summary>
    public TextWriter? Log { get; init; }

    /// <summary>Reads and parses a device configuration file with the firmware's own parser.</summary>
    /// <param name="path">device.json.</param>
    /// <returns>The configuration.</returns>
    /// <exception cref="EdgeMicro.Data.InputDataException">The file is missing or invalid.</exception>
    public static DeviceConfig ReadConfig(string path)
    {
        EdgeMicro.Data.InputFiles.RequireFile(path, "--config");
        try
        {
            return DeviceConfigParser.Parse(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is DeviceFormatException or IOException or UnauthorizedAccessException)
        {
            throw new EdgeMicro.Data.InputDataException($"{path}: {e.Message}");
        }
    }
}
