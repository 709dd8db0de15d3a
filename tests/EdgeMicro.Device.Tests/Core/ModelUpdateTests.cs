using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Storage;
using EdgeMicro.Core.Device.Update;
using EdgeMicro.Device.Tests.Support;
using EdgeMicro.Fleet.Publishing;

namespace EdgeMicro.Device.Tests.Core;

public sealed class ModelUpdateTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static UpdatePackage Package(uint version, uint id = 1, int chunk = 700) => UpdatePackage.Create(Digits.WithVersion(version), Digits.FleetKey, id, chunk);

    private static DeviceHarness BootedOnV1()
    {
        var storage = new MemoryStorage();
        byte[] v1 = Digits.BlobV1;
        storage.Write(ModelSlots.ActiveFile, v1, 0, v1.Length);
        return new DeviceHarness(storage, compiled: CompiledV100()).Boot();
    }

    private static ActiveModel CompiledV100() => new(new EdgeMicro.Core.Inference.Classifier(EdgeMicro.Core.Format.ModelBlobReader.Read(Digits.WithVersion(100)).Model), ActiveModel.SourceCompiled);

    [Fact]
    public void Update_WhenValid_IsVerifiedActivatedAndAnnounced()
    {
        DeviceHarness d = BootedOnV1();
        Assert.Equal(1u, d.Version);

        d.Deliver(Package(2, id: 42));

        Assert.Equal(2u, d.Version);
        Assert.Equal(ActiveModel.SourceActive, d.Runtime.Model.Source);
        Assert.Equal(42, d.Events(PayloadFields.EventAccepted).Single().GetProperty("update").GetInt64());
        Assert.Equal(Digits.WithVersion(2), d.Storage[ModelSlots.ActiveFile]);
        Assert.Equal(Digits.BlobV1, d.Storage[ModelSlots.PreviousFile]);
        Assert.DoesNotContain(ModelSlots.StagingFile, d.Storage.Names);
        Assert.Equal(2, d.Messages("status")[^1].GetProperty("ver").GetInt64());
    }

    public static TheoryData<string, string> BadUpdates => new()
    {
        { "truncated", UpdateReasons.Truncated },
        { "corrupted", UpdateReasons.Crc },
        { "wrong-key", UpdateReasons.Signature },
        { "self-test", UpdateReasons.SelfTest },
        { "manifest-id", UpdateReasons.ManifestMismatch },
        { "garbage", UpdateReasons.InvalidBlob },
        { "oversize-chunk", UpdateReasons.BadChunk },
    };

    [Theory]
    [MemberData(nameof(BadUpdates))]
    public void Update_WhenBad_IsRejectedWithTheReasonAndTheRunningModelStays(string kind, string reason)
    {
        DeviceHarness d = BootedOnV1();
        byte[] v2 = Digits.WithVersion(2);
        switch (kind)
        {
            case "truncated":
                d.Deliver(Package(2), chunks: Package(2).ChunkCount - 1);
                break;
            case "corrupted":
                byte[] flipped = (byte[])v2.Clone();
                flipped[flipped.Length / 2] ^= 0x40;
                d.Deliver(Package(2).WithPayload(flipped));
                break;
            case "wrong-key":
                d.Deliver(UpdatePackage.Create(v2, new byte[32], 1));
                break;
            case "self-test":
                d.Deliver(UpdatePackage.Create(Digits.WithBrokenSelfTest(2), Digits.FleetKey, 1));
                break;
            case "manifest-id":
                d.Deliver(UpdatePackage.CreateUnchecked(v2, Digits.FleetKey, 1, "digits", 3));
                break;
            case "garbage":
                d.Deliver(UpdatePackage.CreateUnchecked(new byte[3000], Digits.FleetKey, 1, "digits", 2));
                break;
            default:
                UpdatePackage p = Package(2);
                d.Deliver(p.WithPayload([.. v2, 1, 2, 3]));
                break;
        }

        var rejected = d.Events(PayloadFields.EventRejected).Single();
        Assert.Equal(reason, rejected.GetProperty("reason").GetString());
        Assert.Equal(1u, d.Version);
        Assert.Equal(Digits.BlobV1, d.Storage[ModelSlots.ActiveFile]);
        Assert.DoesNotContain(ModelSlots.StagingFile, d.Storage.Names);
        Assert.Empty(d.Events(PayloadFields.EventAccepted));
    }

    [Fact]
    public void Update_WhenChunksAndCommitAreRedelivered_IgnoresTheDuplicates()
    {
        DeviceHarness d = BootedOnV1();
        UpdatePackage p = Package(2, id: 5);
        d.Link.Send("edgemicro/dev-1/model/manifest", p.ManifestPayload());
        for (int i = 0; i < p.ChunkCount; i++)
        {
            d.Link.Send("edgemicro/dev-1/model/chunk", p.ChunkPayload(i));
            d.Link.Send("edgemicro/dev-1/model/chunk", p.ChunkPayload(i));
            d.Link.Send("edgemicro/dev-1/model/manifest", p.ManifestPayload());
        }

        d.Link.Send("edgemicro/dev-1/model/commit", p.CommitPayload());
        d.Link.Send("edgemicro/dev-1/model/commit", p.CommitPayload());
        d.Link.Send("edgemicro/dev-1/model/chunk", p.ChunkPayload(0));
        d.Drain();

        Assert.Equal(2u, d.Version);
        Assert.Single(d.Events(PayloadFields.EventAccepted));
        Assert.Empty(d.Events(PayloadFields.EventRejected));
    }

    [Fact]
    public void Update_WhenAChunkIsMissingInTheMiddle_IsRejectedAsAGap()
    {
        DeviceHarness d = BootedOnV1();
        UpdatePackage p = Package(2);
        d.Link.Send("edgemicro/dev-1/model/manifest", p.ManifestPayload());
        d.Link.Send("edgemicro/dev-1/model/chunk", p.ChunkPayload(0));
        d.Link.Send("edgemicro/dev-1/model/chunk", p.ChunkPayload(2));
        d.Drain();

        Assert.Equal(UpdateReasons.BadChunk, d.LastEvent().GetProperty("reason").GetString());
        Assert.Equal(1u, d.Version);
    }

    [Fact]
    public void Update_WhenANewManifestArrivesMidway_SupersedesTheOldOneAndAppliesTheNew()
    {
        DeviceHarness d = BootedOnV1();
        UpdatePackage old = Package(2, id: 1), fresh = Package(3, id: 2);
        d.Link.Send("edgemicro/dev-1/model/manifest", old.ManifestPayload());
        d.Link.Send("edgemicro/dev-1/model/chunk", old.ChunkPayload(0));
        d.Deliver(fresh);

        Assert.Equal(UpdateReasons.Superseded, d.Events(PayloadFields.EventRejected).Single().GetProperty("reason").GetString());
        Assert.Equal(3u, d.Version);
    }

    [Fact]
    public void Rollback_WhenAPreviousModelExists_SwapsSlotsBothWays()
    {
        DeviceHarness d = BootedOnV1();
        d.Deliver(Package(2));

        d.Command("""{"cmd":"rollback","id":9}""");
        Assert.Equal(1u, d.Version);
        Assert.Single(d.Events(PayloadFields.EventRolledBack));
        Assert.True(d.LastEvent().GetProperty("ok").GetBoolean());
        Assert.Equal(9, d.LastEvent().GetProperty("id").GetInt64());

        d.Command("""{"cmd":"rollback"}""");
        Assert.Equal(2u, d.Version);
        Assert.Equal(Digits.WithVersion(2), d.Storage[ModelSlots.ActiveFile]);
        Assert.Equal(Digits.BlobV1, d.Storage[ModelSlots.PreviousFile]);
    }

    [Fact]
    public void Rollback_WhenThereIsNoPreviousModel_IsRefused()
    {
        DeviceHarness d = BootedOnV1();

        d.Command("""{"cmd":"rollback"}""");

        Assert.False(d.LastEvent().GetProperty("ok").GetBoolean());
        Assert.Equal(UpdateReasons.NoPrevious, d.LastEvent().GetProperty("detail").GetString());
        Assert.Equal(1u, d.Version);
    }

    /// <summary>
    /// Power cut at every storage mutation of an update (k = 1..all, plus one past the end = no cut): the running
    /// device keeps v1 unless the update completed, and after a reboot on the same files the device always loads
    /// v1 or v2 from a slot (never a broken file, never the compiled-in fallback, since a valid file always remains).
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Update_WhenPowerIsCutAtEveryStorageStep_AlwaysBootsAValidModel(bool withPrevious)
    {
        MemoryStorage initial = InitialStorage(withPrevious);
        UpdatePackage p = Package(2, chunk: 2000);
        int total = CountMutations(initial, d => d.Deliver(p));
        Assert.True(total >= p.ChunkCount + 3, "an update takes at least one append per chunk plus the switch");
        var outcomes = new SortedSet<string>();
        for (int k = 1; k <= total + 1; k++)
        {
            MemoryStorage storage = initial.Clone();
            DeviceHarness d = new DeviceHarness(storage, compiled: CompiledV100()).Boot();
            storage.ResetCounter();
            storage.FailAt = k;

            d.Deliver(p);

            bool accepted = d.Events(PayloadFields.EventAccepted).Count == 1;
            Assert.Equal(accepted ? 2u : 1u, d.Version);
            Assert.Equal(k > total, accepted);
            uint booted = Reboot(storage);
            Assert.True(booted is 1 or 2, $"k={k}: booted v{booted}");
            outcomes.Add(booted.ToString());
        }

        Assert.Equal(["1", "2"], outcomes);
        output.WriteLine($"update of {p.Blob.Length} bytes in {p.ChunkCount} chunks: {total} storage mutations, power cut injected at each; reboots found v1/v2: {string.Join(",", outcomes)}");
    }

    [Fact]
    public void Rollback_WhenPowerIsCutAtEveryStorageStep_AlwaysBootsAValidModel()
    {
        MemoryStorage initial = AfterUpdate();
        int total = CountMutations(initial, d => d.Command("""{"cmd":"rollback"}"""));
        const int Renames = 3;
        Assert.Equal(Renames + 1, total); // the three renames, then the lowered anti-rollback floor
        for (int k = 1; k <= total + 1; k++)
        {
            MemoryStorage storage = initial.Clone();
            DeviceHarness d = new DeviceHarness(storage, compiled: CompiledV100()).Boot();
            storage.ResetCounter();
            storage.FailAt = k;

            d.Command("""{"cmd":"rollback"}""");

            Assert.Equal(k > Renames ? 1u : 2u, d.Version);
            Assert.True(Reboot(storage) is 1 or 2);
        }
    }

    /// <summary>Active = v1, and previous = v7 if asked.</summary>
    private static MemoryStorage InitialStorage(bool withPrevious)
    {
        var s = new MemoryStorage();
        byte[] v1 = Digits.BlobV1, v7 = Digits.WithVersion(7);
        s.Write(ModelSlots.ActiveFile, v1, 0, v1.Length);
        if (withPrevious)
        {
            s.Write(ModelSlots.PreviousFile, v7, 0, v7.Length);
        }

        return s;
    }

    /// <summary>Active = v2, previous = v1: what a rollback starts from.</summary>
    private static MemoryStorage AfterUpdate()
    {
        var s = new MemoryStorage();
        byte[] v1 = Digits.BlobV1, v2 = Digits.WithVersion(2);
        s.Write(ModelSlots.ActiveFile, v2, 0, v2.Length);
        s.Write(ModelSlots.PreviousFile, v1, 0, v1.Length);
        return s;
    }

    private static int CountMutations(MemoryStorage initial, Action<DeviceHarness> act)
    {
        MemoryStorage dry = initial.Clone();
        DeviceHarness d = new DeviceHarness(dry, compiled: CompiledV100()).Boot();
        dry.ResetCounter();
        act(d);
        return dry.Mutations;
    }

    private static uint Reboot(MemoryStorage storage)
    {
        storage.Reboot();
        DeviceHarness rebooted = new DeviceHarness(storage, compiled: CompiledV100()).Boot();
        Assert.NotEqual(ActiveModel.SourceCompiled, rebooted.Runtime.Model.Source);
        Assert.DoesNotContain(ModelSlots.StagingFile, storage.Names);
        return rebooted.Version;
    }
}
