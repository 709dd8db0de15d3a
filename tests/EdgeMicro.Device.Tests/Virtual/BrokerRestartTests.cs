using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Fleet.Publishing;
using EdgeMicro.TestKit;
using Xunit.Abstractions;

namespace EdgeMicro.Device.Tests.Virtual;

[Collection("broker")]
public sealed class BrokerRestartTests(ITestOutputHelper output) : IDisposable
{
    private readonly MosquittoBroker _broker = new();

    [Fact]
    public async Task Device_WhenTheBrokerRestartsMidRun_LosesNoQueuedMessageAndTheStoreHoldsEachOnce()
    {
        await using var v = new Support.Virtual(_broker);
        HostMessageStore store = await v.StoreAsync("store-restart");
        // 400 rows at 10 ms: about 4 s of sampling; the device stops by itself once every row is classified and its
        // outbox is empty, so every sample's result must then be in the store exactly once.
        VirtualDevice device = await v.StartAsync(v.Options("restart-1", loop: false, rows: 400, periodMs: 10, outbox: 4096));
        await store.WaitUntilAsync(m => m.Count(x => x.Type == PayloadFields.TypeResult) >= 30, TimeSpan.FromSeconds(30));

        _broker.Stop();
        int queuedWhileDown = 0;
        for (int i = 0; i < 30; i++)
        {
            await Task.Delay(50);
            queuedWhileDown = Math.Max(queuedWhileDown, device.Runtime.Outbox.Count);
        }

        _broker.Start();
        await device.WaitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
        long samples = device.Runtime.SampleCount;
        Assert.Equal(400, samples);
        await store.WaitUntilAsync(m => m.Count(x => x.Type == PayloadFields.TypeResult) == samples, TimeSpan.FromSeconds(30));

        IReadOnlyList<DeviceMessage> all = store.Snapshot();
        List<long> sampleNumbers = [.. all.Where(x => x.Type == PayloadFields.TypeResult).Select(x => x[PayloadFields.Sample]).Order()];
        output.WriteLine($"samples {samples}, queued while the broker was down {queuedWhileDown}, stored {all.Count}, duplicates dropped by the store {store.Duplicates}, publishes retried by the device {device.Link!.FailedPublishes}, outbox drops {device.Runtime.Outbox.Dropped}");
        Assert.True(queuedWhileDown > 20, "the outbox held messages while the broker was down");
        Assert.Equal(Enumerable.Range(1, (int)samples).Select(i => (long)i), sampleNumbers);
        List<long> seqs = [.. all.Where(x => x.Seq > 0 && x.Boot == device.Runtime.BootNumber).Select(x => x.Seq).Order()];
        Assert.Equal(Enumerable.Range(1, seqs.Count).Select(i => (long)i), seqs);
        Assert.Equal(0, device.Runtime.Outbox.Dropped);
    }

    public void Dispose() => _broker.Dispose();
}
