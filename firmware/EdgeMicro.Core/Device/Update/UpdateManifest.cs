namespace EdgeMicro.Core.Device.Update
{
    /// <summary>
    /// What the host announces before sending a model: <c>{"update":7,"target":"dev-1","model":"Digits","ver":2,
    /// "size":9120,"crc32":3735928559,"sha256":"&lt;64 hex&gt;","downgrade":0,"hmac":"&lt;64 hex&gt;"}</c>. The HMAC-SHA256
    /// (fleet key) covers every other field (<see cref="UpdateMessages.SignedBytes"/>), and through the SHA-256 the
    /// blob, so the device authenticates a manifest before it changes any state. The blob itself carries model id and
    /// version, which must equal the manifest's.
    /// </summary>
    public sealed class UpdateManifest
    {
        /// <summary>Gets or sets the update id chosen by the host (chunks and commit repeat it).</summary>
        public uint UpdateId { get; set; }

        /// <summary>Gets or sets the device the update is for, or <see cref="UpdateMessages.AnyDevice"/> for the whole fleet.</summary>
        public string Target { get; set; }

        /// <summary>Gets or sets the model id.</summary>
        public string ModelId { get; set; }

        /// <summary>Gets or sets the model version.</summary>
        public uint ModelVersion { get; set; }

        /// <summary>Gets or sets the blob size in bytes.</summary>
        public int Size { get; set; }

        /// <summary>Gets or sets the CRC-32 of the blob (transit check).</summary>
        public uint Crc32 { get; set; }

        /// <summary>Gets or sets the SHA-256 of the blob (32 bytes; signed).</summary>
        public byte[] BlobSha256 { get; set; }

        /// <summary>
        /// Gets or sets the version floor this manifest may go below (one deliberate, signed downgrade: accepted only
        /// while the device's anti-rollback floor equals it), or 0 for none.
        /// </summary>
        public uint DowngradeFrom { get; set; }

        /// <summary>Gets or sets the HMAC-SHA256 of <see cref="UpdateMessages.SignedBytes"/> with the fleet key (32 bytes).</summary>
        public byte[] Hmac { get; set; }
    }
}
