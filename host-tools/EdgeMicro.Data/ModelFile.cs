using EdgeMicro.Core.Format;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Data;

/// <summary>
/// A validated <c>.emm</c> model blob on disk and the identity the device reports once it runs it. The one loader of
/// model files: every command that takes a model (a .emm file or the directory `edgemicro convert` wrote) uses it.
/// </summary>
/// <param name="Path">Absolute path of the blob.</param>
/// <param name="Bytes">Blob bytes.</param>
/// <param name="Blob">Parsed blob.</param>
/// <param name="ModelCrc">CRC-32 of the model section (what the device reports).</param>
public sealed record ModelFile(string Path, byte[] Bytes, ModelBlob Blob, uint ModelCrc)
{
    /// <summary>Gets the model id.</summary>
    public string ModelId => Blob.Model.ModelId;

    /// <summary>Gets the model version.</summary>
    public uint ModelVersion => Blob.Model.ModelVersion;

    /// <summary>Gets "id v3 (crc 0x...)".</summary>
    public string Describe => $"{ModelId} v{ModelVersion} (model CRC 0x{ModelCrc:X8})";

    /// <summary>Loads a blob from a file, or from the single <c>.emm</c> in a directory (the converter's output).</summary>
    /// <param name="path">A .emm file or a directory holding one.</param>
    /// <returns>The validated model.</returns>
    /// <exception cref="InputDataException">Missing, ambiguous or invalid.</exception>
    public static ModelFile Load(string path)
    {
        string file = path;
        if (Directory.Exists(path))
        {
            string[] blobs = Directory.GetFiles(path, "*.emm");
            if (blobs.Length != 1)
            {
                throw new InputDataException($"{path}: expected exactly one .emm model blob in the directory, found {blobs.Length} (run edgemicro convert, or pass the .emm file)");
            }

            file = blobs[0];
        }
        else if (!File.Exists(path))
        {
            throw new InputDataException($"{path}: no such model file or directory");
        }

        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"{file}: cannot read: {e.Message}", e);
        }

        ModelBlob blob;
        try
        {
            blob = ModelBlobReader.Read(bytes);
        }
        catch (ModelFormatException e)
        {
            throw new InputDataException($"{file}: not a valid model blob: {e.Message}", e);
        }

        return new ModelFile(System.IO.Path.GetFullPath(file), bytes, blob, ModelSerializer.Checksum(blob.Model));
    }
}
