// CRC-32/ISO-HDLC (the zlib, PNG and Ethernet CRC): reflected polynomial 0xEDB88320, initial value 0xFFFFFFFF,
// final XOR 0xFFFFFFFF. Check value: Crc32.Compute of ASCII "123456789" is 0xCBF43926.
// Table-driven, one 256-entry uint table (1 KiB of RAM) built on first use.
namespace EdgeMicro.Core.Checksums
{
    /// <summary>CRC-32 (zlib/IEEE 802.3) over bytes, incremental.</summary>
    public static class Crc32
    {
        /// <summary>Value to start an incremental computation with.</summary>
        public const uint Initial = 0xFFFFFFFF;

        private static uint[] s_table;

        /// <summary>Computes the CRC of a whole buffer.</summary>
        /// <param name="data">Bytes.</param>
        /// <returns>The finished CRC.</returns>
        public static uint Compute(byte[] data)
        {
            return Finish(Update(Initial, data, 0, data.Length));
        }

        /// <summary>Computes the CRC of part of a buffer.</summary>
        /// <param name="data">Bytes.</param>
        /// <param name="offset">First byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <returns>The finished CRC.</returns>
        public static uint Compute(byte[] data, int offset, int count)
        {
            return Finish(Update(Initial, data, offset, count));
        }

        /// <summary>Feeds bytes into a running (unfinished) CRC.</summary>
        /// <param name="crc">Running value (start with <see cref="Initial"/>).</param>
        /// <param name="data">Bytes.</param>
        /// <param name="offset">First byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <returns>The new running value.</returns>
        public static uint Update(uint crc, byte[] data, int offset, int count)
        {
            uint[] table = Table();
            int end = offset + count;
            for (int i = offset; i < end; i++)
            {
                crc = table[(crc ^ data[i]) & 0xFF] ^ (crc >> 8);
            }

            return crc;
        }

        /// <summary>Turns a running value into the CRC.</summary>
        /// <param name="crc">Running value.</param>
        /// <returns>The CRC.</returns>
        public static uint Finish(uint crc)
        {
            return crc ^ 0xFFFFFFFF;
        }

        private static uint[] Table()
        {
            uint[] table = s_table;
            if (table != null)
            {
                return table;
            }

            table = new uint[256];
            for (uint n = 0; n < 256; n++)
            {
                uint c = n;
                for (int k = 0; k < 8; k++)
                {
                    c = (c & 1) != 0 ? 0xEDB88320 ^ (c >> 1) : c >> 1;
                }

                table[n] = c;
            }

            s_table = table;
            return table;
        }
    }
}
