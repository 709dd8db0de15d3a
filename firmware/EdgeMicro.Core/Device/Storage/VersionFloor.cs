using EdgeMicro.Core.Device.Ports;

namespace EdgeMicro.Core.Device.Storage
{
    /// <summary>
    /// Anti-rollback: the lowest model version the device still installs, persisted (<see cref="RecordSlots"/>)
    /// and monotonic except through the <c>rollback</c> command or one signed downgrade. Also remembers the update id
    /// of the last signed downgrade, so replaying that manifest does not downgrade twice.
    /// </summary>
    public sealed class VersionFloor
    {
        /// <summary>First record copy.</summary>
        public const string File = DeviceFiles.VersionFloor;

        /// <summary>Second record copy.</summary>
        public const string SecondFile = DeviceFiles.VersionFloorSecond;

        private readonly RecordSlots _slots;

        /// <summary>Initializes a new instance of the <see cref="VersionFloor"/> class and loads the stored floor.</summary>
        /// <param name="storage">The drive.</param>
        /// <param name="running">Version of the model loaded from a slot at boot, or 0: the floor is at least that.</param>
        public VersionFloor(IModelStorage storage, uint running)
        {
            _slots = new RecordSlots(storage, File, SecondFile, 8);
            if (_slots.Load())
            {
                Stored = RecordSlots.Get(_slots.Payload, 0);
                LastDowngradeId = RecordSlots.Get(_slots.Payload, 4);
            }

            Floor = Stored > running ? Stored : running;
        }

        /// <summary>Gets the floor: versions below it are refused.</summary>
        public uint Floor { get; private set; }

        /// <summary>Gets the floor as stored on the drive (0 when none).</summary>
        public uint Stored { get; private set; }

        /// <summary>Gets the update id of the last signed downgrade (0 when none).</summary>
        public uint LastDowngradeId { get; private set; }

        /// <summary>Tells whether an authenticated manifest's version may be installed.</summary>
        /// <param name="version">Its model version.</param>
        /// <param name="downgradeFrom">Its signed downgrade floor (0: none).</param>
        /// <param name="updateId">Its update id.</param>
        /// <returns>True when allowed.</returns>
        public bool Allows(uint version, uint downgradeFrom, uint updateId)
        {
            return version >= Floor || (downgradeFrom != 0 && downgradeFrom == Floor && updateId != LastDowngradeId);
        }

        /// <summary>Stores the floor of a model about to be activated (before the switch, so a cut cannot lose it).</summary>
        /// <param name="version">Its version.</param>
        /// <param name="downgradeId">Update id when this is a signed downgrade, else 0.</param>
        /// <exception cref="System.Exception">Storage failed; the floor is unchanged.</exception>
        public void Set(uint version, uint downgradeId)
        {
            byte[] p = new byte[8];
            RecordSlots.Put(p, 0, version);
            RecordSlots.Put(p, 4, downgradeId == 0 ? LastDowngradeId : downgradeId);
            _slots.Save(p, _slots.Sequence + 1);
            Floor = version;
            Stored = version;
            LastDowngradeId = RecordSlots.Get(p, 4);
        }
    }
}
