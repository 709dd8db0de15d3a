using EdgeMicro.Device.Serial;
using EdgeMicro.Fleet.Publishing;
using EdgeMicro.Serial;

namespace EdgeMicro.Serial.Tests.Support;

/// <summary>The real virtual device (firmware runtime, slots, update gate; no broker) serving a port.</summary>
public static class Devices
{
    /// <summary>The fleet key of the served devices.</summary>
    public static readonly byte[] FleetKey = Convert.FromHexString("00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff");

    /// <summary>Boots a device on a devkit model (key as in <see cref="Models"/>); its sensor replays that dataset's test CSV.</summary>
    public static SerialVirtualDevice Serve(ISerialPort port, string modelKey, bool statistics = true)
    {
        string dataset = modelKey.Split('-')[0];
        return SerialVirtualDevice.Start(port, File.ReadAllBytes(Models.Blob(modelKey)), Models.TestCsv(dataset), statistics: statistics, fleetKey: FleetKey);
    }

    /// <summary>PUT_MODEL with a manifest signed by <paramref name="key"/> (default: the devices' fleet key).</summary>
    public static (string ModelId, uint Version, uint ModelCrc) PutSigned(this DeviceClient client, byte[] blob, byte[]? key = null) =>
        client.PutModel(blob, UpdatePackage.CreateUnchecked(blob, key ?? FleetKey, 1, Id(blob), Version(blob)).ManifestPayload());

    private static string Id(byte[] blob) => TryRead(blob)?.Model.ModelId ?? "unknown";

    private static uint Version(byte[] blob) => TryRead(blob)?.Model.ModelVersion ?? 1;

    private static EdgeMicro.Core.Format.ModelBlob? TryRead(byte[] blob)
    {
        try
        {
            return EdgeMicro.Core.Format.ModelBlobReader.Read(blob);
        }
        catch (EdgeMicro.Core.Model.ModelFormatException)
        {
            return null;
        }
    }
}
