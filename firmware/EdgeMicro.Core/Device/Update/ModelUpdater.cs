using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Core.Device.Storage;
using EdgeMicro.Core.Security;

namespace EdgeMicro.Core.Device.Update
{
    /// <summary>
    /// Over-the-air model update state machine: a manifest is admitted only if its HMAC (fleet key) verifies, it
    /// targets this device or the fleet, and its version passes the anti-rollback floor (<see cref="VersionFloor"/>);
    /// anything else is refused (<see cref="StatusRefused"/>) and changes no state, so a forged manifest cancels
    /// nothing. Then chunks are appended in order to the staging file while CRC-32 and SHA-256 run over them, then
    /// commit: size, CRC, the signed blob hash, read-back of the staging file, blob parse, compatibility and
    /// self-test (<see cref="ModelCheck"/>), the floor stored, and only then the atomic slot switch
    /// (<see cref="ModelSlots.Activate"/>). Nothing the running model uses is touched before that switch, so a
    /// rejected update leaves it running. Redelivered manifests, chunks and commits (QoS 1) are ignored.
    /// Each call returns a Status constant; after Accepted/Rejected read <see cref="Accepted"/> or
    /// <see cref="Reason"/>/<see cref="Detail"/>, and <see cref="Manifest"/>; after Refused read
    /// <see cref="RefusalReason"/>, <see cref="RefusalDetail"/> and <see cref="Refused"/>.
    /// </summary>
    public sealed partial class ModelUpdater
    {
        /// <summary>Nothing to report (ignored duplicate or stale message).</summary>
        public const int StatusNone = 0;

        /// <summary>Update in progress.</summary>
        public const int StatusProgress = 1;

        /// <summary>Update verified and activated.</summary>
        public const int StatusAccepted = 2;

        /// <summary>Update rejected.</summary>
        public const int StatusRejected = 3;

        /// <summary>Manifest refused before it changed anything (unauthenticated, another target, or below the floor).</summary>
        public const int StatusRefused = 4;

        private readonly ModelSlots _slots;
        private readonly IModelStorage _storage;
        private readonly HmacSha256 _mac;
        private readonly Sha256 _hash = new Sha256();
        private readonly int _maxBlobBytes;
        private readonly int _requiredFeatures;
        private readonly string _deviceId;
        private readonly VersionFloor _floor;
        private uint _crc;
        private bool _finished;

        /// <summary>Initializes a new instance of the <see cref="ModelUpdater"/> class.</summary>
        /// <param name="slots">Model slots.</param>
        /// <param name="fleetKey">HMAC key.</param>
        /// <param name="maxBlobBytes">Largest blob accepted.</param>
        /// <param name="requiredFeatures">Sensor feature count, or 0.</param>
        /// <param name="deviceId">This device's id (a manifest's target must be it or the fleet).</param>
        /// <param name="running">The model running after boot (its slot version raises the anti-rollback floor).</param>
        public ModelUpdater(ModelSlots slots, byte[] fleetKey, int maxBlobBytes, int requiredFeatures, string deviceId, ActiveModel running)
        {
            _slots = slots;
            _storage = slots.Storage;
            _mac = new HmacSha256(fleetKey);
            _maxBlobBytes = maxBlobBytes;
            _requiredFeatures = requiredFeatures;
            _deviceId = deviceId;
            _floor = new VersionFloor(_storage, running == null || running.Source == ActiveModel.SourceCompiled ? 0 : running.Model.ModelVersion);
        }

        /// <summary>Gets a value indicating whether an update is being received.</summary>
        public bool InProgress { get; private set; }

        /// <summary>Gets the manifest of the current or last update (null if unreadable).</summary>
        public UpdateManifest Manifest { get; private set; }

        /// <summary>Gets the bytes received of the current update.</summary>
        public int Received { get; private set; }

        /// <summary>Gets the reason code of the last rejection.</summary>
        public string Reason { get; private set; }

        /// <summary>Gets the detail of the last rejection.</summary>
        public string Detail { get; private set; }

        /// <summary>Gets the update that the last <see cref="OnManifest"/> abandoned for a new one (null if none).</summary>
        public UpdateManifest Superseded { get; private set; }

        /// <summary>Gets the model of the last accepted update.</summary>
        public ActiveModel Accepted { get; private set; }

        /// <summary>
        /// Handles a manifest. One that is not admitted (<see cref="Admit"/>) is refused without any effect; a
        /// redelivered one is ignored; a new admitted one, not older than the update in progress, replaces it (see
        /// <see cref="Superseded"/>).
        /// </summary>
        /// <param name="payload">Message bytes.</param>
        /// <returns>A Status constant.</returns>
        public int OnManifest(byte[] payload)
        {
            Superseded = null;
            UpdateManifest m = Admit(payload);
            if (m == null)
            {
                return StatusRefused;
            }

            if (Manifest != null && m.UpdateId == Manifest.UpdateId && (InProgress || _finished))
            {
                return StatusNone;
            }

            if (InProgress && m.ModelVersion < Manifest.ModelVersion)
            {
                return Refuse(UpdateReasons.Stale, "v" + m.ModelVersion.ToString() + " is older than the update in progress", m);
            }

            Superseded = InProgress ? Manifest : null;
            Manifest = m;
            Received = 0;
            _finished = false;
            _crc = Crc32.Initial;
            _hash.Reset();
            InProgress = true;
            try
            {
                _storage.Delete(ModelSlots.StagingFile);
            }
            catch (System.Exception e)
            {
                return Reject(UpdateReasons.Storage, e.Message);
            }

            return StatusProgress;
        }

        /// <summary>Handles a chunk.</summary>
        /// <param name="payload">Message bytes.</param>
        /// <returns>A Status constant.</returns>
        public int OnChunk(byte[] payload)
        {
            if (!InProgress || payload.Length < UpdateMessages.ChunkHeaderLength || UpdateMessages.ChunkUpdateId(payload) != Manifest.UpdateId)
            {
                return StatusNone;
            }

            long offset = UpdateMessages.ChunkOffset(payload);
            int count = payload.Length - UpdateMessages.ChunkHeaderLength;
            if (offset + count <= Received)
            {
                return StatusNone;
            }

            if (offset != Received)
            {
                return Reject(UpdateReasons.BadChunk, "chunk at " + offset.ToString() + ", expected " + Received.ToString());
            }

            if (offset + count > Manifest.Size)
            {
                return Reject(UpdateReasons.BadChunk, "chunk goes past the manifest size " + Manifest.Size.ToString());
            }

            try
            {
                _storage.Append(ModelSlots.StagingFile, payload, UpdateMessages.ChunkHeaderLength, count);
            }
            catch (System.Exception e)
            {
                return Reject(UpdateReasons.Storage, e.Message);
            }

            _crc = Crc32.Update(_crc, payload, UpdateMessages.ChunkHeaderLength, count);
            _hash.Update(payload, UpdateMessages.ChunkHeaderLength, count);
            Received += count;
            return StatusProgress;
        }

        /// <summary>Handles a commit: verifies everything and activates.</summary>
        /// <param name="payload">Message bytes.</param>
        /// <returns>A Status constant.</returns>
        public int OnCommit(byte[] payload)
        {
            uint id;
            try
            {
                id = UpdateMessages.ReadCommit(payload);
            }
            catch (System.Exception)
            {
                return StatusNone;
            }

            if (!InProgress || id != Manifest.UpdateId)
            {
                return StatusNone;
            }

            if (Received != Manifest.Size)
            {
                return Reject(UpdateReasons.Truncated, "received " + Received.ToString() + " of " + Manifest.Size.ToString() + " bytes");
            }

            if (Crc32.Finish(_crc) != Manifest.Crc32)
            {
                return Reject(UpdateReasons.Crc, "CRC-32 of the received bytes differs from the manifest");
            }

            if (!HmacSha256.FixedTimeEquals(_hash.Finish(), Manifest.BlobSha256))
            {
                return Reject(UpdateReasons.Signature, "SHA-256 of the received bytes differs from the signed manifest");
            }

            byte[] blob;
            try
            {
                blob = _storage.Read(ModelSlots.StagingFile);
            }
            catch (System.Exception e)
            {
                return Reject(UpdateReasons.Storage, e.Message);
            }

            if (blob.Length != Manifest.Size || Crc32.Compute(blob) != Manifest.Crc32)
            {
                return Reject(UpdateReasons.Storage, "staging file differs from the received bytes");
            }

            string reason, detail;
            ActiveModel model = ModelCheck.Load(blob, _requiredFeatures, ActiveModel.SourceActive, out reason, out detail);
            if (model == null)
            {
                return Reject(reason, detail);
            }

            if (!(model.Model.ModelId == Manifest.ModelId) || model.Model.ModelVersion != Manifest.ModelVersion)
            {
                return Reject(UpdateReasons.ManifestMismatch, "blob is " + model.Model.ModelId + " v" + model.Model.ModelVersion.ToString());
            }

            try
            {
                RaiseFloor(Manifest);
                _slots.Activate();
            }
            catch (System.Exception e)
            {
                RecoverQuietly();
                return Reject(UpdateReasons.Storage, e.Message);
            }

            Accepted = model;
            InProgress = false;
            _finished = true;
            return StatusAccepted;
        }

        /// <summary>Abandons the update in progress (its staging file is deleted).</summary>
        public void Abort()
        {
            InProgress = false;
            DeleteStaging();
        }

        private int Reject(string reason, string detail)
        {
            Reason = reason;
            Detail = detail;
            InProgress = false;
            _finished = Manifest != null;
            DeleteStaging();
            return StatusRejected;
        }

        private void DeleteStaging()
        {
            try
            {
                _storage.Delete(ModelSlots.StagingFile);
            }
            catch (System.Exception)
            {
                // Power or flash trouble: the next boot's recovery deletes it.
            }
        }

        private void RecoverQuietly()
        {
            try
            {
                _slots.Recover();
            }
            catch (System.Exception)
            {
                // Same: recovery runs again at boot.
            }
        }
    }
}
