namespace EdgeMicro.Core.Stats
{
    /// <summary>One raw sample kept by the device's <see cref="SampleBuffer"/>, as reported to the host.</summary>
    public sealed class BufferedSample
    {
        /// <summary>Kind of a sample selected as uncertain (low margin).</summary>
        public const int KindUncertain = 0;

        /// <summary>Number of instance fields, for heap accounting; a test checks it.</summary>
        public const int InstanceFields = 9;

        /// <summary>Kind of a sample drawn by uniform reservoir sampling.</summary>
        public const int KindRandom = 1;

        /// <summary>Gets or sets the device-wide sample sequence number.</summary>
        public uint Sequence { get; set; }

        /// <summary>Gets or sets the device time in milliseconds.</summary>
        public long TimestampMs { get; set; }

        /// <summary>Gets or sets the predicted class.</summary>
        public int Predicted { get; set; }

        /// <summary>Gets or sets the runner-up class.</summary>
        public int RunnerUp { get; set; }

        /// <summary>Gets or sets the true class when a person labelled the sample, else -1.</summary>
        public int Label { get; set; }

        /// <summary>Gets or sets the Q15 top-1/top-2 margin.</summary>
        public int MarginQ15 { get; set; }

        /// <summary>Gets or sets the Q15 top-1 confidence.</summary>
        public int ConfidenceQ15 { get; set; }

        /// <summary>Gets or sets <see cref="KindUncertain"/> or <see cref="KindRandom"/>.</summary>
        public int Kind { get; set; }

        /// <summary>Gets or sets the raw values, Q(InputFractionBits).</summary>
        public int[] Values { get; set; }
    }
}
