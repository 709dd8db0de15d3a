using EdgeMicro.Data;

namespace EdgeMicro.Fleet.Flashing;

/// <summary>
/// The deployment image (<c>.bin</c>) nanoff writes to the device's deployment region: the referenced assemblies'
/// .pe files first, the application's .pe last, each zero-padded to a multiple of 4 bytes, back to back. This is
/// what nanoFramework's GenerateBinaryOutputTask builds (metadata-processor: it pads each PE to (length + 3) / 4 * 4);
/// on the device the assemblies sit 4-byte aligned from offset 0 of the region.
/// </summary>
public static class DeploymentImage
{
    /// <summary>Concatenates PE images in the given order, each padded to 4 bytes.</summary>
    /// <param name="references">Referenced assemblies (mscorlib and libraries), in load order.</param>
    /// <param name="app">The application assembly (last).</param>
    /// <returns>The image bytes.</returns>
    public static byte[] Build(IReadOnlyList<PeImage> references, PeImage app)
    {
        var all = references.Append(app).ToList();
        foreach (PeImage pe in all)
        {
            pe.Validate(pe.Name);
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (PeImage pe in all.Where(p => !names.Add(p.Name)))
        {
            throw new InputDataException($"{pe.Name}: listed twice in the deployment image");
        }

        long total = all.Sum(p => Padded(p.Bytes.Length));
        var image = new byte[total];
        int offset = 0;
        foreach (PeImage pe in all)
        {
            pe.Bytes.CopyTo(image, offset);
            offset += Padded(pe.Bytes.Length);
        }

        return image;
    }

    /// <summary>Collects the .pe files of a nanoFramework build output directory: the application is the .pe whose
    /// name matches <paramref name="appName"/> (default: the only .exe in the directory); every other .pe is a
    /// reference, mscorlib first, then by name (ordinal), which makes the image reproducible.</summary>
    /// <param name="directory">Build output (bin/Release) of the firmware app.</param>
    /// <param name="appName">Application assembly name without extension, or null to take the single .exe.</param>
    /// <returns>References and app.</returns>
    public static (IReadOnlyList<PeImage> References, PeImage App) FromDirectory(string directory, string? appName)
    {
        if (!Directory.Exists(directory))
        {
            throw new InputDataException($"{directory}: app directory not found (pass the firmware app's build output, e.g. bin/Release)");
        }

        string[] pes = Directory.GetFiles(directory, "*.pe").Order(StringComparer.Ordinal).ToArray();
        if (pes.Length == 0)
        {
            throw new InputDataException($"{directory}: no .pe files (build the nanoFramework app first; the metadata processor writes one .pe per assembly)");
        }

        if (appName == null)
        {
            string[] exes = Directory.GetFiles(directory, "*.exe");
            if (exes.Length != 1)
            {
                throw new InputDataException($"{directory}: cannot tell which .pe is the application ({exes.Length} .exe files); pass --app-name NAME");
            }

            appName = Path.GetFileNameWithoutExtension(exes[0]);
        }

        string? appPath = pes.FirstOrDefault(p => string.Equals(Path.GetFileNameWithoutExtension(p), appName, StringComparison.OrdinalIgnoreCase));
        if (appPath == null)
        {
            throw new InputDataException($"{directory}: no {appName}.pe (found: {string.Join(", ", pes.Select(Path.GetFileName))})");
        }

        var references = pes.Where(p => p != appPath)
            .OrderBy(p => string.Equals(Path.GetFileName(p), "mscorlib.pe", StringComparison.OrdinalIgnoreCase) ? 0 : 1)
            .ThenBy(p => Path.GetFileName(p), StringComparer.Ordinal)
            .Select(PeImage.Load).ToList();
        return (references, PeImage.Load(appPath));
    }

    /// <summary>Rounds a length up to a multiple of 4.</summary>
    /// <param name="length">Bytes.</param>
    /// <returns>Padded length.</returns>
    public static int Padded(int length) => (length + 3) / 4 * 4;
}
