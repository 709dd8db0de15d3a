using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Device.Tests.Support;
using EdgeMicro.Fleet.Publishing;
using EdgeMicro.TestKit;

namespace EdgeMicro.Device.Tests.Virtual;

/// <summary>
/// `edgemicro device cmd` (CommandSender) against real virtual devices through a real mosquitto: every command the
/// runtime knows gets its reply, set-period takes effect, --all finds the online devices, a silent device is reported.
/// </summary>
[Collection("broker")]
public sealed class DeviceCommandTests(MosquittoBroker broker) : IClassFixture<MosquittoBroker>
{
    [Fact]
    public async Task Send_EveryCommandToARunningDevice_GetsItsReplyAndTakesEffect()
    {
        await using var v = new Support.Virtual(broker);
        VirtualDevice device = await v.StartAsync(v.Options("cmd-1", loop: true, periodMs: 50));

        foreach (string name in DeviceCommands.All)
        {
            IReadOnlyList<CommandReply> replies = await CommandSender.SendAsync(Request(name, ["cmd-1"], name == DeviceCommands.SetPeriod ? 250 : 0));
            CommandReply r = Assert.Single(replies);
            Assert.True(r.Answered, name + ": " + r.Detail);
            Assert.Equal(("cmd-1", name), (r.DeviceId, r.Command));
            Assert.True(r.Ok || name == DeviceCommands.Rollback, name + ": " + r.Detail); // a device without a previous model cannot roll back
        }

        Assert.Equal(250, device.Runtime.PeriodMs);
    }

    [Fact]
    public async Task Send_ToAllAndToASilentDevice_ReportsEachTarget()
    {
        await using var v = new Support.Virtual(broker);
        await v.StartAsync(v.Options("cmd-a", loop: true, periodMs: 50));
        await v.StartAsync(v.Options("cmd-b", loop: true, periodMs: 50));

        IReadOnlyList<CommandReply> all = await CommandSender.SendAsync(Request(DeviceCommands.SampleNow, [], 0) with { AllDevices = true });
        Assert.Contains(all, r => r.DeviceId == "cmd-a" && r.Ok);
        Assert.Contains(all, r => r.DeviceId == "cmd-b" && r.Ok);

        CommandReply silent = Assert.Single(await CommandSender.SendAsync(Request(DeviceCommands.SampleNow, ["cmd-nobody"], 0) with { ReplyTimeout = TimeSpan.FromSeconds(1) }));
        Assert.False(silent.Answered);
        Assert.Contains("no reply", silent.Detail, StringComparison.Ordinal);
    }

    private CommandRequest Request(string name, string[] devices, long periodMs) => new()
    {
        Host = broker.Host, Port = broker.Port, Command = name, DeviceIds = devices, PeriodMs = periodMs, ReplyTimeout = TimeSpan.FromSeconds(15),
    };
}
