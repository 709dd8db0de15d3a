using System.Text.Json;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Stats;
using EdgeMicro.Device.Tests.Support;
using EdgeMicro.Fleet.Publishing;

namespace EdgeMicro.Device.Tests.Core;

public sealed class RuntimeStatisticsTests
{
    [Fact]
    public void PullStats_WhenSamplesAndLabelsWereSeen_PublishesTheWindowRetainedAndStartsANewOne()
    {
        (DeviceHarness d, RuntimeStatistics stats) = Booted(extraConfig: ",\"stats_every_samples\":0");
        Run(d, 10);
        d.Ports.Statistics!.OnLabel(d.Runtime.SampleCount, 3, 3);
        d.Command("""{"cmd":"pull-stats","id":5}""");

        StatsReport report = Reports(d).Single();
        Assert.Equal(("dev-1", "digits", 1u, 0u), (report.DeviceId, report.ModelId, report.ModelVersion, report.ReportSequence));
        Assert.Equal((11, 1, 1u, 11u), (report.Counters!.InferenceCount, report.Counters.LabelCount, report.Counters.MinSequence, report.Counters.MaxSequence));
        Assert.True(d.Link.Published.Single(m => m.Topic == "edgemicro/dev-1/stats").Retain);
        Assert.True(d.Events(PayloadFields.EventCommand).Single().GetProperty("ok").GetBoolean());
        Assert.Equal((0, 1u), (stats.Current!.Counters.InferenceCount, stats.Current.WindowIndex));

        Run(d, 4);
        d.Command("""{"cmd":"pull-stats","id":6}""");
        StatsReport second = Reports(d)[1];
        Assert.Equal((1u, 4, 12u), (second.ReportSequence, second.Counters!.InferenceCount, second.Counters.MinSequence));
    }

    [Fact]
    public void PullStats_WhenTheSampleBufferIsConfigured_ReportsItsSizeAndSplitFromThePreallocatedReport()
    {
        var d = new DeviceHarness(samples: 40, extraConfig: ",\"stats_every_samples\":0");
        d.Ports.Statistics = new RuntimeStatistics("dev-1", 6, 2);
        d.Boot();
        RuntimeStatistics stats = d.Ports.Statistics;
        Run(d, 25);
        d.Command("""{"cmd":"pull-stats","id":5}""");

        // The published report was written in the statistics' preallocated buffer, not in an array of its own.
        byte[] published = d.Link.Raw.Single(m => m.Topic == "edgemicro/dev-1/stats").Payload;
        Assert.Equal(published, stats.Current!.Report.Bytes[..published.Length]);
        Assert.True(published.Length < stats.Current.Report.Bytes.Length);
        StatsReport report = Reports(d).Single();
        Assert.Equal((6, 2), (report.BufferSlots, report.ReservoirSlots));
        Assert.InRange(report.Samples!.Length, 3, 6);
        Assert.InRange(report.Samples.Count(s => s.Kind == BufferedSample.KindRandom), 1, 2);
    }

    [Fact]
    public void Step_WhenStatsEverySamplesIsReached_PublishesPeriodicReportsCoveringEverySample()
    {
        (DeviceHarness d, _) = Booted(samples: 30, extraConfig: ",\"stats_every_samples\":8");
        Run(d, 30);

        List<StatsReport> reports = Reports(d);
        Assert.Equal([0u, 1u, 2u], reports.Select(r => r.ReportSequence));
        Assert.All(reports, r => Assert.Equal(8, r.Counters!.InferenceCount));
    }

    [Fact]
    public void Step_WhenEverySampleIsLabelledInItsStep_CountsEachLabelInTheWindowOfItsSample()
    {
        (DeviceHarness d, _) = Booted(samples: 30, extraConfig: ",\"stats_every_samples\":8");
        d.Ports.Labels = new EveryPollLabels(3);
        Run(d, 24);

        List<StatsReport> reports = Reports(d);
        Assert.Equal([0u, 1u, 2u], reports.Select(r => r.ReportSequence));

        // The boot step's sample is unlabelled (labels start with the harness's first Run), so window 0 holds 7 labels.
        Assert.Equal([7, 8, 8], reports.Select(r => r.Counters!.LabelCount));
        Assert.All(reports, r => Assert.Equal(r.Counters!.MaxSequence, r.Counters.MinSequence + 7));
    }

    [Fact]
    public void Pull_WhenTheLinkIsDown_KeepsOneReportAndLetsTheWindowGrowUntilReconnected()
    {
        (DeviceHarness d, RuntimeStatistics stats) = Booted(extraConfig: ",\"stats_every_samples\":0");
        Run(d, 5);
        d.Link.IsConnected = false;
        Assert.True(d.Runtime.RequestStatsPull());
        Run(d, 3);
        Assert.False(d.Runtime.RequestStatsPull());
        Assert.True(d.Runtime.StatsPending);
        Assert.False(d.Runtime.CanDeepSleep);

        d.Link.IsConnected = true;
        d.Runtime.Step();
        Assert.True(d.Runtime.StatsPending);

        // The report stays until the host's acknowledgement arrives (next step).
        d.Runtime.Step();
        Assert.False(d.Runtime.StatsPending);
        Assert.True(d.Runtime.RequestStatsPull());
        d.Runtime.Step();
        d.Runtime.Step();

        List<StatsReport> reports = Reports(d);
        Assert.Equal(2, stats.Published);
        Assert.Equal(d.Runtime.SampleCount, (uint)reports.Sum(r => r.Counters!.InferenceCount));
    }

    [Fact]
    public void Update_WhenANewModelIsActivated_ReportsTheOldWindowAndKeepsStatisticsPerVersion()
    {
        (DeviceHarness d, RuntimeStatistics stats) = Booted(extraConfig: ",\"stats_every_samples\":0");
        Run(d, 6);
        d.Deliver(UpdatePackage.Create(Digits.WithVersion(2), Digits.FleetKey, 1));
        Assert.Equal(2u, d.Version);
        Assert.Equal(2u, stats.CurrentModelVersion);
        Run(d, 3);
        d.Command("""{"cmd":"pull-stats","id":1}""");

        List<StatsReport> reports = Reports(d);
        Assert.Equal([(1u, 7), (2u, 3)], reports.Select(r => (r.ModelVersion, r.Counters!.InferenceCount)));
        Assert.Equal(0, stats.Dropped);
    }

    [Fact]
    public void Step_WhenThePageHinkleyTestFires_PublishesADriftEvent()
    {
        (DeviceHarness d, RuntimeStatistics stats) = Booted(extraConfig: ",\"stats_every_samples\":0");
        stats.Current!.Drift.Lambda = 0;
        stats.Current.Drift.Delta = 0;
        stats.Current.Drift.MinInstances = 1;
        Run(d, 12);

        JsonElement drift = d.Events(PayloadFields.EventDrift).First();
        Assert.Equal("digits", drift.GetProperty("model").GetString());
    }

    [Fact]
    public void ResetStats_WhenCommanded_ClearsTheWindow()
    {
        (DeviceHarness d, RuntimeStatistics stats) = Booted(extraConfig: ",\"stats_every_samples\":0");
        Run(d, 5);
        d.Command("""{"cmd":"reset-stats","id":2}""");
        Assert.Equal(0, stats.Current!.Counters.InferenceCount);
        Assert.Empty(Reports(d));
    }

    private static (DeviceHarness Harness, RuntimeStatistics Stats) Booted(int samples = 20, string extraConfig = "")
    {
        DeviceHarness d = new DeviceHarness(samples: samples, extraConfig: extraConfig).WithStatistics().Boot();
        return (d, d.Ports.Statistics!);
    }

    private static void Run(DeviceHarness d, int samples) => d.Run(samples);

    private static List<StatsReport> Reports(DeviceHarness d) => d.Link.Raw
        .Where(m => m.Topic == "edgemicro/dev-1/stats")
        .Select(m => StatsFormat.Read(m.Payload, 0, m.Payload.Length))
        .ToList();

    /// <summary>A label button pressed once per step: labels the sample just classified.</summary>
    private sealed class EveryPollLabels(int trueClass) : EdgeMicro.Core.Device.Ports.ILabelInput
    {
        public int Poll(long nowMs) => trueClass;
    }
}
