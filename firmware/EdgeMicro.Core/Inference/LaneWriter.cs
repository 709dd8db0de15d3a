namespace EdgeMicro.Core.Inference
{
    /// <summary>
    /// Splits a SWAR accumulator into its lanes (exact sign extension, see <see cref="SwarPacker"/>) and requantizes
    /// each real row. Rows past the end of the group are padding and are skipped.
    /// </summary>
    public static class LaneWriter
    {
        /// <summary>Extracts lanes and stores rows firstRow.. (at most Lanes of them, below rowEnd).</summary>
        /// <param name="p">Prepared layer.</param>
        /// <param name="acc">Packed accumulator.</param>
        /// <param name="firstRow">Output channel of lane 0.</param>
        /// <param name="rowEnd">First output channel not in this group of rows.</param>
        /// <param name="output">Destination.</param>
        /// <param name="channelStride">Distance between channels in <paramref name="output"/> (H*W for conv).</param>
        /// <param name="position">Spatial position added to each index.</param>
        public static void Write(PreparedLayer p, long acc, int firstRow, int rowEnd, sbyte[] output, int channelStride, int position)
        {
            unchecked
            {
                if (p.Lanes == 3)
                {
                    long l0 = (acc << 43) >> 43;
                    acc = (acc - l0) >> 21;
                    long l1 = (acc << 43) >> 43;
                    long l2 = (acc - l1) >> 21;
                    Requantizer.Store(p, l0, firstRow, output, (firstRow * channelStride) + position);
                    if (firstRow + 1 < rowEnd)
                    {
                        Requantizer.Store(p, l1, firstRow + 1, output, ((firstRow + 1) * channelStride) + position);
                        if (firstRow + 2 < rowEnd)
                        {
                            Requantizer.Store(p, l2, firstRow + 2, output, ((firstRow + 2) * channelStride) + position);
                        }
                    }
                }
                else
                {
                    long l0 = (acc << 32) >> 32;
                    long l1 = (acc - l0) >> 32;
                    Requantizer.Store(p, l0, firstRow, output, (firstRow * channelStride) + position);
                    if (firstRow + 1 < rowEnd)
                    {
                        Requantizer.Store(p, l1, firstRow + 1, output, ((firstRow + 1) * channelStride) + position);
                    }
                }
            }
        }
    }
}
