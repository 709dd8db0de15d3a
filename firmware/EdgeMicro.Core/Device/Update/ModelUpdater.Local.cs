using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Device.Storage;

namespace EdgeMicro.Core.Device.Update
{
    /// <summary>
    /// Installing a blob that arrived over a local link (the serial test-rig protocol, whose transfer already checked
    /// size and CRC): the same staging file, <see cref="ModelCheck"/> (parse, compatibility, self-test) and atomic slot
    /// switch as an MQTT update, so a power cut at any step still boots a valid model. There is no manifest, hence no
    /// fleet-key signature: the local link needs physical access, like flashing the drive.
    /// </summary>
    public sealed partial class ModelUpdater
    {
        /// <summary>Verifies and activates a complete blob.</summary>
        /// <param name="blob">Blob bytes.</param>
        /// <returns><see cref="StatusAccepted"/> (then <see cref="Accepted"/> holds the model) or <see cref="StatusRejected"/> (<see cref="Reason"/>, <see cref="Detail"/>).</returns>
        public int Install(byte[] blob)
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

            string reason, detail;
            ActiveModel model = ModelCheck.Load(blob, _requiredFeatures, ActiveModel.SourceActive, out reason, out detail);
            if (model == null)
            {
                return RejectLocal(reason, detail, false);
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
