namespace EdgeMicro.Core.Model
{
    /// <summary>
    /// Layer kinds as stored in blobs and weight tables. Integer constants rather than an enum: nanoFramework's
    /// enum.ToString() prints numbers, and the wire value is the single source of truth (see <see cref="Name"/>).
    /// </summary>
    public static class LayerKind
    {
        /// <summary>Fully connected layer (int8 weights per output channel, int32 bias).</summary>
        public const int Dense = 1;

        /// <summary>2-D convolution (1-D convolutions have height 1), with groups.</summary>
        public const int Conv = 2;

        /// <summary>Max pooling; output scale equals input scale.</summary>
        public const int MaxPool = 3;

        /// <summary>Average pooling; output scale equals input scale.</summary>
        public const int AveragePool = 4;

        /// <summary>Human-readable name of a kind.</summary>
        /// <param name="kind">A kind value.</param>
        /// <returns>The name, or "unknown".</returns>
        public static string Name(int kind)
        {
            switch (kind)
            {
                case Dense: return "Dense";
                case Conv: return "Conv";
                case MaxPool: return "MaxPool";
                case AveragePool: return "AveragePool";
                default: return "unknown";
            }
        }
    }
}
