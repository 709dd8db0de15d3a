using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Runtime;
using EdgeMicro.Device.Tests.Support;

namespace EdgeMicro.Device.Tests.Core;

/// <summary>The documented bound on how long one runtime step publishes, checked on a fake clock that publishes advance.</summary>
public sealed class PublishBoundTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(250)]
    [InlineData(400)]
    [InlineData(999)]
    [InlineData(MqttSession.MaxPublishBlockMs)]
    public void Step_WhenEachPublishBlocks_StopsPublishingOnceTheBudgetIsSpent(int publishMs)
    {
        DeviceHarness d = Backlog(30);
        d.Link.PublishCostMs = publishMs;
        int queued = d.Runtime.Outbox.Count;

        long before = d.Platform.NowMs;
        d.Runtime.Step();
        long spent = d.Platform.NowMs - before;

        int expected = Math.Min(Math.Min(DeviceRuntime.MaxPublishPerStep, queued), (DeviceRuntime.PublishBudgetMs + publishMs - 1) / publishMs);
        Assert.Equal(expected, d.Link.Attempts);
        Assert.InRange(spent, 0, DeviceRuntime.MaxStepPublishMs);
    }

    [Fact]
    public void Step_WhenPublishesTimeOutAtTheLinkBound_AttemptsOneAndKeepsEverythingQueued()
    {
        DeviceHarness d = Backlog(10);
        int queued = d.Runtime.Outbox.Count;
        d.Link.PublishCostMs = MqttSession.MaxPublishBlockMs;
        d.Link.Acknowledges = false;

        long before = d.Platform.NowMs;
        d.Runtime.Step();

        Assert.Equal(1, d.Link.Attempts);
        Assert.InRange(d.Platform.NowMs - before, 0, DeviceRuntime.MaxStepPublishMs);
        Assert.True(d.Runtime.Outbox.Count >= queued);
    }

    [Fact]
    public void Steps_WhenTheBudgetCutsAFlush_PublishTheBacklogLaterInOrder()
    {
        DeviceHarness d = Backlog(30);
        d.Link.PublishCostMs = 300;
        int queued = d.Runtime.Outbox.Count;

        for (int i = 0; i < 20 && d.Runtime.Outbox.Count > 0; i++)
        {
            d.Runtime.Step();
        }

        List<long> seqs = [.. d.Link.Published.Select(m => System.Text.Json.JsonDocument.Parse(m.Payload).RootElement.GetProperty("seq").GetInt64())];
        Assert.True(seqs.Count >= queued);
        Assert.Equal(seqs.Order(), seqs);
        Assert.Equal(0, d.Runtime.Outbox.Dropped);
    }

    /// <summary>A booted device that sampled while the link was down, so its outbox holds a backlog.</summary>
    private static DeviceHarness Backlog(int samples)
    {
        var d = new DeviceHarness(samples: samples, extraConfig: ",\"outbox_capacity\":64").Boot();
        d.Link.IsConnected = false;
        d.Run(samples);
        d.Link.Published.Clear();
        d.Link.Attempts = 0;
        d.Link.IsConnected = true;
        d.Link.Clock = d.Platform;
        return d;
    }
}
