using EdgeMicro.Core.Device.Config;


namespace EdgeMicro.Device.Fleet;

/// <summary>Many virtual devices in one process, each with its own id (template id + "-" + index) and I:\ directory.</summary>
public static class FleetRunner
{
    /// <summary>Builds the devices of a fleet (not started).</summary>
    /// <param name="template">Options of the template device; its device id is the prefix.</param>
    /// <param name="count">Number of devices.</param>
    /// <param name="storageRoot">Directory holding one I:\ directory per device.</param>
    /// <returns>The devices.</returns>
    public static IReadOnlyList<VirtualDevice> Create(VirtualDeviceOptions template, int count, string storageRoot)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        var devices = new List<VirtualDevice>(count);
        for (int i = 1; i <= count; i++)
        {
            string id = IdOf(template.Config.DeviceId, i);
            DeviceConfig config = Copy(template.Config, id);
            devices.Add(new VirtualDevice(template with { Config = config, StorageDirectory = Path.Combine(storageRoot, id) }));
        }

        return devices;
    }

    /// <summary>The id of fleet member <paramref name="index"/> (1-based).</summary>
    /// <param name="prefix">Template id.</param>
    /// <param name="index">Index.</param>
    /// <returns>The id.</returns>
    /// <exception cref="EdgeMicro.Data.InputDataException">The id would not be a valid device id.</exception>
    public static string IdOf(string prefix, int index)
    {
        string id = prefix + "-" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return DeviceConfigParser.IsValidDeviceId(id) ? id : throw new EdgeMicro.Data.InputDataException($"fleet device id '{id}' is longer than 23 characters; use a shorter device_id.");
    }

    /// <summary>Starts every device and waits until all have booted.</summary>
    /// <param name="devices">Devices.</param>
    /// <returns>A task.</returns>
    public static Task StartAllAsync(IReadOnlyList<VirtualDevice> devices) => Task.WhenAll(devices.Select(d => d.Start()));

    private static DeviceConfig Copy(DeviceConfig c, string id) => new()
    {
        DeviceId = id, WifiSsid = c.WifiSsid, WifiPassword = c.WifiPassword, MqttHost = c.MqttHost, MqttPort = c.MqttPort,
        MqttUser = c.MqttUser, MqttPassword = c.MqttPassword, FleetKey = c.FleetKey, Sensor = c.Sensor,
        AdcChannels = c.AdcChannels, AdcWindow = c.AdcWindow, AdcIntervalMs = c.AdcIntervalMs, I2cBus = c.I2cBus,
        I2cAddress = c.I2cAddress, I2cDataPin = c.I2cDataPin, I2cClockPin = c.I2cClockPin, SamplePeriodMs = c.SamplePeriodMs,
        DeepSleep = c.DeepSleep, StatusLedPin = c.StatusLedPin, ClassPins = c.ClassPins, MinConfidenceQ15 = c.MinConfidenceQ15,
        LabelButtonPin = c.LabelButtonPin, LabelWindowMs = c.LabelWindowMs, OutboxCapacity = c.OutboxCapacity, AckTimeoutMs = c.AckTimeoutMs, PersistPeriodMs = c.PersistPeriodMs,
        StatusPeriodMs = c.StatusPeriodMs, StatsEverySamples = c.StatsEverySamples,
        SerialRxPin = c.SerialRxPin, SerialTxPin = c.SerialTxPin, SerialBaud = c.SerialBaud,
    };
}
