using System.Diagnostics;
using EdgeMicro.Fleet.Stats;
using EdgeMicro.TestKit;
using Xunit.Abstractions;

namespace EdgeMicro.Stats.Tests;

/// <summary>
/// End-to-end delivery under faults, counted: virtual devices keep every result, label and statistics window until
/// the puller confirms it is stored; a broker killed (SIGKILL) and restarted without persistence, a puller process
/// killed and restarted, and a device rebooted mid-run lose nothing and store nothing twice. The default suite runs
/// <see cref="FaultFleet.DeviceCount"/> devices (10); tests/soak/delivery-faults.sh runs the same tests with 100.
/// </summary>
[Collection(Faults)]
public sealed class DeliveryFaultTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>Runs alone: 10-100 device threads would disturb the allocation and timing-free tests beside it.</summary>
    public const string Faults = "delivery faults";

    private const int Rows = 120;
    private readonly TempDirectory _dir = new("edgemicro-faults");

    [Fact]
    public async Task BrokerKilledWithoutPersistence_EveryResultLabelAndWindowStoredExactlyOnce()
    {
        await using var fleet = new FaultFleet(_dir, Rows);
        using var store = new StatsStore(fleet.Db);
        using var stop = new CancellationTokenSource();
        Task<PullResult> puller = Task.Run(() => StatsPuller.PullAsync(fleet.Pull(), store, null, stop.Token));
        await fleet.StartAsync(FaultFleet.DeviceCount);
        await Task.Delay(1200);

        fleet.Broker.KillHard();
        await Task.Delay(1500);
        fleet.Broker.Start();

        await fleet.DrainAsync(TimeSpan.FromSeconds(120));
        await stop.CancelAsync();
        PullResult pull = await puller;
        Report(fleet, store, pull);
        Assert.True(pull.ConnectionsLost >= 1, "the puller saw the broker go");
    }

    [Fact]
    public async Task PullerProcessKilled_EveryResultLabelAndWindowStoredExactlyOnce()
    {
        await using var fleet = new FaultFleet(_dir, Rows);
        await fleet.StartAsync(FaultFleet.DeviceCount);
        using (Process first = StartPuller(fleet))
        {
            await Task.Delay(2000);
            first.Kill();
            await first.WaitForExitAsync();
        }

        await Task.Delay(1000);
        using Process second = StartPuller(fleet);
        await fleet.DrainAsync(TimeSpan.FromSeconds(120));
        second.Kill();
        await second.WaitForExitAsync();

        using var store = new StatsStore(fleet.Db);
        Report(fleet, store, null);
    }

    [Fact]
    public async Task DeviceRebootedMidRun_EveryResultLabelAndWindowOfBothBootsStoredExactlyOnce()
    {
        await using var fleet = new FaultFleet(_dir, Rows);
        using var store = new StatsStore(fleet.Db);
        using var stop = new CancellationTokenSource();
        await fleet.StartAsync(FaultFleet.DeviceCount);

        // Half the devices reboot mid-run while no puller acknowledges anything: what they had not delivered is
        // saved on I: and sent again by the next boot, to a puller that starts afterwards.
        await Task.Delay(1500);
        for (int i = 0; i < fleet.Devices.Count; i += 2)
        {
            await fleet.RebootAsync(i);
        }

        Task<PullResult> puller = Task.Run(() => StatsPuller.PullAsync(fleet.Pull(), store, null, stop.Token));

        await fleet.DrainAsync(TimeSpan.FromSeconds(120));
        await stop.CancelAsync();
        PullResult pull = await puller;
        Report(fleet, store, pull);
        Assert.All(fleet.Devices.Where((_, i) => i % 2 == 0), d => Assert.True(d.Runtime.BootNumber >= 2));
    }

    public void Dispose() => _dir.Dispose();

    private static Process StartPuller(FaultFleet fleet)
    {
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in new[] { Path.Combine(AppContext.BaseDirectory, "edgemicro.dll"), "stats", "pull", "--mqtt", $"{fleet.Broker.Host}:{fleet.Broker.Port}", "--store", fleet.Db, "--client-id", "fault-puller", "--idle", "600" })
        {
            info.ArgumentList.Add(a);
        }

        Process p = Process.Start(info)!;
        p.OutputDataReceived += (_, _) => { };
        p.ErrorDataReceived += (_, _) => { };
        p.BeginOutputReadLine();
        p.BeginErrorReadLine();
        return p;
    }

    private void Report(FaultFleet fleet, StatsStore store, PullResult? pull)
    {
        (long lost, long duplicated, string detail) = fleet.Check(store);
        long samples = fleet.Devices.Sum(fleet.SamplesOf);
        output.WriteLine($"{fleet.Devices.Count} devices, {samples} samples, stored {store.CountMessages()} messages, {store.Count().Reports} windows; lost {lost}, duplicated {duplicated}; outbox drops {fleet.Devices.Sum(d => d.Runtime.Outbox.Dropped)}; {pull?.ToJson().Length ?? 0} bytes of pull account, connections lost {pull?.ConnectionsLost}");
        Assert.True(samples >= fleet.Devices.Count * Rows, "every device replayed its rows");
        Assert.True((0L, 0L) == (lost, duplicated), detail);
    }
}

/// <summary>The non-parallel collection of <see cref="DeliveryFaultTests"/>.</summary>
[CollectionDefinition(DeliveryFaultTests.Faults, DisableParallelization = true)]
public sealed class DeliveryFaultCollection
{
}
