using System.Text.Json;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Runtime;
using EdgeMicro.Core.Stats;
using EdgeMicro.Device.Tests.Support;
using EdgeMicro.Fleet.Publishing;
using EdgeMicro.Fleet.Stats;
using EdgeMicro.Messaging;

namespace EdgeMicro.Device.Tests.Core;

/// <summary>
/// Host and runtime agree on topics and commands: every filter a host tool subscribes to matches a topic a real
/// <see cref="DeviceRuntime"/> publishes, every topic a host tool publishes to is one the runtime subscribes to and
/// handles, and every command the host can build is handled by the runtime.
/// </summary>
public sealed class TopicContractTests
{
    /// <summary>Every subscription of a host tool, by tool.</summary>
    public static TheoryData<string, string> HostFilters()
    {
        var data = new TheoryData<string, string>();
        foreach (string f in StatsPuller.Filters(null).Concat(StatsPuller.Filters("dev-1")))
        {
            data.Add("stats pull", f);
        }

        foreach (string f in HostMessageStore.Filters)
        {
            data.Add("message store", f);
        }

        foreach (string f in ModelPublisher.Filters(allDevices: true).Concat(ModelPublisher.Filters(allDevices: false)))
        {
            data.Add("model publisher", f);
        }

        return data;
    }

    /// <summary>Every device command name.</summary>
    public static TheoryData<string> Commands() => [.. DeviceCommands.All];

    [Theory]
    [MemberData(nameof(HostFilters))]
    public void HostFilter_WhenTheRuntimeRunsEverything_MatchesATopicItPublishes(string tool, string filter)
    {
        HashSet<string> published = PublishedByRuntime();

        Assert.True(published.Any(t => TopicFilter.Matches(filter, t)), $"{tool} subscribes to {filter}, which the runtime never publishes ({string.Join(", ", published)})");
    }

    [Fact]
    public void RuntimeTopics_WhenPublished_AreEachReadByAHostTool()
    {
        string[] filters = [.. HostFilters().Select(row => (string)row[1])];

        Assert.All(PublishedByRuntime(), t => Assert.Contains(filters, f => TopicFilter.Matches(f, t)));
    }

    [Fact]
    public void StatsTopic_WhenPublished_CarriesOnlyBinaryReports()
    {
        DeviceHarness d = RunEverything();
        List<byte[]> stats = [.. d.Link.Raw.Where(m => m.Topic == TopicLayout.Of("dev-1", TopicLayout.StatsLeaf)).Select(m => m.Payload)];

        Assert.NotEmpty(stats);
        Assert.All(stats, p => Assert.Equal("dev-1", StatsFormat.Read(p, 0, p.Length).DeviceId));
        Assert.All(d.Link.Published.Where(m => m.Topic != TopicLayout.Of("dev-1", TopicLayout.StatsLeaf)), m => JsonDocument.Parse(m.Payload).Dispose());
    }

    [Fact]
    public void HostPublishedTopics_WhenDelivered_AreSubscribedAndHandledByTheRuntime()
    {
        DeviceHarness d = new DeviceHarness().Boot();
        string[] hostTopics = [.. ModelPublisher.PublishedLeaves.Select(l => TopicLayout.Of("dev-1", l)), CommandMessage.Create("dev-1", DeviceCommands.SampleNow, 1).Topic];

        Assert.All(hostTopics, t => Assert.Contains(d.Link.Subscriptions, f => TopicFilter.Matches(f, t)));
        Assert.All(hostTopics, t => Assert.NotEqual(-1, d.Runtime.Topics.Incoming(t)));
    }

    [Theory]
    [MemberData(nameof(Commands))]
    public void HostCommand_WhenSentToTheRuntime_IsHandledAndAnsweredWithItsNameAndId(string name)
    {
        DeviceHarness d = Booted();
        d.Run(3);
        CommandMessage command = CommandMessage.Create("dev-1", name, 4242, periodMs: 250);

        d.Link.Send(command.Topic, command.Payload);
        d.Drain();

        JsonElement reply = d.Events(PayloadFields.EventCommand).Single();
        Assert.Equal((name, 4242L), (reply.GetProperty(PayloadFields.Command).GetString(), reply.GetProperty(PayloadFields.CommandId).GetInt64()));
        Assert.NotEqual(DeviceCommands.UnknownDetail, reply.GetProperty(PayloadFields.Detail).GetString());
    }

    [Fact]
    public void CommandMessage_WhenTheNameIsNotACommand_Throws()
    {
        Assert.Throws<ArgumentException>(() => CommandMessage.Create("dev-1", "self-destruct", 1));
    }

    private static HashSet<string> PublishedByRuntime() => [.. RunEverything().Link.Published.Select(m => m.Topic)];

    /// <summary>Boot, samples, a label, every command, a model update: everything that makes the runtime publish.</summary>
    private static DeviceHarness RunEverything()
    {
        DeviceHarness d = Booted();
        d.Run(5);
        d.Ports.Statistics!.OnLabel(d.Runtime.SampleCount, 1, 1);
        int id = 1;
        foreach (string name in DeviceCommands.All)
        {
            CommandMessage c = CommandMessage.Create("dev-1", name, id++, periodMs: 100);
            d.Link.Send(c.Topic, c.Payload);
            d.Drain();
        }

        d.Deliver(UpdatePackage.Create(Digits.WithVersion(2), Digits.FleetKey, 7, 700));
        d.Run(2);
        return d;
    }

    private static DeviceHarness Booted() => new DeviceHarness(extraConfig: ",\"stats_every_samples\":0").WithStatistics().Boot();
}
