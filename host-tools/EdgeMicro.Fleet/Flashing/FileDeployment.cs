using System.Text.Json;
using System.Text.Json.Nodes;
using EdgeMicro.Core.Device.Storage;

namespace EdgeMicro.Fleet.Flashing;

/// <summary>
/// The JSON file of <c>nanoff --filedeployment</c> (nanoFirmwareFlasher FileDeploymentConfiguration):
/// <c>{"serialport": "...", "files": [{"DestinationFilePath": "I:\\model.emm", "SourceFilePath": "/abs/path"}]}</c>.
/// nanoff writes each source file to the destination on the device's storage over the debugger link.
/// </summary>
public static class FileDeployment
{
    /// <summary>Where the firmware loads its model from at boot (the ESP32 internal littlefs drive).</summary>
    public const string ModelDestination = DeviceFiles.Drive + DeviceFiles.ActiveModel;

    /// <summary>Where the firmware reads its device configuration.</summary>
    public const string ConfigDestination = DeviceFiles.Drive + DeviceFiles.Config;

    /// <summary>Builds the JSON.</summary>
    /// <param name="serialPort">The device's USB (debugger) port.</param>
    /// <param name="files">(destination on the device, absolute source path) pairs.</param>
    /// <returns>Indented JSON.</returns>
    public static string ToJson(string serialPort, IEnumerable<(string Destination, string Source)> files)
    {
        var list = new JsonArray();
        foreach (var (destination, source) in files)
        {
            list.Add(new JsonObject { ["DestinationFilePath"] = destination, ["SourceFilePath"] = source });
        }

        var root = new JsonObject { ["serialport"] = serialPort, ["files"] = list };
        return root.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
    }
}
