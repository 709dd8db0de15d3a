namespace EdgeMicro.Core.Device.Storage
{
    /// <summary>
    /// The one definition of every file the firmware keeps on its internal drive, used by the firmware, the virtual
    /// device (a directory stands for the drive), flashing (nanoff file deployment) and the tests:
    /// <code>
    /// I:\device.json      configuration (DeviceConfigParser)       written by `edgemicro flash model --config`
    /// I:\model.emm        active model slot                        written by `edgemicro flash model`, OTA, PUT_MODEL
    /// I:\model-prev.emm   previous model slot (rollback target)
    /// I:\model-new.emm    staging file of an update in progress
    /// I:\model-swap.emm   temporary name during a rollback
    /// I:\boot.a, boot.b   boot counter, two alternating CRC-protected copies (boot.cnt: the older single-file form)
    /// I:\floor.a, floor.b anti-rollback minimum model version, two alternating copies
    /// </code>
    /// </summary>
    public static class DeviceFiles
    {
        /// <summary>The internal drive's root on the device.</summary>
        public const string Drive = "I:\\";

        /// <summary>Configuration file.</summary>
        public const string Config = "device.json";

        /// <summary>Active model slot.</summary>
        public const string ActiveModel = "model.emm";

        /// <summary>Previous model slot.</summary>
        public const string PreviousModel = "model-prev.emm";

        /// <summary>Staging file of an update in progress.</summary>
        public const string StagingModel = "model-new.emm";

        /// <summary>Temporary name during rollback.</summary>
        public const string SwapModel = "model-swap.emm";

        /// <summary>Boot counter, first copy.</summary>
        public const string BootCounter = "boot.a";

        /// <summary>Boot counter, second copy.</summary>
        public const string BootCounterSecond = "boot.b";

        /// <summary>Boot counter of firmware before the two-copy form (read once, to count on from it).</summary>
        public const string BootCounterLegacy = "boot.cnt";

        /// <summary>Anti-rollback minimum model version, first copy.</summary>
        public const string VersionFloor = "floor.a";

        /// <summary>Anti-rollback minimum model version, second copy.</summary>
        public const string VersionFloorSecond = "floor.b";

        /// <summary>Gets the device path of a drive file, e.g. <c>I:\device.json</c>.</summary>
        /// <param name="name">One of the file names above.</param>
        /// <returns>The path on the device.</returns>
        public static string OnDrive(string name)
        {
            return Drive + name;
        }
    }
}
