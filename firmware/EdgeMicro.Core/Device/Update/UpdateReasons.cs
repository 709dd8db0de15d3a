namespace EdgeMicro.Core.Device.Update
{
    /// <summary>Machine-readable reasons of a rejected update or command (the event's <c>reason</c> field).</summary>
    public static class UpdateReasons
    {
        /// <summary>The manifest is malformed or out of range.</summary>
        public const string BadManifest = "bad-manifest";

        /// <summary>A chunk is malformed, belongs to no update, leaves a gap or goes past the size.</summary>
        public const string BadChunk = "bad-chunk";

        /// <summary>Commit before all bytes arrived.</summary>
        public const string Truncated = "truncated";

        /// <summary>A local install was refused because an MQTT update is being received.</summary>
        public const string Busy = "busy";

        /// <summary>CRC-32 of the received bytes differs from the manifest.</summary>
        public const string Crc = "crc-mismatch";

        /// <summary>The manifest's HMAC-SHA256 is not the fleet key's, or the blob's SHA-256 differs from the signed one.</summary>
        public const string Signature = "signature-mismatch";

        /// <summary>The blob does not parse (<see cref="EdgeMicro.Core.Format.ModelBlobReader"/>).</summary>
        public const string InvalidBlob = "invalid-blob";

        /// <summary>The blob's model id or version differs from the manifest.</summary>
        public const string ManifestMismatch = "manifest-mismatch";

        /// <summary>The model does not fit this device's sensor (feature count).</summary>
        public const string Incompatible = "incompatible";

        /// <summary>The blob has no self-test vectors, or they fail.</summary>
        public const string SelfTest = "self-test-failed";

        /// <summary>Storage failed (write, read back, rename).</summary>
        public const string Storage = "storage-error";

        /// <summary>An authentic manifest for another device.</summary>
        public const string WrongTarget = "wrong-target";

        /// <summary>An authentic manifest below the anti-rollback floor.</summary>
        public const string Rollback = "rollback-refused";

        /// <summary>An authentic manifest older than the update in progress (which it does not cancel).</summary>
        public const string Stale = "stale-manifest";

        /// <summary>A newer manifest replaced this update before it completed.</summary>
        public const string Superseded = "superseded";

        /// <summary>Rollback: there is no valid previous model.</summary>
        public const string NoPrevious = "no-previous-model";

        /// <summary>Command: unknown or malformed.</summary>
        public const string BadCommand = "bad-command";
    }
}
