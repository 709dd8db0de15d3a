using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Runtime;
using EdgeMicro.Core.Device.Storage;
using EdgeMicro.Core.Device.Update;
using EdgeMicro.Core.Format;
using EdgeMicro.Core.Inference;
using EdgeMicro.Data;
using EdgeMicro.Device.Fleet;
using EdgeMicro.Device.Tests.Support;
using EdgeMicro.Fleet.Publishing;
using EdgeMicro.Messaging;
using EdgeMicro.TestKit;
using Xunit.Abstractions;

namespace EdgeMicro.Device.Tests.Virtual;

[Collection("broker")]
public sealed class VirtualDeviceTests(MosquittoBroker broker, ITestOutputHelper output) : IClassFixture<MosquittoBroker>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task VirtualDevice_WhenReplayingDigits_ClassifiesLikeTheHostTwinAndPublishesRetainedStatus()
    {
        await using var v = new Support.Virtual(broker);
        HostMessageStore store = await v.StoreAsync("store-replay");
        // Outbox large enough for every message of the replay: this test is about results, not about overflow (a slow,
        // loaded CI machine can otherwise make the bounded outbox drop the oldest results, as designed).
        VirtualDevice device = await v.StartAsync(v.Options("replay-1", loop: false, rows: 40, outbox: 256));
        await device.WaitAsync(CancellationToken.None).WaitAsync(Wait);
        Assert.Equal(0L, device.Runtime.Outbox.Dropped);
        await store.WaitUntilAsync(m => m.Count(x => x.DeviceId == "replay-1" && x.Type == PayloadFields.TypeResult) == 40, Wait);

        var twin = new Classifier(ModelBlobReader.Read(Digits.BlobV1).Model);
        List<DeviceMessage> results = [.. store.Snapshot().Where(x => x.DeviceId == "replay-1" && x.Type == PayloadFields.TypeResult).OrderBy(x => x[PayloadFields.Sample])];
        for (int i = 0; i < 40; i++)
        {
            twin.Classify(RawSamples.ToFixed(device.Sensor.Data.Features[i], twin.Model.InputFractionBits));
            Assert.Equal((i + 1, twin.PredictedClass, twin.ConfidenceQ15, twin.MarginQ15), (results[i][PayloadFields.Sample], results[i][PayloadFields.Class], results[i][PayloadFields.Confidence], results[i][PayloadFields.Margin]));
        }

        Assert.Equal(40, store.Snapshot().Count(x => x.DeviceId == "replay-1" && x.Type == PayloadFields.TypeLabel));
        Assert.True(device.Gpio.Changes > 10);

        // A client arriving later gets the retained status.
        await using HostMessageStore late = await v.StoreAsync("store-late");
        DeviceMessage status = await late.WaitForAsync(x => x.DeviceId == "replay-1" && x.Leaf == "status", Wait);
        Assert.True(status.Retained);
        Assert.Equal("digits", status.TextOf(PayloadFields.Model));
        Assert.Equal(DeviceRuntime.FirmwareVersion, status.TextOf(PayloadFields.Firmware));
    }

    [Fact]
    public async Task ModelPublish_WhenUpdatesAreGoodBadAndRolledBack_ActivatesOnlyVerifiedModels()
    {
        await using var v = new Support.Virtual(broker);
        HostMessageStore store = await v.StoreAsync("store-ota");
        VirtualDevice device = await v.StartAsync(v.Options("ota-1", loop: true));
        byte[] v2 = Digits.WithVersion(2), v3 = Digits.WithVersion(3);

        UpdateVerdict ok = (await ModelPublisher.PublishAsync(v.Request("ota-1"))).Single();
        Assert.True(ok.Accepted, ok.Reason + ": " + ok.Detail);
        Assert.Equal(2u, device.Runtime.Model.Model.ModelVersion);

        (string Name, Func<uint, UpdatePackage> Make, string Reason)[] bad =
        [
            ("truncated", id => UpdatePackage.Create(v3, Digits.FleetKey, id).WithPayload(v3[..^700]), UpdateReasons.Truncated),
            ("corrupted", id => UpdatePackage.Create(v3, Digits.FleetKey, id).WithPayload(Flip(v3, 5000)), UpdateReasons.Crc),
            ("wrongly signed", id => UpdatePackage.Create(v3, new byte[32], id), UpdateReasons.Signature),
            ("self-test failing", id => UpdatePackage.Create(Digits.WithBrokenSelfTest(3), Digits.FleetKey, id), UpdateReasons.SelfTest),
        ];
        foreach ((string name, Func<uint, UpdatePackage> make, string reason) in bad)
        {
            UpdateVerdict verdict = (await ModelPublisher.PublishAsync(v.Request("ota-1") with { PackageFactory = make })).Single();
            output.WriteLine($"{name}: {verdict.Reason}: {verdict.Detail}");
            Assert.False(verdict.Accepted, name);
            Assert.Equal(reason, verdict.Reason);
            Assert.Equal(2u, device.Runtime.Model.Model.ModelVersion);
        }

        long before = device.Runtime.SampleCount;
        await store.WaitUntilAsync(m => m.Any(x => x.DeviceId == "ota-1" && x[PayloadFields.Sample] > before + 5), Wait);
        Assert.All(store.Snapshot().Where(x => x.DeviceId == "ota-1" && x.Type == PayloadFields.TypeResult && x[PayloadFields.Sample] > before), r => Assert.Equal(2, r[PayloadFields.Version]));

        UpdateVerdict third = (await ModelPublisher.PublishAsync(v.Request("ota-1") with { Blob = v3 })).Single();
        Assert.True(third.Accepted);
        Assert.Equal(3u, device.Runtime.Model.Model.ModelVersion);

        await SendCommandAsync(CommandMessage.Create("ota-1", DeviceCommands.Rollback, 77));
        DeviceMessage rolled = await store.WaitForAsync(x => x.DeviceId == "ota-1" && x.TextOf(PayloadFields.Event) == PayloadFields.EventRolledBack, Wait);
        Assert.Equal(2, rolled[PayloadFields.Version]);
        Assert.Equal(2u, device.Runtime.Model.Model.ModelVersion);
        Assert.Equal(v2, File.ReadAllBytes(Path.Combine(device.Storage.Directory, ModelSlots.ActiveFile)));
        Assert.Equal(v3, File.ReadAllBytes(Path.Combine(device.Storage.Directory, ModelSlots.PreviousFile)));
    }

    [Fact]
    public async Task ModelPublish_WhenSentToAllDevicesOfAFleet_EveryOneAccepts()
    {
        await using var v = new Support.Virtual(broker);
        IReadOnlyList<VirtualDevice> fleet = FleetRunner.Create(v.Options("fleet", loop: true, periodMs: 50), 4, v.Directory);
        try
        {
            await FleetRunner.StartAllAsync(fleet).WaitAsync(Wait);
            var progress = new List<PublishProgress>();
            IReadOnlyList<UpdateVerdict> verdicts = await ModelPublisher.PublishAsync(v.Request() with { AllDevices = true, DiscoveryTime = TimeSpan.FromSeconds(1.5) }, new Progress<PublishProgress>(p => { lock (progress) { progress.Add(p); } }));

            Assert.Equal(["fleet-1", "fleet-2", "fleet-3", "fleet-4"], verdicts.Select(x => x.DeviceId));
            Assert.All(verdicts, x => Assert.True(x.Accepted));
            Assert.All(fleet, d => Assert.Equal(2u, d.Runtime.Model.Model.ModelVersion));
        }
        finally
        {
            await Task.WhenAll(fleet.Select(d => d.DisposeAsync().AsTask()));
        }
    }

    private static byte[] Flip(byte[] data, int at)
    {
        byte[] copy = (byte[])data.Clone();
        copy[at] ^= 0x10;
        return copy;
    }

    private async Task SendCommandAsync(CommandMessage command)
    {
        await using var client = new BrokerConnection(new BrokerOptions { Host = broker.Host, Port = broker.Port, ClientId = "cmd-sender", PersistentSession = false });
        await client.StartAsync();
        await client.PublishAsync(command.Topic, command.Payload);
        await client.StopAsync();
    }
}
