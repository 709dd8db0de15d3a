using System.Text;
using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Runtime;
using EdgeMicro.Core.Device.Storage;
using EdgeMicro.Core.Device.Update;
using EdgeMicro.Device.Tests.Support;
using EdgeMicro.Fleet.Publishing;

namespace EdgeMicro.Device.Tests.Core;

/// <summary>
/// Update security on the real runtime: the signed manifest (every field plus the blob's SHA-256), the persisted
/// anti-rollback floor, and refused manifests that change nothing and are rate-limited as events.
/// </summary>
public sealed class UpdateSecurityTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string ManifestTopic = "edgemicro/dev-1/model/manifest";

    private static UpdatePackage Package(uint version, uint id, string target = UpdateMessages.AnyDevice, uint downgradeFrom = 0) =>
        UpdatePackage.Create(Digits.WithVersion(version), Digits.FleetKey, id, 700, target, downgradeFrom);

    private static DeviceHarness Booted(MemoryStorage? storage = null)
    {
        if (storage == null)
        {
            storage = new MemoryStorage();
            byte[] v1 = Digits.BlobV1;
            storage.Write(ModelSlots.ActiveFile, v1, 0, v1.Length);
        }

        return new DeviceHarness(storage).Boot();
    }

    private static string? ReasonOf(DeviceHarness d, uint update) => d.Events(PayloadFields.EventRejected)
        .Where(e => e.GetProperty("update").GetInt64() == update).Select(e => e.GetProperty("reason").GetString()).SingleOrDefault();

    [Fact]
    public void Update_WhenAGenuineOlderModelIsReplayed_IsRefusedAlsoAfterAReboot()
    {
        DeviceHarness d = Booted();
        d.Deliver(Package(3, id: 30));
        Assert.Equal(3u, d.Version);

        d.Deliver(Package(2, id: 20));

        Assert.Equal(UpdateReasons.Rollback, ReasonOf(d, 20));
        Assert.Equal(3u, d.Version);
        Assert.Equal(Digits.WithVersion(3), d.Storage[ModelSlots.ActiveFile]);

        d.Storage.Reboot();
        DeviceHarness rebooted = Booted(d.Storage);
        Assert.Equal(3u, rebooted.Runtime.Model.Model.ModelVersion);
        rebooted.Deliver(Package(2, id: 21));
        Assert.Equal(UpdateReasons.Rollback, ReasonOf(rebooted, 21));
        Assert.Equal(3u, rebooted.Version);
    }

    [Fact]
    public void Update_WhenTheFloorFileIsMissing_StillRefusesVersionsBelowTheRunningSlotModel()
    {
        DeviceHarness d = Booted();
        d.Deliver(Package(3, id: 30));
        d.Storage.Reboot();
        d.Storage.Delete(VersionFloor.File);
        d.Storage.Delete(VersionFloor.SecondFile);

        DeviceHarness rebooted = Booted(d.Storage);
        rebooted.Deliver(Package(2, id: 20));

        Assert.Equal(UpdateReasons.Rollback, ReasonOf(rebooted, 20));
    }

    [Fact]
    public void Rollback_WhenCommanded_LowersTheFloorToThePreviousModel()
    {
        DeviceHarness d = Booted();
        d.Deliver(Package(3, id: 30));

        d.Command("""{"cmd":"rollback"}""");
        Assert.Equal(1u, d.Version);
        d.Deliver(Package(2, id: 20));

        Assert.Equal(2u, d.Version);
    }

    [Fact]
    public void Update_WhenASignedDowngradeNamesTheFloor_IsInstalledOnceAndItsReplayIsRefused()
    {
        DeviceHarness d = Booted();
        d.Deliver(Package(3, id: 30));

        d.Deliver(Package(2, id: 21, downgradeFrom: 2)); // names the wrong floor
        Assert.Equal(UpdateReasons.Rollback, ReasonOf(d, 21));
        UpdatePackage downgrade = Package(2, id: 22, downgradeFrom: 3);
        d.Deliver(downgrade);
        Assert.Equal(2u, d.Version);

        d.Deliver(Package(3, id: 31));
        Assert.Equal(3u, d.Version);
        d.Deliver(downgrade);
        Assert.Equal(UpdateReasons.Rollback, ReasonOf(d, 22));
        Assert.Equal(3u, d.Version);
    }

    [Fact]
    public void Update_WhenSignedForAnotherDevice_IsRefused()
    {
        DeviceHarness d = Booted();

        d.Deliver(Package(2, id: 5, target: "dev-2"));
        Assert.Equal(UpdateReasons.WrongTarget, ReasonOf(d, 5));
        Assert.Equal(1u, d.Version);

        d.Deliver(Package(2, id: 6, target: "dev-1"));
        Assert.Equal(2u, d.Version);
    }

    [Fact]
    public void Update_WhenAManifestFieldIsChangedAfterSigning_IsRefusedAsUnauthenticated()
    {
        DeviceHarness d = Booted();
        UpdatePackage p = Package(2, id: 7);
        foreach (Action<UpdateManifest> change in new Action<UpdateManifest>[]
        {
            m => m.ModelVersion = 9, m => m.Target = "dev-1", m => m.Size -= 1, m => m.Crc32 ^= 1,
            m => m.BlobSha256 = new byte[32], m => m.DowngradeFrom = 1, m => m.UpdateId = 8, m => m.ModelId = "digitz",
        })
        {
            UpdateManifest m = Clone(p.Manifest);
            change(m);
            Assert.False(UpdateMessages.IsAuthentic(m, new EdgeMicro.Core.Security.HmacSha256(Digits.FleetKey)));
        }

        Assert.True(UpdateMessages.IsAuthentic(p.Manifest, new EdgeMicro.Core.Security.HmacSha256(Digits.FleetKey)));
    }

    [Fact]
    public void Update_WhenAChunkIsTamperedWithItsCrcMatchingTheManifest_FailsTheSignedBlobHash()
    {
        DeviceHarness d = Booted();
        byte[] v2 = Digits.WithVersion(2), tampered = (byte[])v2.Clone();
        tampered[tampered.Length / 2] ^= 0x08;
        UpdatePackage p = Package(2, id: 9);
        UpdateManifest m = Clone(p.Manifest);
        m.Crc32 = Crc32.Compute(tampered); // an attacker who can forge the CRC still cannot forge the signed hash
        m.BlobSha256 = p.Manifest.BlobSha256;
        UpdateMessages.Sign(m, Digits.FleetKey);

        d.Deliver(p.WithManifest(m).WithPayload(tampered));

        Assert.Equal(UpdateReasons.Signature, ReasonOf(d, 9));
        Assert.Equal(1u, d.Version);
        Assert.DoesNotContain(ModelSlots.StagingFile, d.Storage.Names);
    }

    /// <summary>
    /// 2,000 forged manifests (wrong key, garbage, tampered fields of the real manifest, its update id reused) arrive
    /// in the middle of a legitimate update while the device samples: the update completes, every result is
    /// published, nothing is dropped, and the forgeries yield one event per <see cref="DeviceRuntime.RefusalEventIntervalMs"/>.
    /// </summary>
    [Fact]
    public void Update_When2000ForgedManifestsArriveDuringARealUpdate_CompletesAndNoResultIsLost()
    {
        DeviceHarness d = Booted();
        UpdatePackage real = Package(2, id: 77);
        d.Link.Send(ManifestTopic, real.ManifestPayload());
        for (int i = 0; i < real.ChunkCount / 2; i++)
        {
            d.Link.Send("edgemicro/dev-1/model/chunk", real.ChunkPayload(i));
        }

        d.Drain();
        var random = new Random(10);
        var wrongKey = new byte[32];
        uint results0 = d.Runtime.SampleCount;
        long start = d.Platform.NowMs;
        for (int i = 0; i < 2000; i++)
        {
            d.Link.Send(ManifestTopic, Forgery(i, real, random, wrongKey));
            if (i % 50 == 49)
            {
                d.Run(1);
            }
        }

        d.Drain();
        for (int i = real.ChunkCount / 2; i < real.ChunkCount; i++)
        {
            d.Link.Send("edgemicro/dev-1/model/chunk", real.ChunkPayload(i));
        }

        d.Link.Send("edgemicro/dev-1/model/commit", real.CommitPayload());
        d.Drain();

        Assert.Equal(2u, d.Version);
        Assert.Single(d.Events(PayloadFields.EventAccepted));
        Assert.Null(ReasonOf(d, 77)); // no forgery produced a rejection under the real update's id
        Assert.Equal(2000, d.Runtime.RefusedManifests);
        Assert.Equal(0, d.Runtime.Outbox.Dropped);
        Assert.Equal((int)(d.Runtime.SampleCount - results0), d.Messages("results").Count(r => r.GetProperty(PayloadFields.Sample).GetInt64() > results0));
        long elapsed = d.Platform.NowMs - start;
        int refusalEvents = d.Events(PayloadFields.EventRejected).Count;
        Assert.InRange(refusalEvents, 1, 1 + (elapsed / DeviceRuntime.RefusalEventIntervalMs));
        output.WriteLine($"2000 forged manifests over {elapsed} ms of device time: {refusalEvents} rejection events, {d.Runtime.Outbox.Dropped} dropped, update accepted");
    }

    private static byte[] Forgery(int i, UpdatePackage real, Random random, byte[] wrongKey)
    {
        UpdateManifest m = Clone(real.Manifest);
        switch (i % 4)
        {
            case 0:
                m.UpdateId = (uint)random.Next();
                m.ModelVersion = 99;
                UpdateMessages.Sign(m, wrongKey);
                break;
            case 1:
                return Encoding.UTF8.GetBytes("{\"update\":" + random.Next() + ",\"model\":\"x\"");
            case 2:
                m.UpdateId = real.Manifest.UpdateId + 1; // a forged restart of the same update
                break;
            default:
                m.Size -= 1;
                break;
        }

        var w = new PayloadWriter(512);
        UpdateMessages.WriteManifest(w, m);
        return w.Buffer.AsSpan(0, w.Length).ToArray();
    }

    private static UpdateManifest Clone(UpdateManifest m) => new()
    {
        UpdateId = m.UpdateId, Target = m.Target, ModelId = m.ModelId, ModelVersion = m.ModelVersion, Size = m.Size,
        Crc32 = m.Crc32, BlobSha256 = (byte[])m.BlobSha256.Clone(), DowngradeFrom = m.DowngradeFrom, Hmac = (byte[])m.Hmac.Clone(),
    };
}
