using EdgeMicro.Core.Format;
using EdgeMicro.Core.Model;

namespace EdgeMicro.Core.Stats
{
    /// <summary>
    /// The statistics report of one <see cref="DeviceStatistics"/>, preallocated at its largest size
    /// (<see cref="StatsFormat.MaxBytes"/>: delivery section, counters and a full sample buffer) so that closing a window
    /// allocates nothing: the header object, one scratch sample and the writer are reused, the samples are written
    /// straight from the buffer's slots. Counted in <see cref="DeviceStatistics.HeapBytes"/>.
    /// </summary>
    public sealed class ReportBuffer
    {
        /// <summary>Number of instance fields, for <see cref="HeapBytes"/>; a test checks it.</summary>
        public const int InstanceFields = 5;

        /// <summary>Longest device id in UTF-8 bytes the buffer has room for (device ids are 1-23 characters).</summary>
        public const int MaxDeviceIdBytes = 23;

        private readonly byte[] _bytes;
        private readonly ByteWriter _writer;
        private readonly StatsReport _header;
        private readonly BufferedSample _scratch;
        private readonly byte[] _modelId;

        /// <summary>Initializes a new instance of the <see cref="ReportBuffer"/> class.</summary>
        /// <param name="modelId">Model id.</param>
        /// <param name="classCount">K.</param>
        /// <param name="featureCount">D.</param>
        /// <param name="featureBins">Feature bins (0 without reference edges).</param>
        /// <param name="slots">Sample buffer slots.</param>
        public ReportBuffer(string modelId, int classCount, int featureCount, int featureBins, int slots)
        {
            _modelId = Utf8.Encode(modelId == null ? string.Empty : modelId);
            _bytes = new byte[StatsFormat.MaxBytes(classCount, featureCount, featureBins, slots, MaxDeviceIdBytes, _modelId.Length)];
            _writer = new ByteWriter(_bytes);
            _header = new StatsReport();
            _scratch = new BufferedSample();
        }

        /// <summary>Gets the buffer; a report occupies its first bytes (the length <see cref="Write"/> returns).</summary>
        public byte[] Bytes
        {
            get { return _bytes; }
        }

        /// <summary>Gets the reused header (the caller fills its fields before <see cref="Write"/>).</summary>
        public StatsReport Header
        {
            get { return _header; }
        }

        /// <summary>Gets the managed-heap bytes of the buffer, its writer, header, scratch sample and encoded model id.</summary>
        public int HeapBytes
        {
            get
            {
                return HeapSize.Object(InstanceFields) + HeapSize.Array(_bytes.Length, 1) + HeapSize.Object(ByteWriter.InstanceFields)
                    + HeapSize.Object(StatsReport.InstanceFields) + HeapSize.Object(BufferedSample.InstanceFields) + HeapSize.Array(_modelId.Length, 1);
            }
        }

        /// <summary>Writes the report from <see cref="Header"/> and the buffer's samples into <see cref="Bytes"/> (allocates nothing).</summary>
        /// <param name="deviceId">UTF-8 device id (at most <see cref="MaxDeviceIdBytes"/>).</param>
        /// <param name="samples">The sample buffer.</param>
        /// <returns>The report length.</returns>
        public int Write(byte[] deviceId, SampleBuffer samples)
        {
            _writer.Reset();
            return StatsFormat.WriteTo(_writer, _header, deviceId, _modelId, samples, _scratch);
        }
    }
}
