using EdgeMicro.Core.Device.Storage;

namespace EdgeMicro.Core.Device.Update
{
    /// <summary>
    /// The gate every manifest passes before it may change anything (MQTT and the serial link alike): well-formed,
    /// HMAC of the fleet key over every field (<see cref="UpdateMessages.SignedBytes"/>), addressed to this device or
    /// the fleet, and at or above the anti-rollback floor unless it is the signed downgrade for exactly this floor.
    /// </summary>
    public sealed partial class ModelUpdater
    {
        /// <summary>Gets the anti-rollback floor: manifests of lower versions are refused.</summary>
        public uint Floor
        {
            get { return _floor.Floor; }
        }

        /// <summary>Gets the reason code of the last refused manifest.</summary>
        public string RefusalReason { get; private set; }

        /// <summary>Gets the detail of the last refused manifest.</summary>
        public string RefusalDetail { get; private set; }

        /// <summary>Gets the update id the last refused manifest claims (unverified when not authentic), or -1 if unreadable.</summary>
        public long RefusedUpdateId { get; private set; }

        /// <summary>Gets the last refused manifest if it was authentic (then its verdict may be reported), else null.</summary>
        public UpdateManifest Refused { get; private set; }

        /// <summary>Lowers the floor to the model the explicit <c>rollback</c> command made active.</summary>
        /// <param name="version">Its version.</param>
        /// <exception cref="System.Exception">Storage failed; the floor is unchanged.</exception>
        public void RollBackFloor(uint version)
        {
            if (version < _floor.Floor)
            {
                _floor.Set(version, 0);
            }
        }

        /// <summary>Parses and admits a manifest; on refusal sets the Refusal properties and returns null.</summary>
        /// <param name="payload">Manifest bytes.</param>
        /// <returns>The admitted manifest, or null.</returns>
        public UpdateManifest Admit(byte[] payload)
        {
            UpdateManifest m;
            try
            {
                m = UpdateMessages.ReadManifest(payload, _maxBlobBytes);
            }
            catch (System.Exception e)
            {
                RefusedUpdateId = -1;
                Refuse(UpdateReasons.BadManifest, e.Message, null);
                return null;
            }

            RefusedUpdateId = m.UpdateId;
            if (!UpdateMessages.IsAuthentic(m, _mac))
            {
                Refuse(UpdateReasons.Signature, "manifest HMAC-SHA256 does not match the fleet key", null);
                return null;
            }

            if (!(m.Target == UpdateMessages.AnyDevice) && !(m.Target == _deviceId))
            {
                Refuse(UpdateReasons.WrongTarget, "manifest is for " + m.Target, m);
                return null;
            }

            if (!_floor.Allows(m.ModelVersion, m.DowngradeFrom, m.UpdateId))
            {
                Refuse(UpdateReasons.Rollback, "v" + m.ModelVersion.ToString() + " is below the anti-rollback floor v" + _floor.Floor.ToString(), m);
                return null;
            }

            return m;
        }

        private int Refuse(string reason, string detail, UpdateManifest authentic)
        {
            RefusalReason = reason;
            RefusalDetail = detail;
            Refused = authentic;
            return StatusRefused;
        }

        private void RaiseFloor(UpdateManifest m)
        {
            bool downgrade = m.ModelVersion < _floor.Floor;
            if (downgrade || m.ModelVersion > _floor.Floor || _floor.Stored != _floor.Floor)
            {
                _floor.Set(m.ModelVersion, downgrade ? m.UpdateId : 0);
            }
        }
    }
}
