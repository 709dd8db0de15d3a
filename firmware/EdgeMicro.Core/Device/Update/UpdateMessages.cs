using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Storage;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Security;

namespace EdgeMicro.Core.Device.Update
{
    /// <summary>
    /// Encoding of the model update messages, used by the device to read them and by the host to write them:
    /// manifest and commit are JSON (<see cref="FlatJson"/> subset); a chunk is binary, little-endian
    /// <c>u32 update id, u32 offset, bytes</c>. The manifest's HMAC covers <see cref="SignedBytes"/>. The serial
    /// link's PUT_MODEL begin frame carries the same manifest bytes.
    /// </summary>
    public static class UpdateMessages
    {
        /// <summary>Bytes before the data in a chunk.</summary>
        public const int ChunkHeaderLength = 8;

        /// <summary>Manifest field: update id.</summary>
        public const string FieldUpdate = "update";

        /// <summary>Manifest field: model id.</summary>
        public const string FieldModel = "model";

        /// <summary>Manifest field: model version.</summary>
        public const string FieldVersion = "ver";

        /// <summary>Manifest field: size.</summary>
        public const string FieldSize = "size";

        /// <summary>Manifest field: CRC-32.</summary>
        public const string FieldCrc = "crc32";

        /// <summary>Manifest field: HMAC-SHA256 as hex.</summary>
        public const string FieldHmac = "hmac";

        /// <summary>Manifest field: target device id or <see cref="AnyDevice"/>.</summary>
        public const string FieldTarget = "target";

        /// <summary>Manifest field: SHA-256 of the blob as hex.</summary>
        public const string FieldSha256 = "sha256";

        /// <summary>Manifest field: the anti-rollback floor this manifest may go below (0: none).</summary>
        public const string FieldDowngrade = "downgrade";

        /// <summary>Target of a manifest for every device that holds the fleet key.</summary>
        public const string AnyDevice = "*";

        /// <summary>Domain tag at the start of <see cref="SignedBytes"/> (a signature for anything else never verifies).</summary>
        public const string SignatureTag = "edgemicro-update-v1";

        /// <summary>Writes a manifest.</summary>
        /// <param name="w">Writer (512 bytes is plenty).</param>
        /// <param name="m">Manifest.</param>
        public static void WriteManifest(PayloadWriter w, UpdateManifest m)
        {
            w.Begin();
            w.Number(FieldUpdate, m.UpdateId);
            w.Text(FieldTarget, m.Target);
            w.Text(FieldModel, m.ModelId);
            w.Number(FieldVersion, m.ModelVersion);
            w.Number(FieldSize, m.Size);
            w.Number(FieldCrc, m.Crc32);
            w.Text(FieldSha256, Hex.Encode(m.BlobSha256));
            w.Number(FieldDowngrade, m.DowngradeFrom);
            w.Text(FieldHmac, Hex.Encode(m.Hmac));
            w.End();
        }

        /// <summary>Reads a manifest.</summary>
        /// <param name="payload">Bytes.</param>
        /// <param name="maxSize">Largest blob this device accepts.</param>
        /// <returns>The manifest.</returns>
        public static UpdateManifest ReadManifest(byte[] payload, int maxSize)
        {
            FlatJson j = FlatJson.Parse(payload, 0, payload.Length);
            UpdateManifest m = new UpdateManifest();
            m.UpdateId = (uint)Range(j, FieldUpdate, 0, 4294967295L);
            m.ModelId = j.GetString(FieldModel, null);
            if (m.ModelId == null || m.ModelId.Length == 0)
            {
                throw new DeviceFormatException("manifest has no model id");
            }

            m.Target = j.GetString(FieldTarget, null);
            if (m.Target == null || m.Target.Length == 0)
            {
                throw new DeviceFormatException("manifest has no target");
            }

            m.ModelVersion = (uint)Range(j, FieldVersion, 0, 4294967295L);
            m.Size = (int)Range(j, FieldSize, 1, maxSize);
            m.Crc32 = (uint)Range(j, FieldCrc, 0, 4294967295L);
            m.BlobSha256 = Digest(j, FieldSha256);
            m.DowngradeFrom = (uint)Range(j, FieldDowngrade, 0, 4294967295L);
            m.Hmac = Digest(j, FieldHmac);
            return m;
        }

        /// <summary>
        /// The bytes the manifest's HMAC covers: <see cref="SignatureTag"/>, update id, target, model id, version,
        /// size, CRC-32, blob SHA-256 and downgrade floor, in that order (strings length-prefixed, integers LE).
        /// </summary>
        /// <param name="m">Manifest.</param>
        /// <returns>The bytes.</returns>
        public static byte[] SignedBytes(UpdateManifest m)
        {
            ByteWriter w = new ByteWriter(false);
            w.WriteString(SignatureTag);
            w.WriteUInt32(m.UpdateId);
            w.WriteString(m.Target);
            w.WriteString(m.ModelId);
            w.WriteUInt32(m.ModelVersion);
            w.WriteUInt32((uint)m.Size);
            w.WriteUInt32(m.Crc32);
            w.WriteBytes(m.BlobSha256, 0, m.BlobSha256.Length);
            w.WriteUInt32(m.DowngradeFrom);
            return w.ToArray();
        }

        /// <summary>Signs a manifest: sets its <see cref="UpdateManifest.Hmac"/> (host side).</summary>
        /// <param name="m">Manifest with every other field set.</param>
        /// <param name="fleetKey">HMAC key.</param>
        public static void Sign(UpdateManifest m, byte[] fleetKey)
        {
            m.Hmac = HmacSha256.Compute(fleetKey, SignedBytes(m));
        }

        /// <summary>Tells whether a manifest's HMAC is the fleet key's (constant time).</summary>
        /// <param name="m">Manifest.</param>
        /// <param name="mac">HMAC with the fleet key (reset by this call).</param>
        /// <returns>True when authentic.</returns>
        public static bool IsAuthentic(UpdateManifest m, HmacSha256 mac)
        {
            byte[] signed = SignedBytes(m);
            mac.Reset();
            mac.Update(signed, 0, signed.Length);
            return HmacSha256.FixedTimeEquals(mac.Finish(), m.Hmac);
        }

        /// <summary>Builds a chunk message.</summary>
        /// <param name="updateId">Update id.</param>
        /// <param name="offset">Offset of the data in the blob.</param>
        /// <param name="blob">Blob.</param>
        /// <param name="count">Bytes from the offset.</param>
        /// <returns>The payload.</returns>
        public static byte[] WriteChunk(uint updateId, int offset, byte[] blob, int count)
        {
            byte[] p = new byte[ChunkHeaderLength + count];
            RecordSlots.Put(p, 0, updateId);
            RecordSlots.Put(p, 4, (uint)offset);
            System.Array.Copy(blob, offset, p, ChunkHeaderLength, count);
            return p;
        }

        /// <summary>Gets a chunk's update id.</summary>
        /// <param name="chunk">Payload (at least <see cref="ChunkHeaderLength"/> bytes).</param>
        /// <returns>The id.</returns>
        public static uint ChunkUpdateId(byte[] chunk)
        {
            return RecordSlots.Get(chunk, 0);
        }

        /// <summary>Gets a chunk's offset.</summary>
        /// <param name="chunk">Payload.</param>
        /// <returns>The offset.</returns>
        public static long ChunkOffset(byte[] chunk)
        {
            return RecordSlots.Get(chunk, 4);
        }

        /// <summary>Writes a commit message.</summary>
        /// <param name="w">Writer.</param>
        /// <param name="updateId">Update id.</param>
        public static void WriteCommit(PayloadWriter w, uint updateId)
        {
            w.Begin();
            w.Number(FieldUpdate, updateId);
            w.End();
        }

        /// <summary>Reads a commit message.</summary>
        /// <param name="payload">Bytes.</param>
        /// <returns>The update id.</returns>
        public static uint ReadCommit(byte[] payload)
        {
            return (uint)Range(FlatJson.Parse(payload, 0, payload.Length), FieldUpdate, 0, 4294967295L);
        }

        private static byte[] Digest(FlatJson j, string key)
        {
            byte[] d = Hex.Decode(j.GetString(key, null));
            if (d == null || d.Length != Sha256.HashLength)
            {
                throw new DeviceFormatException("manifest '" + key + "' must be 64 hex digits");
            }

            return d;
        }

        private static long Range(FlatJson j, string key, long min, long max)
        {
            long v = j.GetNumber(key, -1);
            if (v < min || v > max)
            {
                throw new DeviceFormatException("manifest '" + key + "' is missing or out of range");
            }

            return v;
        }
    }
}
