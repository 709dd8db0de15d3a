namespace EdgeMicro.Core.Device.Update
{
    /// <summary>
    /// What the host announces before sending a model: <c>{"update":7,"model":"Digits","ver":2,"size":9120,
    /// "crc32":3735928559,"hmac":"&lt;64 hex&gt;"}</c>. The HMAC-SHA256 (fleet key) covers the blob bytes; the blob itself
    /// carries model id and version, which must equal the manifest's.
    /// </summary>
    public sealed class UpdateManifest
    {
        /// <summary>Gets or sets the update id chosen by the host (chunks and commit repeat it).</summary>
        public uint UpdateId { get; set; }

        /// <summary>Gets or sets the model id.</summary>
        public string ModelId { get; set; }

        /// <summary>Gets or sets the model version.</summary>
        public uint ModelVersion { get; set; }

        /// <summary>Gets or sets the blob size in bytes.</summary>
        public int Size { get; set; }

        /// <summary>Gets or sets the CRC-32 of the blob.</summary>
        public uint Crc32 { get; set; }

        /// <summary>Gets or sets the HMAC-SHA256 of the blob with the fleet key (32 bytes).</summary>
        public byte[] Hmac { get; set; }
    }
}
