using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Device.Storage;
using EdgeMicro.Core.Device.Update;
using EdgeMicro.Device.Tests.Support;
using EdgeMicro.Fleet.Publishing;

namespace EdgeMicro.Device.Tests.Core;

/// <summary>
/// Storage fault harness: power cut at every mutation, the cut write torn at many byte offsets, atomic and
/// non-atomic renames and deletes, and a second cut at every mutation of the following boot's recovery. Checks the
/// boot counter (never a reused number), the anti-rollback floor (never lowered by a cut) and the model slots
/// (always a valid model from a slot).
/// </summary>
public sealed class StorageFaultTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private static readonly int[] TornOffsets = [0, 1, 3, 4, 7, -1];

    private static ActiveModel CompiledV100() => new(new EdgeMicro.Core.Inference.Classifier(EdgeMicro.Core.Format.ModelBlobReader.Read(Digits.WithVersion(100)).Model), ActiveModel.SourceCompiled);

    private static DeviceHarness Boot(MemoryStorage s) => new DeviceHarness(s, compiled: CompiledV100()).Boot();

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BootCounter_WhenEveryBootIsCutAtEveryStepAndOffset_NeverReusesANumber(bool nonAtomic)
    {
        var s = new MemoryStorage { NonAtomic = nonAtomic };
        var used = new HashSet<long>();
        long highest = 0;
        int nonces = 0;
        for (int round = 0; round < 40; round++)
        {
            s.TornBytes = TornOffsets[round % TornOffsets.Length];
            s.RebootAndCutAt(round % 3 == 2 ? 0 : 1 + (round % 2)); // cut the counter write, or the one after, or none
            long n = Boot(s).Runtime.BootNumber;
            Assert.True(used.Add(n), $"round {round}: boot number {n} was used before");
            if (n >= BootCounter.NonceBase)
            {
                nonces++;
            }
            else
            {
                Assert.True(n > highest, $"round {round}: {n} after {highest}");
                highest = n;
            }
        }

        Assert.InRange(nonces, 1, 39);
        output.WriteLine($"40 boots with cuts: {used.Count} distinct boot ids, highest count {highest}, {nonces} random nonces");
    }

    [Fact]
    public void BootCounter_WhenTheOldSingleFileFormatExists_CountsOnFromIt()
    {
        var s = new MemoryStorage();
        s.Write(BootCounter.LegacyFile, [41, 0, 0, 0, unchecked((byte)~41), 0xFF, 0xFF, 0xFF], 0, 8);

        Assert.Equal(42, Boot(s).Runtime.BootNumber);
        Assert.Equal(43, Boot(s).Runtime.BootNumber);
    }

    [Fact]
    public void BootCounter_WhenStorageFailsEntirely_UsesARandomNonceAboveTheCounterRange()
    {
        var s = new MemoryStorage();
        s.RebootAndCutAt(1);
        long a = Boot(s).Runtime.BootNumber;
        s.RebootAndCutAt(1);
        long b = Boot(s).Runtime.BootNumber;
        s.Reboot();

        Assert.True(a >= BootCounter.NonceBase && b >= BootCounter.NonceBase && a != b, $"{a} {b}");
        Assert.Equal(1, Boot(s).Runtime.BootNumber);
    }

    /// <summary>
    /// An update cut at every mutation (torn at several offsets, renames atomic or not), then a second cut at every
    /// mutation of the next boot's recovery, then a clean boot: always a valid model from a slot, the floor never
    /// below the model that runs, and no boot number twice.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Update_WhenCutAnywhereAndAgainDuringRecovery_AlwaysBootsAValidModel(bool nonAtomic)
    {
        var initial = new MemoryStorage { NonAtomic = nonAtomic };
        byte[] v1 = Digits.BlobV1;
        initial.Write(ModelSlots.ActiveFile, v1, 0, v1.Length);
        UpdatePackage p = UpdatePackage.Create(Digits.WithVersion(2), Digits.FleetKey, 1, 2000);
        MemoryStorage dry = initial.Clone();
        DeviceHarness probe = Boot(dry);
        dry.ResetCounter();
        probe.Deliver(p);
        int total = dry.Mutations;
        int scenarios = 0;
        var outcomes = new SortedSet<uint>();
        foreach (int torn in TornOffsets)
        {
            for (int k = 1; k <= total + 1; k++)
            {
                for (int j = 1; j <= 5; j++)
                {
                    MemoryStorage s = initial.Clone();
                    s.NonAtomic = nonAtomic;
                    s.TornBytes = torn;
                    DeviceHarness d = Boot(s);
                    var boots = new HashSet<long> { d.Runtime.BootNumber };
                    s.ResetCounter();
                    s.FailAt = k;
                    d.Deliver(p);
                    s.RebootAndCutAt(j);
                    Assert.True(boots.Add(Boot(s).Runtime.BootNumber), $"torn {torn} k={k} j={j}: boot number reused after the recovery cut");
                    s.Reboot();
                    DeviceHarness final = Boot(s);
                    Assert.True(boots.Add(final.Runtime.BootNumber), $"torn {torn} k={k} j={j}: boot number reused");
                    Assert.NotEqual(ActiveModel.SourceCompiled, final.Runtime.Model.Source);
                    uint version = final.Version;
                    Assert.True(version is 1 or 2, $"torn {torn} k={k} j={j}: booted v{version}");
                    final.Deliver(UpdatePackage.Create(v1, Digits.FleetKey, 9, 2000));
                    bool v1Accepted = final.Events(PayloadFields.EventAccepted).Count == 1;
                    Assert.True(version == 1 || !v1Accepted, $"torn {torn} k={k} j={j}: v1 re-installed over v2: a cut lowered the floor");
                    outcomes.Add(version);
                    scenarios++;
                }
            }
        }

        Assert.Equal([1u, 2u], outcomes);
        output.WriteLine($"update of {total} mutations, {scenarios} scenarios (cut x torn offset x second cut in recovery), non-atomic={nonAtomic}: booted v{string.Join("/v", outcomes)}");
    }
}
