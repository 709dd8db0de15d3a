using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Device.Storage;
using EdgeMicro.Core.Security;

namespace EdgeMicro.Core.Device.Update
{
    /// <summary>
    /// Installing a blob that arrived over a local link (the serial test-rig protocol, whose transfer already checked
    /// size and CRC) with its signed manifest: the same gate (<see cref="Admit"/>: fleet-key HMAC, target,
    /// anti-rollback floor), blob hash, staging file, <see cref="ModelCheck"/> (parse, compatibility, self-test) and
    /// atomic slot switch as an MQTT update, so an unsigned or older model is refused and a power cut at any step
    /// still boots a valid model.
    /// </summary>
    public sealed partial class ModelUpdater
    {
        /// <summary>Verifies and activates a complete blob.</summary>
        /// <param name="blob">Blob bytes.</param>
        /// <param name="manifest">The manifest bytes (<see cref="UpdateMessages.WriteManifest"/>).</param>
        /// <returns><see cref="StatusAccepted"/> (then <see cref="Accepted"/> holds the model) or <see cref="StatusRejected"/> (<see cref="Reason"/>, <see cref="Detail"/>).</returns>
        public int Install(byte[] blob, byte[] manifest)
        {
            Accepted = null;
            if (InProgress)
            {
                return RejectLocal(UpdateReasons.Busy, "an MQTT update is being received", false);
            }

            if (blob == null || blob.Length == 0 || blob.Length > _maxBlobBytes)
            {
                return RejectLocal(UpdateReasons.InvalidBlob, "blob size must be 1.." + _maxBlobBytes.ToString() + " bytes", false);
            }

            UpdateManifest m = Admit(manifest);
            if (m == null)
            {
                return RejectLocal(RefusalReason, RefusalDetail, false);
            }

            if (m.Size != blob.Length || Crc32.Compute(blob) != m.Crc32 || !HmacSha256.FixedTimeEquals(Sha256.Hash(blob), m.BlobSha256))
            {
                return RejectLocal(UpdateReasons.Signature, "the blob is not the one the signed manifest describes", false);
            }

            string reason, detail;
            ActiveModel model = ModelCheck.Load(blob, _requiredFeatures, ActiveModel.SourceActive, out reason, out detail);
            if (model == null)
            {
                return RejectLocal(reason, detail, false);
            }

            if (!(model.Model.ModelId == m.ModelId) || model.Model.ModelVersion != m.ModelVersion)
            {
                return RejectLocal(UpdateReasons.ManifestMismatch, "blob is " + model.Model.ModelId + " v" + model.Model.ModelVersion.ToString(), false);
            }

            try
            {
                if (_storage.Exists(ModelSlots.StagingFile))
                {
                    _storage.Delete(ModelSlots.StagingFile);
                }

                _storage.Write(ModelSlots.StagingFile, blob, 0, blob.Length);
                byte[] staged = _storage.Read(ModelSlots.StagingFile);
                if (staged.Length != blob.Length || Crc32.Compute(staged) != Crc32.Compute(blob))
                {
                    return RejectLocal(UpdateReasons.Storage, "staging file differs from the received bytes", true);
                }

                RaiseFloor(m);
                _slots.Activate();
            }
            catch (System.Exception e)
            {
                RecoverQuietly();
                return RejectLocal(UpdateReasons.Storage, e.Message, true);
            }

            Accepted = model;
            return StatusAccepted;
        }

        private int RejectLocal(string reason, string detail, bool deleteStaging)
        {
            Reason = reason;
            Detail = detail;
            if (deleteStaging)
            {
                DeleteStaging();
            }

            return StatusRejected;
        }
    }
}
