using System.Security.Cryptography;
using EdgeMicro.Core.Device.Config;
using EdgeMicro.Serial;

namespace EdgeMicro.Device.Serial;

/// <summary>
/// A <see cref="VirtualDevice"/> reached only over its serial link: the firmware runtime (model slots, update gate,
/// statistics) with no broker (<see cref="Simulation.OfflineLink"/>), its I:\ drive in a fresh temporary directory
/// that is deleted on dispose, and the framed serial protocol served on a given port. This is the device behind
/// <c>edgemicro hil --virtual</c> and the serial tests.
/// </summary>
public sealed class SerialVirtualDevice : IAsyncDisposable, IDisposable
{
    private readonly string _drive;

    private SerialVirtualDevice(VirtualDevice device, string drive)
    {
        Device = device;
        _drive = drive;
    }

    /// <summary>The running device (runtime, storage, statistics, serial endpoint).</summary>
    public VirtualDevice Device { get; }

    /// <summary>Boots a device and serves the serial protocol on <paramref name="port"/>.</summary>
    /// <param name="port">Open port (owned: closed with the device).</param>
    /// <param name="compiledModel">The compiled-in model (.emm bytes); the drive starts empty, so the device boots it.</param>
    /// <param name="replayPath">CSV the sensor replays once (its feature count is what the update gate requires).</param>
    /// <param name="labelColumn">Label column of the CSV.</param>
    /// <param name="deviceId">Device id reported by HELLO.</param>
    /// <param name="statistics">Keep device statistics (GET_STATS, GET_SAMPLES); off answers "not built in".</param>
    /// <param name="fleetKey">The fleet key PUT_MODEL manifests must be signed with, or null for a random one (no upload verifies).</param>
    /// <returns>The booted device.</returns>
    /// <exception cref="EdgeMicro.Data.InputDataException">The model or the CSV is invalid.</exception>
    public static SerialVirtualDevice Start(ISerialPort port, byte[] compiledModel, string replayPath, string labelColumn = "label", string deviceId = "virtual-1", bool statistics = true, byte[]? fleetKey = null)
    {
        string drive = Directory.CreateTempSubdirectory("edgemicro-virtual-drive-").FullName;
        VirtualDevice? device = null;
        try
        {
            device = new VirtualDevice(new VirtualDeviceOptions
            {
                Config = Config(deviceId, fleetKey ?? RandomNumberGenerator.GetBytes(32)),
                ReplayPath = replayPath,
                LabelColumn = labelColumn,
                PressLabels = false,
                CompiledModel = compiledModel,
                StorageDirectory = drive,
                Statistics = statistics,
                Offline = true,
                SerialConnection = port,
            });
            device.Start().WaitAsync(TimeSpan.FromSeconds(30)).GetAwaiter().GetResult();
            return new SerialVirtualDevice(device, drive);
        }
        catch
        {
            device?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            port.Dispose();
            Directory.Delete(drive, recursive: true);
            throw;
        }
    }

    /// <summary>Stops the device, closes its port and deletes its drive.</summary>
    /// <returns>A task.</returns>
    public async ValueTask DisposeAsync()
    {
        await Device.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_drive, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a temporary directory.
        }
    }

    /// <summary>Stops the device, closes its port and deletes its drive.</summary>
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    /// <summary>The offline configuration: replay sensor, one sample per second, the given fleet key.</summary>
    private static DeviceConfig Config(string deviceId, byte[] fleetKey) => DeviceConfigParser.Parse(System.Text.Encoding.UTF8.GetBytes(
        $$"""{"device_id":"{{deviceId}}","mqtt_host":"offline","fleet_key":"{{Convert.ToHexStringLower(fleetKey)}}","sensor":"replay","sample_period_ms":1000}"""));
}
