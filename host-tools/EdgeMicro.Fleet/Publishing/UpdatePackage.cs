using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Update;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Security;

namespace EdgeMicro.Fleet.Publishing;

/// <summary>
/// One model update as sent over MQTT: the manifest (every field and the blob's SHA-256 signed with the fleet key),
/// the chunks and the commit, encoded
/// by the firmware core's <see cref="UpdateMessages"/> so host and device share one definition.
/// </summary>
public sealed class UpdatePackage
{
    /// <summary>Default chunk size: small enough for M2Mqtt's buffers and the device heap.</summary>
    public const int DefaultChunkSize = 1024;

    /// <summary>Largest chunk: an MQTT message the ESP32 receives comfortably next to the model it verifies.</summary>
    public const int MaxChunkSize = 16 * 1024;

    private UpdatePackage(UpdateManifest manifest, byte[] blob, int chunkSize)
    {
        Manifest = manifest;
        Blob = blob;
        ChunkSize = chunkSize;
    }

    /// <summary>The manifest.</summary>
    public UpdateManifest Manifest { get; }

    /// <summary>The blob bytes sent.</summary>
    public byte[] Blob { get; }

    /// <summary>Bytes per chunk.</summary>
    public int ChunkSize { get; }

    /// <summary>Number of chunks.</summary>
    public int ChunkCount => (Blob.Length + ChunkSize - 1) / ChunkSize;

    /// <summary>Builds a package for a blob: reads model id and version from it, signs the manifest with the key.</summary>
    /// <param name="blob">A valid .emm blob.</param>
    /// <param name="fleetKey">HMAC key.</param>
    /// <param name="updateId">Update id.</param>
    /// <param name="chunkSize">Bytes per chunk.</param>
    /// <param name="target">Device id, or <see cref="UpdateMessages.AnyDevice"/> for every device with the key.</param>
    /// <param name="downgradeFrom">The anti-rollback floor this update may go below (one deliberate downgrade), or 0.</param>
    /// <returns>The package.</returns>
    /// <exception cref="EdgeMicro.Core.Model.ModelFormatException">The blob is invalid.</exception>
    public static UpdatePackage Create(byte[] blob, byte[] fleetKey, uint updateId, int chunkSize = DefaultChunkSize, string target = UpdateMessages.AnyDevice, uint downgradeFrom = 0)
    {
        ModelBlob parsed = ModelBlobReader.Read(blob);
        return CreateUnchecked(blob, fleetKey, updateId, parsed.Model.ModelId, parsed.Model.ModelVersion, chunkSize, target, downgradeFrom);
    }

    /// <summary>Builds a package for arbitrary bytes with the given manifest identity (tests send bad blobs with it).</summary>
    /// <param name="blob">Bytes to send.</param>
    /// <param name="fleetKey">HMAC key.</param>
    /// <param name="updateId">Update id.</param>
    /// <param name="modelId">Model id in the manifest.</param>
    /// <param name="version">Model version in the manifest.</param>
    /// <param name="chunkSize">Bytes per chunk.</param>
    /// <param name="target">Device id or <see cref="UpdateMessages.AnyDevice"/>.</param>
    /// <param name="downgradeFrom">Signed downgrade floor, or 0.</param>
    /// <returns>The package.</returns>
    public static UpdatePackage CreateUnchecked(byte[] blob, byte[] fleetKey, uint updateId, string modelId, uint version, int chunkSize = DefaultChunkSize, string target = UpdateMessages.AnyDevice, uint downgradeFrom = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkSize, 1);
        var manifest = new UpdateManifest
        {
            UpdateId = updateId,
            Target = target,
            ModelId = modelId,
            ModelVersion = version,
            Size = blob.Length,
            Crc32 = Crc32.Compute(blob),
            BlobSha256 = Sha256.Hash(blob),
            DowngradeFrom = downgradeFrom,
        };
        UpdateMessages.Sign(manifest, fleetKey);
        return new UpdatePackage(manifest, blob, chunkSize);
    }

    /// <summary>Builds the signed manifest bytes that PUT_MODEL over the serial link starts with.</summary>
    /// <param name="blob">A valid .emm blob.</param>
    /// <param name="fleetKey">HMAC key.</param>
    /// <param name="deviceId">The device (from HELLO), or <see cref="UpdateMessages.AnyDevice"/>.</param>
    /// <returns>Manifest bytes.</returns>
    public static byte[] SerialManifest(byte[] blob, byte[] fleetKey, string deviceId) =>
        Create(blob, fleetKey, BitConverter.ToUInt32(System.Security.Cryptography.RandomNumberGenerator.GetBytes(4)) | 1, DefaultChunkSize, deviceId).ManifestPayload();

    /// <summary>Returns a copy whose chunks carry different bytes than the manifest describes (transit corruption).</summary>
    /// <param name="corrupted">Bytes to send instead, same length or not.</param>
    /// <returns>The package.</returns>
    public UpdatePackage WithPayload(byte[] corrupted) => new(Manifest, corrupted, ChunkSize);

    /// <summary>Returns a copy with another manifest (tests sign manifests whose fields differ from the blob).</summary>
    /// <param name="manifest">The manifest to send.</param>
    /// <returns>The package.</returns>
    public UpdatePackage WithManifest(UpdateManifest manifest) => new(manifest, Blob, ChunkSize);

    /// <summary>The manifest message.</summary>
    /// <returns>Payload bytes.</returns>
    public byte[] ManifestPayload()
    {
        var w = new PayloadWriter(512);
        UpdateMessages.WriteManifest(w, Manifest);
        return w.Buffer.AsSpan(0, w.Length).ToArray();
    }

    /// <summary>The i-th chunk message.</summary>
    /// <param name="index">0..ChunkCount-1.</param>
    /// <returns>Payload bytes.</returns>
    public byte[] ChunkPayload(int index)
    {
        int offset = index * ChunkSize;
        return UpdateMessages.WriteChunk(Manifest.UpdateId, offset, Blob, Math.Min(ChunkSize, Blob.Length - offset));
    }

    /// <summary>The commit message.</summary>
    /// <returns>Payload bytes.</returns>
    public byte[] CommitPayload()
    {
        var w = new PayloadWriter(64);
        UpdateMessages.WriteCommit(w, Manifest.UpdateId);
        return w.Buffer.AsSpan(0, w.Length).ToArray();
    }
}
