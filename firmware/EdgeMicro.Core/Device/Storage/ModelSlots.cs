using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Core.Device.Update;

namespace EdgeMicro.Core.Device.Storage
{
    /// <summary>
    /// The two model slots on the drive and the rename sequences that switch them, designed so that a power cut
    /// between any two storage operations leaves files from which <see cref="Recover"/> restores a consistent state
    /// and boot finds a valid model (renames and deletes are atomic, see <see cref="IModelStorage"/>):
    /// <code>
    /// activate: delete previous; rename active -> previous; rename staging -> active
    /// rollback: rename active -> swap; rename previous -> active; rename swap -> previous
    /// recover:  delete staging; if no active: rename previous -> active; if swap: rename it to previous if free, else delete it
    /// </code>
    /// A cut during activation keeps the old model (the staging file is discarded, the old model returns to the
    /// active slot); a cut during rollback completes the rollback.
    /// </summary>
    public sealed class ModelSlots
    {
        /// <summary>Active slot file.</summary>
        public const string ActiveFile = DeviceFiles.ActiveModel;

        /// <summary>Previous slot file.</summary>
        public const string PreviousFile = DeviceFiles.PreviousModel;

        /// <summary>Staging file of an update in progress.</summary>
        public const string StagingFile = DeviceFiles.StagingModel;

        /// <summary>Temporary name during rollback.</summary>
        public const string SwapFile = DeviceFiles.SwapModel;

        private readonly IModelStorage _storage;

        /// <summary>Initializes a new instance of the <see cref="ModelSlots"/> class.</summary>
        /// <param name="storage">The drive.</param>
        public ModelSlots(IModelStorage storage)
        {
            _storage = storage;
        }

        /// <summary>Gets the drive.</summary>
        public IModelStorage Storage
        {
            get { return _storage; }
        }

        /// <summary>Repairs what an interrupted activation or rollback left (idempotent; safe to cut again).</summary>
        public void Recover()
        {
            if (_storage.Exists(StagingFile))
            {
                _storage.Delete(StagingFile);
            }

            if (!_storage.Exists(ActiveFile) && _storage.Exists(PreviousFile))
            {
                _storage.Rename(PreviousFile, ActiveFile);
            }

            if (_storage.Exists(SwapFile))
            {
                if (_storage.Exists(PreviousFile))
                {
                    _storage.Delete(SwapFile);
                }
                else
                {
                    _storage.Rename(SwapFile, PreviousFile);
                }
            }
        }

        /// <summary>Makes the verified staging file the active model; the active one becomes previous.</summary>
        public void Activate()
        {
            if (_storage.Exists(PreviousFile))
            {
                _storage.Delete(PreviousFile);
            }

            if (_storage.Exists(ActiveFile))
            {
                _storage.Rename(ActiveFile, PreviousFile);
            }

            _storage.Rename(StagingFile, ActiveFile);
        }

        /// <summary>Swaps active and previous (the caller has verified the previous model).</summary>
        public void SwapActiveAndPrevious()
        {
            _storage.Rename(ActiveFile, SwapFile);
            _storage.Rename(PreviousFile, ActiveFile);
            _storage.Rename(SwapFile, PreviousFile);
        }

        /// <summary>
        /// Chooses the model to run at boot: after <see cref="Recover"/>, the active slot if it passes
        /// <see cref="ModelCheck"/>, else the previous slot, else the compiled-in model. Never throws for storage
        /// trouble; every skipped candidate is logged with the reason.
        /// </summary>
        /// <param name="compiled">The compiled-in model (its weight table CRC already verified).</param>
        /// <param name="requiredFeatures">Sensor feature count, or 0.</param>
        /// <param name="platform">For logging.</param>
        /// <returns>The model to run.</returns>
        public ActiveModel SelectAtBoot(ActiveModel compiled, int requiredFeatures, IRuntimePlatform platform)
        {
            try
            {
                Recover();
            }
            catch (System.Exception e)
            {
                platform.Log("model slots: recovery failed: " + e.Message);
            }

            ActiveModel m = TryLoad(ActiveFile, ActiveModel.SourceActive, requiredFeatures, platform);
            if (m == null)
            {
                m = TryLoad(PreviousFile, ActiveModel.SourcePrevious, requiredFeatures, platform);
            }

            return m == null ? compiled : m;
        }

        /// <summary>Loads and verifies the model in a slot.</summary>
        /// <param name="file">Slot file.</param>
        /// <param name="source">Source to record.</param>
        /// <param name="requiredFeatures">Sensor feature count, or 0.</param>
        /// <param name="platform">For logging.</param>
        /// <returns>The model, or null (logged).</returns>
        public ActiveModel TryLoad(string file, int source, int requiredFeatures, IRuntimePlatform platform)
        {
            byte[] data;
            try
            {
                if (!_storage.Exists(file))
                {
                    return null;
                }

                data = _storage.Read(file);
            }
            catch (System.Exception e)
            {
                platform.Log("model slots: cannot read " + file + ": " + e.Message);
                return null;
            }

            string reason, detail;
            ActiveModel m = ModelCheck.Load(data, requiredFeatures, source, out reason, out detail);
            if (m == null)
            {
                platform.Log("model slots: " + file + " rejected: " + reason + ": " + detail);
            }

            return m;
        }
    }
}
