using EdgeMicro.Core.Device.Ports;

namespace EdgeMicro.Core.Device.Storage
{
    /// <summary>
    /// Counts boots on the drive, so (boot, seq) identifies every message across reboots and deep sleep. Stored as
    /// 4 bytes little-endian plus their complement; written to a temporary file and renamed, so a power cut keeps
    /// either the old or the new value.
    /// </summary>
    public static class BootCounter
    {
        /// <summary>Counter file.</summary>
        public const string File = DeviceFiles.BootCounter;

        /// <summary>Temporary file while writing.</summary>
        public const string TempFile = DeviceFiles.BootCounterTemp;

        /// <summary>Reads, increments and stores the counter.</summary>
        /// <param name="storage">The drive.</param>
        /// <param name="platform">For logging.</param>
        /// <returns>This boot's number (1 on a fresh drive); still a number when storage fails.</returns>
        public static long Next(IModelStorage storage, IRuntimePlatform platform)
        {
            long value = 0;
            try
            {
                if (!storage.Exists(File) && storage.Exists(TempFile))
                {
                    storage.Rename(TempFile, File);
                }

                if (storage.Exists(File))
                {
                    value = Decode(storage.Read(File));
                }

                value++;
                byte[] data = new byte[8];
                uint v = (uint)value;
                for (int i = 0; i < 4; i++)
                {
                    data[i] = unchecked((byte)(v >> (8 * i)));
                    data[i + 4] = unchecked((byte)~data[i]);
                }

                storage.Delete(TempFile);
                storage.Write(TempFile, data, 0, 8);
                storage.Delete(File);
                storage.Rename(TempFile, File);
            }
            catch (System.Exception e)
            {
                platform.Log("boot counter: " + e.Message);
                if (value == 0)
                {
                    value = 1;
                }
            }

            return value;
        }

        private static long Decode(byte[] d)
        {
            if (d.Length != 8)
            {
                return 0;
            }

            uint v = 0;
            for (int i = 0; i < 4; i++)
            {
                if (unchecked((byte)~d[i]) != d[i + 4])
                {
                    return 0;
                }

                v |= (uint)d[i] << (8 * i);
            }

            return v;
        }
    }
}
