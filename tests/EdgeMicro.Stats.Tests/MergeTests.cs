using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Stats;

namespace EdgeMicro.Stats.Tests;

public sealed class MergeTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(7, 5)]
    [InlineData(42, 11)]
    public void Merge_WhenDevicesSplitAStream_EqualsStatisticsOfTheConcatenatedStream(int seed, int devices)
    {
        var random = new Random(seed);
        Classifier classifier = DigitsModel.NewClassifier();
        int k = classifier.Model.ClassCount, d = classifier.Model.FeatureCount;
        var whole = new DeviceStatistics(DigitsModel.Blob, 99);
        StatsCounters? merged = null;
        uint sequence = 0;
        for (int dev = 0; dev < devices; dev++)
        {
            int[] stream = Streams.Draw(DigitsModel.TestLabels, Streams.LongTail(k, 0.05, random), random.Next(50, 400), random);
            var device = new DeviceStatistics(DigitsModel.Blob, (uint)(dev + 1));
            Streams.Replay(classifier, device, stream, sequence, 7);
            Streams.Replay(classifier, whole, stream, sequence, 7);
            sequence += (uint)stream.Length + 1000;

            // Through the wire format, as the host receives it.
            byte[] bytes = device.Pull("dev" + dev);
            StatsReport received = StatsFormat.Read(bytes, 0, bytes.Length);
            merged ??= new StatsCounters(k, d, received.Counters.FeatureBins);
            merged.MergeFrom(received.Counters);
        }

        Assert.Equal(Streams.CountersBytes(whole.Counters, k, d), Streams.CountersBytes(merged!, k, d));
        Assert.True(merged!.LabelCount > 0 && merged.Confusion.Sum() == merged.LabelCount);
        Assert.Equal(merged.InferenceCount, merged.Predicted.Sum());
    }

    [Theory]
    [InlineData(3, 3)]
    [InlineData(11, 3)]
    [InlineData(5, 4)]
    public void Merge_WhenOneStreamIsDealtOverDevicesWithTheirOwnSequenceNumbers_EqualsTheSingleDeviceExactly(int seed, int devices)
    {
        // Issue 11 item 6: the realistic split, each device numbering its own samples from 0, with the default feature
        // stride (features subsampled): every statistic, feature sums and histograms included, must merge exactly.
        var random = new Random(seed);
        Classifier classifier = DigitsModel.NewClassifier();
        int k = classifier.Model.ClassCount, d = classifier.Model.FeatureCount;
        int[] stream = Streams.Draw(DigitsModel.TestLabels, Streams.LongTail(k, 0.1, random), 1500, random);
        var single = new DeviceStatistics(DigitsModel.Blob, 99);
        Assert.Equal(DeviceStatistics.DefaultFeatureStride, single.FeatureStride);
        var split = Enumerable.Range(0, devices).Select(i => new DeviceStatistics(DigitsModel.Blob, (uint)(i + 1))).ToArray();
        var local = new uint[devices];
        for (int n = 0; n < stream.Length; n++)
        {
            int[] x = DigitsModel.TestRaw[stream[n]];
            classifier.Classify(x);
            single.OnInference(x, classifier, (uint)n, 0);
            int dev = random.Next(devices);
            split[dev].OnInference(x, classifier, local[dev]++, 0);
        }

        var merged = new StatsCounters(k, d, single.Counters.FeatureBins);
        foreach (DeviceStatistics device in split)
        {
            byte[] bytes = device.Pull("dev");
            merged.MergeFrom(StatsFormat.Read(bytes, 0, bytes.Length).Counters);
        }

        // Sequence ranges are each device's own numbering; everything else must be byte-identical.
        merged.MinSequence = single.Counters.MinSequence;
        merged.MaxSequence = single.Counters.MaxSequence;
        Assert.InRange(single.Counters.FeatureSampleCount, stream.Length / 6, stream.Length / 2);
        Assert.Equal(Streams.CountersBytes(single.Counters, k, d), Streams.CountersBytes(merged, k, d));
    }

    [Fact]
    public void MergeFrom_WhenShapesDiffer_ThrowsStatsFormatException()
    {
        var a = new StatsCounters(3, 4, 16);
        Assert.Throws<StatsFormatException>(() => a.MergeFrom(new StatsCounters(3, 5, 16)));
    }

    [Fact]
    public void AddSquare_WhenTheLowHalfOverflows_CarriesExactly()
    {
        long[] high = new long[1], low = new long[1];
        for (int i = 0; i < 10; i++)
        {
            StatsCounters.AddSquare(high, low, 0, int.MinValue);
        }

        System.Numerics.BigInteger exact = new System.Numerics.BigInteger(int.MinValue) * int.MinValue * 10;
        System.Numerics.BigInteger got = (new System.Numerics.BigInteger(high[0]) << 64) + new System.Numerics.BigInteger(unchecked((ulong)low[0]));
        Assert.Equal(exact, got);
    }
}
