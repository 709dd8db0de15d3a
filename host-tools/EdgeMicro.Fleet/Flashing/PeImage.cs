using EdgeMicro.Data;

namespace EdgeMicro.Fleet.Flashing;

/// <summary>One nanoFramework assembly (.pe file, the metadata processor's output) for a deployment image.</summary>
/// <param name="Name">File name (for messages).</param>
/// <param name="Bytes">File contents.</param>
public sealed record PeImage(string Name, byte[] Bytes)
{
    /// <summary>Marker at offset 0 of a v1 (stable, no generics) nanoFramework PE file: the AssemblyHeader's
    /// 8-byte marker field starts with ASCII "NFMRK1" (nanoframework.github.io content/architecture/pe-file/AssemblyHeader.md).</summary>
    public static ReadOnlySpan<byte> V1Marker => "NFMRK1"u8;

    /// <summary>Marker of v2 (preview, generics) PE files, which v1 firmware cannot load.</summary>
    public static ReadOnlySpan<byte> V2Marker => "NFMRK2"u8;

    /// <summary>Reads and validates a .pe file.</summary>
    /// <param name="path">The file.</param>
    /// <returns>The image.</returns>
    /// <exception cref="InputDataException">Missing, unreadable or not a v1 nanoFramework PE file.</exception>
    public static PeImage Load(string path)
    {
        if (!File.Exists(path))
        {
            throw new InputDataException($"{path}: file not found");
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new InputDataException($"{path}: cannot read: {e.Message}", e);
        }

        var image = new PeImage(Path.GetFileName(path), bytes);
        image.Validate(path);
        return image;
    }

    /// <summary>Checks the NFMRK1 marker.</summary>
    /// <param name="where">Path or name for messages.</param>
    /// <exception cref="InputDataException">Not a v1 nanoFramework PE file.</exception>
    public void Validate(string where)
    {
        if (Bytes.Length >= V2Marker.Length && Bytes.AsSpan(0, V2Marker.Length).SequenceEqual(V2Marker))
        {
            throw new InputDataException($"{where}: is a nanoFramework v2 (preview, generics) assembly (marker NFMRK2); EdgeMicro firmware is the stable v1 line, rebuild against nanoFramework.CoreLibrary 1.17.x");
        }

        if (Bytes.Length < 8 || !Bytes.AsSpan(0, V1Marker.Length).SequenceEqual(V1Marker))
        {
            string head = Convert.ToHexString(Bytes.AsSpan(0, Math.Min(8, Bytes.Length)));
            throw new InputDataException($"{where}: not a nanoFramework PE file (expected marker NFMRK1 at offset 0, found {(head.Length == 0 ? "an empty file" : "0x" + head)}); pass the .pe files the nanoFramework build writes next to the .dll/.exe, not the .dll itself");
        }
    }
}
