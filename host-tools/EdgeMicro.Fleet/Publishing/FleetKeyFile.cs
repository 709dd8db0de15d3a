using EdgeMicro.Core.Device.Config;
using EdgeMicro.Data;
namespace EdgeMicro.Fleet.Publishing;

/// <summary>Reads the fleet key file given to <c>edgemicro model publish --key</c>: hex text (as in device.json's fleet_key).</summary>
public static class FleetKeyFile
{
    /// <summary>Reads and checks a key file.</summary>
    /// <param name="path">File with at least 16 bytes as hex (whitespace ignored).</param>
    /// <returns>The key.</returns>
    /// <exception cref="InputDataException">Missing or not a key.</exception>
    public static byte[] Read(string path)
    {
        InputFiles.RequireFile(path, "--key");
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"{path}: {e.Message}");
        }

        byte[]? key = Hex.Decode(string.Concat(text.Where(c => !char.IsWhiteSpace(c))));
        return key is { Length: >= 16 } ? key : throw new InputDataException($"{path} must hold the fleet key as hex, at least 16 bytes.");
    }

    /// <summary>Parses HOST[:PORT].</summary>
    /// <param name="address">Address.</param>
    /// <returns>Host and port (1883 by default).</returns>
    /// <exception cref="InputDataException">Malformed.</exception>
    public static (string Host, int Port) ParseBroker(string address)
    {
        int colon = address.LastIndexOf(':');
        if (colon < 0)
        {
            return address.Length > 0 ? (address, 1883) : throw new InputDataException("--mqtt needs HOST[:PORT].");
        }

        return colon > 0 && int.TryParse(address[(colon + 1)..], System.Globalization.CultureInfo.InvariantCulture, out int port) && port is > 0 and < 65536
            ? (address[..colon], port)
            : throw new InputDataException($"--mqtt '{address}' is not HOST[:PORT].");
    }
}
