namespace EdgeMicro.Core.Device.Sensing
{
    /// <summary>
    /// AMG8833-class 8x8 thermal array: 64 pixels read from register 0x80 as 128 bytes, each a little-endian 12-bit
    /// two's-complement value in units of 0.25 degC. Converted here to degC in Q(fractionBits), row-major.
    /// </summary>
    public static class ThermalFrame
    {
        /// <summary>Pixels per frame.</summary>
        public const int Pixels = 64;

        /// <summary>First pixel register.</summary>
        public const int PixelRegister = 0x80;

        /// <summary>Bytes per frame.</summary>
        public const int FrameBytes = 128;

        /// <summary>Converts a raw frame.</summary>
        /// <param name="raw">128 bytes as read.</param>
        /// <param name="fractionBits">F (0..16).</param>
        /// <param name="sample">Destination, 64 values.</param>
        public static void Convert(byte[] raw, int fractionBits, int[] sample)
        {
            for (int i = 0; i < Pixels; i++)
            {
                int v = raw[2 * i] | ((raw[(2 * i) + 1] & 0x0F) << 8);
                if ((v & 0x800) != 0)
                {
                    v -= 0x1000;
                }

                // v quarter-degrees = v * 2^F / 4 in Q(F); rounded half away from zero like the host's RawSamples.
                long scaled = (long)v << fractionBits;
                sample[i] = (int)(scaled >= 0 ? (scaled + 2) >> 2 : -((-scaled + 2) >> 2));
            }
        }
    }
}
