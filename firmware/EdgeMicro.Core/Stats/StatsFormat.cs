using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Format;

namespace EdgeMicro.Core.Stats
{
    /// <summary>
    /// The statistics report format, version 2 (version 1 lacks the posterior sums and is still read, with them 0):
    /// compact, little-endian, CRC-checked. One layout carries the
    /// window's statistics, the buffered samples, or both (MQTT topic <c>edgemicro/&lt;deviceId&gt;/stats</c>).
    /// <code>
    /// size  field
    /// 4     magic "EMST" (45 4D 53 54)
    /// 2     format version = 2
    /// 2     flags: bit 0 = counters section present, bit 1 = samples section present, bit 2 = delivery section
    ///       present (other bits 0)
    /// 2+n   device id (u16 byte count + UTF-8)        2+n  model id (same)
    /// 4     model version                             4    report sequence (window number)
    /// 2     K classes (1..64)                         2    D features (1..1024)
    /// 4     drift alarms in window                    4    sequence of the last alarm (0 = none)
    /// 8     Page-Hinkley statistic (Q15 units)        4    buffer candidates rejected as near-duplicates
    /// 2     sample buffer slots (version 2)           2    of which reservoir slots (version 2)
    /// delivery section (devices since issue 10):
    ///   8   boot, 8 results and labels dropped by the outbox since boot, 8 events dropped, 4 windows lost
    /// counters section:
    ///   2   FB feature bins (0..64)
    ///   4   inferences, 4 labels, 4 foreign-model inferences, 4 samples in the feature statistics (every feature)
    ///   4   min sequence, 4 max sequence, 8 min timestamp ms, 8 max timestamp ms
    ///   4K predicted counts, 4*16K confidence histograms, 4*16K margin histograms, 8K confidence sums,
    ///   8K^2 Q15 posterior sums per predicted class (version 2)
    ///   4K^2 ambiguity, 4K^2 confusion, 4K^2 confident disagreement
    ///   per feature: 8 sum, 8 sum-of-squares high, 8 sum-of-squares low (unsigned), 4 min, 4 max,
    ///               4 at -128, 4 at 127
    ///   4*D*FB feature histograms
    /// samples section:
    ///   2   N samples (0..1024); per sample: 4 sequence, 8 timestamp ms, 1 predicted, 1 runner-up, 1 label (int8,
    ///       -1 = none), 1 kind, 2 margin Q15 (u16), 2 confidence Q15 (u16), 4*D raw values
    /// 4     CRC-32 (zlib) of every byte before it
    /// </code>
    /// Reading checks the CRC first, then every length and dimension before allocating; any defect is a
    /// <see cref="StatsFormatException"/>, and trailing bytes are rejected.
    /// </summary>
    public static class StatsFormat
    {
        /// <summary>Magic number ("EMST" little-endian).</summary>
        public const uint Magic = 0x54534D45;

        /// <summary>Current format version.</summary>
        public const int Version = 2;

        /// <summary>The oldest version still read (without posterior sums).</summary>
        public const int OldestVersion = 1;

        /// <summary>Largest class count accepted.</summary>
        public const int MaxClasses = 64;

        /// <summary>Largest feature count accepted.</summary>
        public const int MaxFeatures = 1024;

        /// <summary>Largest feature-bin count accepted.</summary>
        public const int MaxFeatureBins = 64;

        /// <summary>Largest sample count accepted.</summary>
        public const int MaxSamples = 1024;

        /// <summary>Serializes a report.</summary>
        /// <param name="report">The report (counters and samples may be null).</param>
        /// <returns>The bytes, CRC included.</returns>
        public static byte[] Write(StatsReport report)
        {
            ByteWriter w = new ByteWriter(false);
            WriteTo(w, report, Utf8.Encode(report.DeviceId == null ? string.Empty : report.DeviceId), Utf8.Encode(report.ModelId == null ? string.Empty : report.ModelId), null, null);
            return w.ToArray();
        }

        /// <summary>
        /// Serializes a report into a writer without allocating (the device's preallocated report): the ids come
        /// already UTF-8 encoded, and the samples either from <see cref="StatsReport.Samples"/> or, when
        /// <paramref name="source"/> is given, straight from the buffer's slots through one scratch sample.
        /// </summary>
        /// <param name="w">Writer (e.g. over a fixed buffer of <see cref="MaxBytes"/>).</param>
        /// <param name="report">Header fields and counters (its DeviceId and ModelId are not used).</param>
        /// <param name="deviceId">UTF-8 device id.</param>
        /// <param name="modelId">UTF-8 model id.</param>
        /// <param name="source">Sample buffer to write the samples from, or null.</param>
        /// <param name="scratch">Scratch sample (with a source).</param>
        /// <returns>The number of bytes written, CRC included.</returns>
        public static int WriteTo(ByteWriter w, StatsReport report, byte[] deviceId, byte[] modelId, SampleBuffer source, BufferedSample scratch)
        {
            StatsCounters c = report.Counters;
            BufferedSample[] samples = report.Samples;
            bool hasSamples = samples != null || source != null;
            w.WriteUInt32(Magic);
            w.WriteInt16(Version);
            w.WriteInt16((c != null ? 1 : 0) | (hasSamples ? 2 : 0) | (report.HasDelivery ? 4 : 0));
            w.WriteEncoded(deviceId);
            w.WriteEncoded(modelId);
            w.WriteUInt32(report.ModelVersion);
            w.WriteUInt32(report.ReportSequence);
            w.WriteInt16(report.ClassCount);
            w.WriteInt16(report.FeatureCount);
            w.WriteInt32(report.DriftAlarms);
            w.WriteUInt32(report.LastDriftSequence);
            WriteInt64(w, report.DriftStatistic);
            w.WriteInt32(report.BufferRejects);
            w.WriteInt16(report.BufferSlots);
            w.WriteInt16(report.ReservoirSlots);
            if (report.HasDelivery)
            {
                WriteInt64(w, report.Boot);
                WriteInt64(w, report.DroppedResults);
                WriteInt64(w, report.DroppedEvents);
                w.WriteInt32(report.DroppedWindows);
            }

            if (c != null)
            {
                WriteCounters(w, c);
            }

            if (source != null)
            {
                w.WriteInt16(source.Count);
                for (int i = 0; i < source.Capacity; i++)
                {
                    if (source.Fill(i, scratch))
                    {
                        WriteSample(w, scratch, report.FeatureCount);
                    }
                }
            }
            else if (samples != null)
            {
                w.WriteInt16(samples.Length);
                for (int i = 0; i < samples.Length; i++)
                {
                    WriteSample(w, samples[i], report.FeatureCount);
                }
            }

            w.WriteUInt32(w.Checksum());
            return w.Length;
        }

        /// <summary>The largest report of a statistics shape (delivery section, counters and a full buffer).</summary>
        /// <param name="k">K.</param>
        /// <param name="d">D.</param>
        /// <param name="featureBins">Feature bins.</param>
        /// <param name="slots">Sample buffer slots.</param>
        /// <param name="deviceIdBytes">UTF-8 bytes of the device id.</param>
        /// <param name="modelIdBytes">UTF-8 bytes of the model id.</param>
        /// <returns>Bytes.</returns>
        public static int MaxBytes(int k, int d, int featureBins, int slots, int deviceIdBytes, int modelIdBytes)
        {
            int header = 48 + deviceIdBytes + modelIdBytes;
            int delivery = 28;
            int counters = 2 + 40 + (4 * k) + (128 * k) + (8 * k) + (20 * k * k) + (40 * d) + (4 * d * featureBins);
            int samples = 2 + (slots * (20 + (4 * d)));
            return header + delivery + counters + samples + 4;
        }

        private static void WriteSample(ByteWriter w, BufferedSample s, int d)
        {
            w.WriteUInt32(s.Sequence);
            WriteInt64(w, s.TimestampMs);
            w.WriteByte(s.Predicted);
            w.WriteByte(s.RunnerUp);
            w.WriteByte(s.Label);
            w.WriteByte(s.Kind);
            w.WriteInt16(s.MarginQ15);
            w.WriteInt16(s.ConfidenceQ15);
            for (int f = 0; f < d; f++)
            {
                w.WriteInt32(s.Values[f]);
            }
        }

        /// <summary>Parses a report.</summary>
        /// <param name="data">Bytes.</param>
        /// <param name="offset">First byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <returns>The report.</returns>
        public static StatsReport Read(byte[] data, int offset, int count)
        {
            if (data == null || offset < 0 || count < 16 || count > data.Length - offset)
            {
                throw new StatsFormatException("statistics report: shorter than the smallest report");
            }

            StatsReader r = new StatsReader(data, offset, count);
            uint stored = new StatsReader(data, offset + count - 4, 4).ReadUInt32("crc");
            if (Crc32.Compute(data, offset, count - 4) != stored)
            {
                throw new StatsFormatException("statistics report: CRC-32 mismatch");
            }

            if (r.ReadUInt32("magic") != Magic)
            {
                throw r.Error("statistics report: bad magic");
            }

            int version = r.ReadUInt16("version");
            if (version < OldestVersion || version > Version)
            {
                throw r.Error("statistics report: unsupported version " + version.ToString());
            }

            int flags = r.ReadUInt16("flags");
            if ((flags & ~7) != 0)
            {
                throw r.Error("statistics report: unknown flags");
            }

            StatsReport report = new StatsReport();
            report.DeviceId = r.ReadString("device id");
            report.ModelId = r.ReadString("model id");
            report.ModelVersion = r.ReadUInt32("model version");
            report.ReportSequence = r.ReadUInt32("report sequence");
            report.ClassCount = Checked(r, r.ReadUInt16("class count"), 1, MaxClasses, "class count");
            report.FeatureCount = Checked(r, r.ReadUInt16("feature count"), 1, MaxFeatures, "feature count");
            report.DriftAlarms = r.ReadInt32("drift alarms");
            report.LastDriftSequence = r.ReadUInt32("last drift sequence");
            report.DriftStatistic = r.ReadInt64("drift statistic");
            report.BufferRejects = r.ReadInt32("buffer rejects");
            if (version >= 2)
            {
                report.BufferSlots = r.ReadUInt16("buffer slots");
                report.ReservoirSlots = Checked(r, r.ReadUInt16("reservoir slots"), 0, report.BufferSlots, "reservoir slots");
            }
            if ((flags & 4) != 0)
            {
                report.HasDelivery = true;
                report.Boot = r.ReadInt64("boot");
                report.DroppedResults = r.ReadInt64("dropped results");
                report.DroppedEvents = r.ReadInt64("dropped events");
                report.DroppedWindows = r.ReadInt32("dropped windows");
            }

            if ((flags & 1) != 0)
            {
                report.Counters = ReadCounters(r, report.ClassCount, report.FeatureCount, version);
            }

            if ((flags & 2) != 0)
            {
                report.Samples = ReadSamples(r, report.ClassCount, report.FeatureCount);
            }

            if (r.Remaining != 4)
            {
                throw r.Error("statistics report: " + (r.Remaining - 4).ToString() + " unexpected trailing bytes");
            }

            return report;
        }

        private static void WriteCounters(ByteWriter w, StatsCounters c)
        {
            w.WriteInt16(c.FeatureBins);
            w.WriteInt32(c.InferenceCount);
            w.WriteInt32(c.LabelCount);
            w.WriteInt32(c.ForeignCount);
            w.WriteInt32(c.FeatureSampleCount);
            w.WriteUInt32(c.MinSequence);
            w.WriteUInt32(c.MaxSequence);
            WriteInt64(w, c.MinTimestampMs);
            WriteInt64(w, c.MaxTimestampMs);
            WriteInt32s(w, c.Predicted);
            WriteInt32s(w, c.ConfidenceHistogram);
            WriteInt32s(w, c.MarginHistogram);
            for (int i = 0; i < c.ClassCount; i++)
            {
                WriteInt64(w, c.ConfidenceSum[i]);
            }

            for (int i = 0; i < c.PosteriorSum.Length; i++)
            {
                WriteInt64(w, c.PosteriorSum[i]);
            }

            WriteInt32s(w, c.Ambiguity);
            WriteInt32s(w, c.Confusion);
            WriteInt32s(w, c.ConfidentDisagreement);
            for (int f = 0; f < c.FeatureCount; f++)
            {
                WriteInt64(w, c.FeatureSum[f]);
                WriteInt64(w, c.FeatureSumSquaresHigh[f]);
                WriteInt64(w, c.FeatureSumSquaresLow[f]);
                w.WriteInt32(c.FeatureMin[f]);
                w.WriteInt32(c.FeatureMax[f]);
                w.WriteInt32(c.FeatureAtLow[f]);
                w.WriteInt32(c.FeatureAtHigh[f]);
            }

            WriteInt32s(w, c.FeatureHistogram);
        }

        private static StatsCounters ReadCounters(StatsReader r, int k, int d, int version)
        {
            int bins = Checked(r, r.ReadUInt16("feature bins"), 0, MaxFeatureBins, "feature bins");
            r.Need(40 + (4 * k) + (128 * k) + (8 * k) + ((version >= 2 ? 20 : 12) * k * k) + (40 * d) + (4 * d * bins), "counters section");
            StatsCounters c = new StatsCounters(k, d, bins);
            c.InferenceCount = r.ReadInt32("inference count");
            c.LabelCount = r.ReadInt32("label count");
            c.ForeignCount = r.ReadInt32("foreign count");
            c.FeatureSampleCount = r.ReadInt32("feature sample count");
            c.MinSequence = r.ReadUInt32("min sequence");
            c.MaxSequence = r.ReadUInt32("max sequence");
            c.MinTimestampMs = r.ReadInt64("min timestamp");
            c.MaxTimestampMs = r.ReadInt64("max timestamp");
            r.ReadInt32s(c.Predicted, "predicted counts");
            r.ReadInt32s(c.ConfidenceHistogram, "confidence histograms");
            r.ReadInt32s(c.MarginHistogram, "margin histograms");
            r.ReadInt64s(c.ConfidenceSum, "confidence sums");
            if (version >= 2)
            {
                r.ReadInt64s(c.PosteriorSum, "posterior sums");
            }
            r.ReadInt32s(c.Ambiguity, "ambiguity");
            r.ReadInt32s(c.Confusion, "confusion");
            r.ReadInt32s(c.ConfidentDisagreement, "confident disagreement");
            for (int f = 0; f < d; f++)
            {
                c.FeatureSum[f] = r.ReadInt64("feature sum");
                c.FeatureSumSquaresHigh[f] = r.ReadInt64("feature sum of squares");
                c.FeatureSumSquaresLow[f] = r.ReadInt64("feature sum of squares");
                c.FeatureMin[f] = r.ReadInt32("feature min");
                c.FeatureMax[f] = r.ReadInt32("feature max");
                c.FeatureAtLow[f] = r.ReadInt32("feature at -128");
                c.FeatureAtHigh[f] = r.ReadInt32("feature at 127");
            }

            r.ReadInt32s(c.FeatureHistogram, "feature histograms");
            return c;
        }

        private static BufferedSample[] ReadSamples(StatsReader r, int k, int d)
        {
            int n = Checked(r, r.ReadUInt16("sample count"), 0, MaxSamples, "sample count");
            r.Need(n * (20 + (4 * d)), "samples section");
            BufferedSample[] samples = new BufferedSample[n];
            for (int i = 0; i < n; i++)
            {
                BufferedSample s = new BufferedSample();
                s.Sequence = r.ReadUInt32("sample sequence");
                s.TimestampMs = r.ReadInt64("sample timestamp");
                s.Predicted = Checked(r, r.ReadByte("sample predicted"), 0, k - 1, "sample predicted class");
                s.RunnerUp = Checked(r, r.ReadByte("sample runner-up"), 0, k - 1, "sample runner-up class");
                int label = r.ReadByte("sample label");
                s.Label = label == 255 ? -1 : Checked(r, label, 0, k - 1, "sample label");
                s.Kind = Checked(r, r.ReadByte("sample kind"), 0, 1, "sample kind");
                s.MarginQ15 = Checked(r, r.ReadUInt16("sample margin"), 0, 32768, "sample margin");
                s.ConfidenceQ15 = Checked(r, r.ReadUInt16("sample confidence"), 0, 32768, "sample confidence");
                int[] values = new int[d];
                r.ReadInt32s(values, "sample values");
                s.Values = values;
                samples[i] = s;
            }

            return samples;
        }

        private static int Checked(StatsReader r, int value, int min, int max, string field)
        {
            if (value < min || value > max)
            {
                throw r.Error(field + " " + value.ToString() + " outside " + min.ToString() + ".." + max.ToString());
            }

            return value;
        }

        private static void WriteInt32s(ByteWriter w, int[] values)
        {
            for (int i = 0; i < values.Length; i++)
            {
                w.WriteInt32(values[i]);
            }
        }

        private static void WriteInt64(ByteWriter w, long value)
        {
            w.WriteInt32(unchecked((int)value));
            w.WriteInt32(unchecked((int)(value >> 32)));
        }
    }
}
