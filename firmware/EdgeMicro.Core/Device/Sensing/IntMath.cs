namespace EdgeMicro.Core.Device.Sensing
{
    /// <summary>Integer helpers (nanoFramework's mscorlib has no System.Math).</summary>
    public static class IntMath
    {
        /// <summary>Rounded square root of a non-negative 64-bit value (bit-by-bit, exact).</summary>
        /// <param name="value">Value (negative gives 0).</param>
        /// <returns>round(sqrt(value)).</returns>
        public static long Sqrt(long value)
        {
            if (value <= 0)
            {
                return 0;
            }

            ulong v = (ulong)value, root = 0, bit = 1UL << 62;
            while (bit > v)
            {
                bit >>= 2;
            }

            while (bit != 0)
            {
                if (v >= root + bit)
                {
                    v -= root + bit;
                    root = (root >> 1) + bit;
                }
                else
                {
                    root >>= 1;
                }

                bit >>= 2;
            }

            // v now holds value - root^2; round up when value >= (root + 0.5)^2, i.e. v > root.
            return (long)(v > root ? root + 1 : root);
        }
    }
}
