namespace EdgeMicro.Core.Stats
{
    /// <summary>
    /// One report of a device: identification, the window's additive counters (or null), drift alarm summary and the
    /// buffered samples (or null). Written and read by <see cref="StatsFormat"/>; merged by
    /// <see cref="StatsCounters.MergeFrom"/>.
    /// </summary>
    public sealed class StatsReport
    {
        /// <summary>Number of instance fields, for heap accounting; a test checks it.</summary>
        public const int InstanceFields = 19;

        /// <summary>Gets or sets the device id.</summary>
        public string DeviceId { get; set; }

        /// <summary>Gets or sets the model id.</summary>
        public string ModelId { get; set; }

        /// <summary>Gets or sets the model version.</summary>
        public uint ModelVersion { get; set; }

        /// <summary>Gets or sets the report (window) sequence number; (DeviceId, ReportSequence) identifies a report.</summary>
        public uint ReportSequence { get; set; }

        /// <summary>Gets or sets K.</summary>
        public int ClassCount { get; set; }

        /// <summary>Gets or sets D.</summary>
        public int FeatureCount { get; set; }

        /// <summary>Gets or sets the number of Page-Hinkley alarms raised in the window.</summary>
        public int DriftAlarms { get; set; }

        /// <summary>Gets or sets the sequence number of the sample that raised the last alarm (0 when none).</summary>
        public uint LastDriftSequence { get; set; }

        /// <summary>Gets or sets the current Page-Hinkley statistic (Q15 units).</summary>
        public long DriftStatistic { get; set; }

        /// <summary>Gets or sets the number of buffer candidates rejected as near-duplicates in the window.</summary>
        public int BufferRejects { get; set; }

        /// <summary>Gets or sets the device's sample buffer slots (version 2; 0 in version-1 reports).</summary>
        public int BufferSlots { get; set; }

        /// <summary>Gets or sets how many of the buffer slots are a uniform reservoir (version 2).</summary>
        public int ReservoirSlots { get; set; }

        /// <summary>Gets or sets the additive counters, or null in a samples-only report.</summary>
        public StatsCounters Counters { get; set; }

        /// <summary>Gets or sets the buffered samples, or null in a statistics-only report.</summary>
        public BufferedSample[] Samples { get; set; }

        /// <summary>Gets or sets a value indicating whether the delivery section (boot and drop counts) is present.</summary>
        public bool HasDelivery { get; set; }

        /// <summary>Gets or sets the boot the window was counted in (delivery section): windows of different boots differ.</summary>
        public long Boot { get; set; }

        /// <summary>Gets or sets the results and labels the device's outbox dropped since boot (delivery section).</summary>
        public long DroppedResults { get; set; }

        /// <summary>Gets or sets the events the outbox dropped since boot (delivery section).</summary>
        public long DroppedEvents { get; set; }

        /// <summary>Gets or sets the statistics windows lost since boot (delivery section).</summary>
        public int DroppedWindows { get; set; }
    }
}
