using System.Reflection;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Stats;
using Xunit.Abstractions;

namespace EdgeMicro.Stats.Tests;

public sealed class DeviceStatisticsTests(ITestOutputHelper output)
{
    [Fact]
    public void EstimateFootprint_WhenEightClassesAndSixtyFourFeatures_FitsSixteenKiB()
    {
        int bytes = DeviceStatistics.EstimateFootprint(8, 64, 16, DeviceStatistics.DefaultCapacity);
        output.WriteLine($"footprint K=8 D=64 B=16 S=16: {bytes} bytes");

        Assert.True(bytes <= 16 * 1024, bytes + " bytes");
    }

    [Fact]
    public void Footprint_WhenMeasuredOnTheObjectGraph_StaysWithinTheEstimate()
    {
        var model = new ModelDefinition { ModelId = "m", ModelVersion = 1, ClassCount = 8, FeatureCount = 64, InputZeroPoint = new int[64] };
        int[] edges = new int[64 * 15];
        var stats = new DeviceStatistics(model, edges, 15, DeviceStatistics.DefaultCapacity, DeviceStatistics.DefaultReservoirSlots, 1);

        // The reference edges belong to the model blob, which is in RAM anyway: not counted. The state is measured
        // without the preallocated report (its own figure, below), then the whole object graph with it.
        var (payload, objects) = Measure(stats, new HashSet<object>(ReferenceEqualityComparer.Instance) { edges, stats.Report });
        int measured = payload + (objects * DeviceStatistics.HeaderBytes);
        var (allPayload, allObjects) = Measure(stats, new HashSet<object>(ReferenceEqualityComparer.Instance) { edges });
        int report = StatsFormat.MaxBytes(8, 64, 16, DeviceStatistics.DefaultCapacity, ReportBuffer.MaxDeviceIdBytes, 1);
        output.WriteLine($"state: {payload} payload bytes in {objects} objects/arrays = {measured} bytes; with the report buffer ({report} bytes): {allPayload + (allObjects * DeviceStatistics.HeaderBytes)} bytes");

        Assert.True(measured <= DeviceStatistics.EstimateFootprint(8, 64, 16, DeviceStatistics.DefaultCapacity), measured.ToString());
        Assert.True(measured <= 16 * 1024);
        Assert.Equal(report, stats.Report.Bytes.Length);
        Assert.True(allPayload + (allObjects * DeviceStatistics.HeaderBytes) <= measured + report + (8 * DeviceStatistics.HeaderBytes) + 64);
    }

    [Fact]
    public void PosteriorSums_WhenStreamReplayed_HaveTheConfidenceSumsOnTheDiagonalAndOneQ15PerSample()
    {
        var random = new Random(21);
        Classifier classifier = DigitsModel.NewClassifier();
        var stats = new DeviceStatistics(DigitsModel.Blob, 21);
        Streams.Replay(classifier, stats, Streams.Draw(DigitsModel.TestLabels, Streams.LongTail(10, 0.2, random), 400, random), 0, 0);
        StatsCounters c = stats.Counters;
        int k = c.ClassCount;

        for (int p = 0; p < k; p++)
        {
            Assert.Equal(c.ConfidenceSum[p], c.PosteriorSum[(p * k) + p]);
            long row = Enumerable.Range(0, k).Sum(y => c.PosteriorSum[(p * k) + y]);
            // Each sample's K rounded Q15 shares sum to 2^15 within K/2.
            Assert.InRange(row, (32768L * c.Predicted[p]) - (k * c.Predicted[p]), (32768L * c.Predicted[p]) + (k * c.Predicted[p]));
        }

        Assert.True(Enumerable.Range(0, k * k).Where(i => i / k != i % k).Sum(i => c.PosteriorSum[i]) > 0);
    }

    [Fact]
    public void OnInference_WhenRunRepeatedly_AllocatesNothing()
    {
        Classifier classifier = DigitsModel.NewClassifier();
        var stats = new DeviceStatistics(DigitsModel.Blob, 3);
        int[][] raw = DigitsModel.TestRaw;
        Streams.Replay(classifier, stats, Enumerable.Range(0, 50).ToArray(), 0, 5);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int n = 0; n < 2000; n++)
        {
            classifier.Classify(raw[n % raw.Length]);
            stats.OnInference(raw[n % raw.Length], classifier, (uint)(100 + n), n);
            stats.OnLabel((uint)(100 + n), n % 10, classifier.PredictedClass);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void WriteWindow_WhenWindowsAreClosed_WritesTheSameBytesAsTheReportAndAllocatesNothing()
    {
        Classifier classifier = DigitsModel.NewClassifier();
        var stats = new DeviceStatistics(DigitsModel.Blob, 4);
        var twin = new DeviceStatistics(DigitsModel.Blob, 4);
        byte[] id = System.Text.Encoding.UTF8.GetBytes("node-12345678901234567"); // 22 bytes, close to the 23-byte limit
        var random = new Random(4);
        long allocated = 0;
        for (int window = 0; window < 6; window++)
        {
            int[] stream = Streams.Draw(DigitsModel.TestLabels, Streams.LongTail(10, 0.2, random), 150, random);
            Streams.Replay(classifier, stats, stream, (uint)(window * 1000), 7);
            Streams.Replay(classifier, twin, stream, (uint)(window * 1000), 7);
            StatsReport expected = twin.CreateReport("node-12345678901234567", true, true);
            expected.HasDelivery = true;
            (expected.Boot, expected.DroppedResults, expected.DroppedEvents, expected.DroppedWindows) = (3, 4, 5, 6);
            byte[] want = StatsFormat.Write(expected);
            twin.ResetWindow();

            long before = GC.GetAllocatedBytesForCurrentThread();
            int length = stats.WriteWindow(id, 3, 4, 5, 6);
            allocated += GC.GetAllocatedBytesForCurrentThread() - before;

            Assert.Equal(want, stats.Report.Bytes[..length]);
            Assert.Equal(0, stats.Counters.InferenceCount);
        }

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void OnInference_WhenModelVersionDiffers_OnlyCountsForeign()
    {
        Classifier classifier = DigitsModel.NewClassifier();
        var other = DigitsModel.Blob;
        other.Model.ModelVersion = 77;
        var stats = new DeviceStatistics(other, 3);

        Streams.Replay(classifier, stats, [0, 1, 2], 0, 0);

        Assert.Equal(0, stats.Counters.InferenceCount);
        Assert.Equal(3, stats.Counters.ForeignCount);
    }

    [Fact]
    public void Counters_WhenStreamReplayed_MatchBatchStatisticsExactly()
    {
        Classifier classifier = DigitsModel.NewClassifier();
        var stats = new DeviceStatistics(DigitsModel.Blob, 3) { FeatureStride = 1 };
        int[] idx = Enumerable.Range(0, DigitsModel.TestRaw.Length).ToArray();
        Streams.Replay(classifier, stats, idx, 0, 0);
        StatsCounters c = stats.Counters;

        for (int f = 0; f < c.FeatureCount; f += 7)
        {
            long[] x = idx.Select(i => (long)DigitsModel.TestRaw[i][f]).ToArray();
            Assert.Equal(x.Sum(), c.FeatureSum[f]);
            Assert.Equal(x.Aggregate(System.Numerics.BigInteger.Zero, (a, v) => a + (v * v)), (new System.Numerics.BigInteger(c.FeatureSumSquaresHigh[f]) << 64) + unchecked((ulong)c.FeatureSumSquaresLow[f]));
            Assert.Equal(x.Min(), c.FeatureMin[f]);
            Assert.Equal(x.Max(), c.FeatureMax[f]);
            Assert.Equal(idx.Length, Enumerable.Range(0, c.FeatureBins).Sum(b => c.FeatureHistogram[(f * c.FeatureBins) + b]));
        }

        Assert.Equal(idx.Length, c.ConfidenceHistogram.Sum());
        Assert.Equal(idx.Length, c.MarginHistogram.Sum());
    }

    [Fact]
    public void PageHinkley_WhenConfidenceDrops_AlarmsQuicklyAndNeverOnAStationaryStream()
    {
        var random = new Random(11);
        var ph = new PageHinkley();
        for (int n = 0; n < 100_000; n++)
        {
            Assert.False(ph.Update(28000 + random.Next(-3000, 3001)), "false alarm at " + n);
        }

        int delay = 0;
        while (!ph.Update(20000 + random.Next(-3000, 3001)))
        {
            delay++;
            Assert.True(delay < 500, "no alarm");
        }

        output.WriteLine("detection delay " + delay);
    }

    [Fact]
    public void SampleBuffer_WhenOneClassFloodsLowMargins_KeepsQuotaForARareClass()
    {
        var buffer = new SampleBuffer(12, 4, 4, 2, 7);
        for (int n = 0; n < 1000; n++)
        {
            buffer.Offer([n, n], 0, 1, 20000, 100 + (n % 50), (uint)n, n);
            if (n % 100 == 0)
            {
                buffer.Offer([-n, 5], 3, 0, 20000, 5000, (uint)(100000 + n), n);
            }
        }

        BufferedSample[] kept = buffer.ToArray();
        Assert.Equal(12, kept.Length);
        Assert.Equal(2, kept.Count(s => s.Kind == BufferedSample.KindUncertain && s.Predicted == 3));
        Assert.All(kept.Where(s => s.Kind == BufferedSample.KindUncertain && s.Predicted == 0), s => Assert.Equal(100, s.MarginQ15));
    }

    [Fact]
    public void SampleBuffer_WhenCandidatesAreNearDuplicates_RejectsThem()
    {
        var buffer = new SampleBuffer(8, 0, 2, 3, 7) { DiversityThreshold = 10 };
        buffer.Offer([0, 0, 0], 0, 1, 20000, 10, 1, 1);
        buffer.Offer([3, 3, 3], 0, 1, 20000, 5, 2, 2);
        buffer.Offer([30, 0, 0], 0, 1, 20000, 5, 3, 3);

        Assert.Equal([1u, 3u], buffer.ToArray().Select(s => s.Sequence).OrderBy(s => s));
        Assert.Equal(1, buffer.DiversityRejects);
    }

    [Fact]
    public void SampleBuffer_WhenReplayedWithTheSameSeed_DrawsTheSameReservoir()
    {
        uint[] Run(uint seed)
        {
            var b = new SampleBuffer(8, 8, 2, 1, seed);
            for (int n = 0; n < 5000; n++)
            {
                b.Offer([n], 0, 1, 30000, 30000, (uint)n, n);
            }

            return b.ToArray().Select(s => s.Sequence).ToArray();
        }

        Assert.Equal(Run(5), Run(5));
        Assert.NotEqual(Run(5), Run(6));
        Assert.True(Run(5).Max() > 1000);
    }

    private static (int Payload, int Objects) Measure(object o, HashSet<object> seen)
    {
        if (o is null || o is string || o is ModelDefinition || !seen.Add(o))
        {
            return (0, 0);
        }

        if (o is Array a)
        {
            Type e = a.GetType().GetElementType()!;
            if (!e.IsPrimitive)
            {
                int p = 4 * a.Length, n = 1;
                foreach (object? item in a)
                {
                    var (ip, io) = Measure(item!, seen);
                    p += ip;
                    n += io;
                }

                return (p, n);
            }

            return (a.Length * System.Runtime.InteropServices.Marshal.SizeOf(e == typeof(bool) ? typeof(byte) : e), 1);
        }

        int payload = 0, objects = 1;
        foreach (FieldInfo f in o.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public))
        {
            if (f.FieldType.IsPrimitive)
            {
                payload += f.FieldType == typeof(bool) ? 1 : System.Runtime.InteropServices.Marshal.SizeOf(f.FieldType);
            }
            else if (f.GetValue(o) is { } value && (f.FieldType.IsArray || f.FieldType.Namespace == "EdgeMicro.Core.Stats"))
            {
                var (p, n) = Measure(value, seen);
                payload += p;
                objects += n;
            }
        }

        return (payload, objects);
    }
}
