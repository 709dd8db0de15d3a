using EdgeMicro.Core.Device.Ports;

namespace EdgeMicro.Core.Device.Storage
{
    /// <summary>
    /// Counts boots on the drive, so (boot, seq) identifies every message across reboots and deep sleep. The number is
    /// persisted and read back BEFORE it is used (<see cref="RecordSlots"/>: two alternating CRC-protected copies, so a
    /// torn write at any byte, or a cut anywhere, keeps the last stored number), hence a number is never used twice.
    /// When storage fails, the boot gets a random nonce at or above <see cref="NonceBase"/> instead of a count: the
    /// host still tells its messages apart from every other boot's, and the next boot that can write counts on from
    /// the last stored number (which was never used).
    /// </summary>
    public static class BootCounter
    {
        /// <summary>First counter copy.</summary>
        public const string File = DeviceFiles.BootCounter;

        /// <summary>Second counter copy.</summary>
        public const string SecondFile = DeviceFiles.BootCounterSecond;

        /// <summary>Counter file of firmware before the two-copy format (read once, so the count goes on).</summary>
        public const string LegacyFile = DeviceFiles.BootCounterLegacy;

        /// <summary>Boot numbers at or above this are random nonces of boots whose count could not be stored.</summary>
        public const long NonceBase = 4294967296L;

        /// <summary>Reads, increments, stores and verifies the counter.</summary>
        /// <param name="storage">The drive.</param>
        /// <param name="platform">For logging.</param>
        /// <returns>This boot's number (1 on a fresh drive), or a nonce (≥ <see cref="NonceBase"/>) when storage fails.</returns>
        public static long Next(IModelStorage storage, IRuntimePlatform platform)
        {
            RecordSlots slots = new RecordSlots(storage, File, SecondFile, 0);
            try
            {
                slots.Load();
                uint last = slots.Sequence;
                uint legacy = Legacy(storage);
                if (legacy > last)
                {
                    last = legacy;
                }

                if (last == uint.MaxValue)
                {
                    throw new System.Exception("boot counter exhausted");
                }

                slots.Save(new byte[0], last + 1);
                return slots.Sequence;
            }
            catch (System.Exception e)
            {
                long nonce = NonceBase + new System.Random().Next();
                platform.Log("boot counter: " + e.Message + "; this boot uses the random nonce " + nonce.ToString());
                return nonce;
            }
        }

        private static uint Legacy(IModelStorage storage)
        {
            if (!storage.Exists(LegacyFile))
            {
                return 0;
            }

            byte[] d = storage.Read(LegacyFile);
            if (d.Length != 8)
            {
                return 0;
            }

            for (int i = 0; i < 4; i++)
            {
                if (unchecked((byte)~d[i]) != d[i + 4])
                {
                    return 0;
                }
            }

            return RecordSlots.Get(d, 0);
        }
    }
}
