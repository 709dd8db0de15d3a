using EdgeMicro.Device.Serial;
using EdgeMicro.Serial;

namespace EdgeMicro.Serial.Tests.Support;

/// <summary>The real virtual device (firmware runtime, slots, update gate; no broker) serving a port.</summary>
public static class Devices
{
    /// <summary>Boots a device on a devkit model (key as in <see cref="Models"/>); its sensor replays that dataset's test CSV.</summary>
    public static SerialVirtualDevice Serve(ISerialPort port, string modelKey, bool statistics = true)
    {
        string dataset = modelKey.Split('-')[0];
        return SerialVirtualDevice.Start(port, File.ReadAllBytes(Models.Blob(modelKey)), Models.TestCsv(dataset), statistics: statistics);
    }
}
