namespace EdgeMicro.Core.Stats
{
    /// <summary>The content hash that picks the feature-statistics subsample of <see cref="DeviceStatistics"/>: a function of
    /// the reading alone, so every device picks the same readings and the subsample merges exactly.</summary>
    public static class ContentHash
    {
        /// <summary>
        /// The 32-bit content hash that picks the samples of the feature statistics: FNV-1a over the raw values
        /// (each as one 32-bit word) followed by a murmur3-style finalizer so that the low bits are well mixed.
        /// </summary>
        /// <param name="sample">Raw sample.</param>
        /// <param name="count">Values to hash.</param>
        /// <returns>The hash.</returns>
        public static uint Of(int[] sample, int count)
        {
            unchecked
            {
                uint h = 2166136261;
                int f = 0;
                for (; f + 1 < count; f += 2)
                {
                    h = (((h ^ (uint)sample[f]) * 16777619) ^ (uint)sample[f + 1]) * 16777619;
                }

                if (f < count)
                {
                    h = (h ^ (uint)sample[f]) * 16777619;
                }

                h ^= h >> 16;
                h *= 0x85EBCA6B;
                h ^= h >> 13;
                h *= 0xC2B2AE35;
                h ^= h >> 16;
                return h;
            }
        }
    }
}
