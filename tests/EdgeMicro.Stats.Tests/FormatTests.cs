using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Stats;

namespace EdgeMicro.Stats.Tests;

public sealed class FormatTests
{
    private static byte[] SampleReport(int seed, bool counters = true, bool samples = true)
    {
        var random = new Random(seed);
        Classifier classifier = DigitsModel.NewClassifier();
        var stats = new DeviceStatistics(DigitsModel.Blob, (uint)seed);
        Streams.Replay(classifier, stats, Streams.Draw(DigitsModel.TestLabels, Streams.LongTail(10, 0.1, random), 300, random), 5, 3);
        return StatsFormat.Write(stats.CreateReport("device-" + seed, counters, samples));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Read_WhenGivenWrittenReport_RoundTripsByteForByte(bool counters, bool samples)
    {
        byte[] bytes = SampleReport(3, counters, samples);

        StatsReport report = StatsFormat.Read(bytes, 0, bytes.Length);

        Assert.Equal(bytes, StatsFormat.Write(report));
        Assert.Equal("device-3", report.DeviceId);
        Assert.Equal(counters, report.Counters != null);
        Assert.Equal(samples, report.Samples is { Length: > 0 });
    }

    [Fact]
    public void Read_WhenVersion1Report_ReadsItWithoutPosteriorSumsOrBufferSizes()
    {
        // A version-1 report (stored before issue 11) is the version-2 layout without the 4 buffer-size bytes and the
        // 8 K^2 posterior sums; it must still be read, with those fields 0, and the host must not use the sums.
        var random = new Random(8);
        Classifier classifier = DigitsModel.NewClassifier();
        var stats = new DeviceStatistics(DigitsModel.Blob, 8);
        Streams.Replay(classifier, stats, Streams.Draw(DigitsModel.TestLabels, Streams.LongTail(10, 0.1, random), 200, random), 0, 5);
        StatsReport report = stats.CreateReport("dev", true, false);
        byte[] v2 = StatsFormat.Write(report);
        int k = report.ClassCount;
        int header = 4 + 2 + 2 + (2 + 3) + (2 + report.ModelId.Length) + 4 + 4 + 2 + 2 + 4 + 4 + 8 + 4;
        int sums = header + 4 + 2 + 40 + (4 * k) + (128 * k) + (8 * k);
        var v1 = v2[..header].Concat(v2[(header + 4)..sums]).Concat(v2[(sums + (8 * k * k))..^4]).ToArray();
        v1[4] = 1;
        v1 = v1.Concat(BitConverter.GetBytes(Crc32.Compute(v1, 0, v1.Length))).ToArray();

        StatsReport old = StatsFormat.Read(v1, 0, v1.Length);

        Assert.Equal((0, 0), (old.BufferSlots, old.ReservoirSlots));
        Assert.All(old.Counters.PosteriorSum, v => Assert.Equal(0, v));
        Assert.Equal(report.Counters.ConfidenceHistogram, old.Counters.ConfidenceHistogram);
        Assert.Equal(report.Counters.FeatureHistogram, old.Counters.FeatureHistogram);
        Assert.Null(EdgeMicro.Fleet.Balancing.PriorEstimator.PosteriorSums(old.Counters));
        Assert.NotNull(EdgeMicro.Fleet.Balancing.PriorEstimator.PosteriorSums(report.Counters));
        Assert.Equal((DeviceStatistics.DefaultCapacity, DeviceStatistics.DefaultReservoirSlots), (report.BufferSlots, report.ReservoirSlots));
    }

    [Fact]
    public void Read_WhenAnySingleBitIsFlipped_ThrowsStatsFormatException()
    {
        byte[] bytes = SampleReport(4);
        var random = new Random(4);
        for (int trial = 0; trial < 2000; trial++)
        {
            byte[] copy = (byte[])bytes.Clone();
            int bit = random.Next(copy.Length * 8);
            copy[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Throws<StatsFormatException>(() => StatsFormat.Read(copy, 0, copy.Length));
        }
    }

    [Fact]
    public void Read_WhenTruncatedAnywhere_ThrowsStatsFormatException()
    {
        byte[] bytes = SampleReport(5, true, false);
        for (int n = 0; n < bytes.Length; n++)
        {
            Assert.Throws<StatsFormatException>(() => StatsFormat.Read(bytes, 0, n));
        }
    }

    [Fact]
    public void Read_WhenCorruptedButCrcRecomputed_ThrowsOnlyStatsFormatException()
    {
        // Structure fuzzing behind a valid CRC: the reader's own bounds checks must catch everything.
        byte[] bytes = SampleReport(6);
        var random = new Random(6);
        int rejected = 0;
        for (int trial = 0; trial < 3000; trial++)
        {
            byte[] copy = (byte[])bytes.Clone();
            int header = Math.Min(copy.Length - 4, 80);
            for (int m = random.Next(1, 4); m > 0; m--)
            {
                int at = trial % 2 == 0 ? random.Next(header) : random.Next(copy.Length - 4);
                copy[at] = (byte)random.Next(256);
            }

            int length = trial % 5 == 0 ? random.Next(16, copy.Length) : copy.Length;
            uint crc = Crc32.Compute(copy, 0, length - 4);
            BitConverter.TryWriteBytes(copy.AsSpan(length - 4), crc);
            try
            {
                StatsFormat.Read(copy, 0, length);
            }
            catch (StatsFormatException)
            {
                rejected++;
            }
        }

        Assert.True(rejected > 1000, "only " + rejected + " mutations were rejected");
    }
}
