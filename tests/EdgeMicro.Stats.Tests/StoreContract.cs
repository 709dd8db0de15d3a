using System.Text.Json;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Core.Stats;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Balancing;
using EdgeMicro.Fleet.Stats;

namespace EdgeMicro.Stats.Tests;

/// <summary>
/// The store contract, run against every implementation (<see cref="SqliteStoreTests"/>, <see cref="PostgresStoreTests"/>):
/// idempotent batches, the aggregated windows equal to the exact merge of the stored reports for every selection,
/// the samples and boots the planner reads, concurrent writers, and versioned migrations.
/// </summary>
public abstract class StoreContract
{
    /// <summary>Opens a store: the same one again for the same name.</summary>
    protected abstract IStatsStore Open(string name, TimeProvider? clock = null);

    [Fact]
    public void Add_WhenTheSameReportArrivesTwice_StoresItOnce()
    {
        var fleet = new Fleet(2, 2, 5);
        using IStatsStore store = Open("once");
        byte[][] all = fleet.Reports.Values.SelectMany(r => r).ToArray();

        int first = all.Count(p => store.Add(p, out _));
        var counts = store.Count();
        int second = all.Count(p => store.Add(p, out _));

        Assert.Equal(4, first);
        Assert.Equal(0, second);
        Assert.Equal(counts, store.Count());
        Assert.True(counts.Samples > 0);
        Assert.Throws<StatsFormatException>(() => store.Add([1, 2, 3], out _));
    }

    [Fact]
    public void AddBatch_WhenMessagesAreDeliveredAgainInAnyOrder_StoresEachOnceAndSaysWhatItDid()
    {
        var fleet = new Fleet(3, 2, 8);
        List<InboundMessage> batch = [.. FleetMessages.Of(fleet)];
        using IStatsStore store = Open("batch");

        IReadOnlyList<StoreResult> first = store.AddBatch([.. batch, new InboundMessage("edgemicro/dev00/stats", [1, 2, 3]), new InboundMessage("edgemicro/dev00/status", """{"type":"status","seq":0}"""u8.ToArray())]);
        IReadOnlyList<StoreResult> again = store.AddBatch([.. Enumerable.Reverse(batch)]);

        Assert.Equal(batch.Count, first.Count(r => r.Outcome == StoreOutcome.Stored));
        Assert.Equal([StoreOutcome.Invalid, StoreOutcome.Ignored], first.TakeLast(2).Select(r => r.Outcome));
        Assert.All(again, r => Assert.Equal(StoreOutcome.Duplicate, r.Outcome));
        Assert.Equal(6, store.Count().Reports);
        Assert.Equal(9, store.CountMessages(PayloadFields.TypeResult));
        Assert.Equal(["dev00", "dev01", "dev02"], store.MessageKeys(PayloadFields.TypeResult).Select(k => k.DeviceId).Distinct());

        // dev01 never sent seq 2 of boot 7: one gap.
        Assert.Equal(1, store.Gaps().Single(g => g.DeviceId == "dev01").Missing);
        Assert.All(store.Gaps().Where(g => g.DeviceId != "dev01"), g => Assert.Equal(0, g.Missing));
    }

    [Fact]
    public void Windows_ForEverySelection_EqualTheExactMergeOfTheSelectedReports()
    {
        var clock = new SteppingClock(new DateTimeOffset(2026, 12, 1, 7, 40, 0, TimeSpan.Zero));
        var fleet = new Fleet(5, 4, 11);
        using IStatsStore store = Open("windows", clock);
        for (int w = 0; w < 4; w++)
        {
            // Window w of every device arrives 50 minutes after window w - 1: 07:40, 08:30, 09:20, 10:10.
            store.AddBatch([.. fleet.Reports.Select(kv => new InboundMessage(TopicLayout.Of(kv.Key, TopicLayout.StatsLeaf), kv.Value[w]))]);
            clock.Advance(TimeSpan.FromMinutes(50));
        }

        IReadOnlyList<StoredReport> reports = store.Reports();
        DateTime[] sinces = [new(2026, 12, 1, 8, 0, 0, DateTimeKind.Utc), new(2026, 12, 1, 8, 10, 0, DateTimeKind.Utc), new(2026, 12, 1, 9, 59, 0, DateTimeKind.Utc)];
        StatsQuery[] queries =
        [
            StatsQuery.All, new() { Devices = ["dev01", "dev03"] }, new() { Devices = [] }, new() { ModelId = reports[0].Report.ModelId, ModelVersion = reports[0].Report.ModelVersion }, new() { ModelVersion = 99 },
            .. sinces.Select(s => new StatsQuery { Since = s }), new() { Since = sinces[1], Devices = ["dev04"] },
        ];
        foreach (StatsQuery q in queries)
        {
            var expected = reports.Where(r => (q.Devices == null || q.Devices.Contains(r.Report.DeviceId)) && (q.ModelVersion == null || r.Report.ModelVersion == q.ModelVersion) && (q.ModelId == null || r.Report.ModelId == q.ModelId)
                && (q.Since == null || string.CompareOrdinal(r.ReceivedUtc, q.Since.Value.ToString("O", System.Globalization.CultureInfo.InvariantCulture)) >= 0));
            Assert.Equal(StatsSummary.ToJson(StatsSummary.Build(expected)), StatsSummary.ToJson(StatsSummary.Build(store.Windows(q))));
            Assert.Equal(expected.Select(r => (r.Report.DeviceId, r.Report.ReportSequence, r.ReceivedUtc)), store.Reports(q).Select(r => (r.Report.DeviceId, r.Report.ReportSequence, r.ReceivedUtc)));
        }

        Assert.Equal(6, StatsSummary.Build(store.Windows(StatsQuery.All)).Count); // one model version: 5 devices and their merge
        Assert.Equal(15, StatsSummary.Build(store.Windows(new StatsQuery { Since = sinces[1] })).Single(x => x.DeviceId == DeviceSummary.AllDevices).Reports); // 08:30 (inside 08:10's hour), 09:20, 10:10
    }

    [Fact]
    public void Samples_WhenADeviceRestartedItsWindowNumbering_ComeInArrivalOrderWithTheBootsOfThePlanner()
    {
        var before = new Fleet(3, 2, 21);
        var after = new Fleet(2, 2, 22); // dev00 and dev01 again, numbering from the start: boot 1
        using IStatsStore store = Open("boots", new SteppingClock(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero)));
        store.AddBatch([.. FleetMessages.Of(before).Where(m => m.Topic.EndsWith("/stats", StringComparison.Ordinal))]);
        store.AddBatch([.. FleetMessages.Of(after).Where(m => m.Topic.EndsWith("/stats", StringComparison.Ordinal))]);

        IReadOnlyList<StoredReport> reports = store.Reports();
        var boots = BalancePlanner.Boots(reports);
        StoredSample[] expected = [.. reports.SelectMany(r => r.Report.Samples.Select(s => new StoredSample(r.Report.DeviceId, r.Report.ModelId, r.Report.ModelVersion, r.Report.ReportSequence, s, boots[r.Report].Boot, r.ReceivedUtc)))];
        IReadOnlyList<StoredSample> actual = store.Samples(StatsQuery.All);

        Assert.Equal(Json(expected), Json(actual));
        Assert.Contains(actual, s => s.Boot == 1);
        Assert.Equal(Json(expected.Where(s => s.DeviceId == "dev01")), Json(store.Samples(new StatsQuery { Devices = ["dev01"] })));
        Assert.Empty(store.Samples(new StatsQuery { ModelVersion = 99 }));
        Assert.Equal(reports.Sum(r => r.Report.DriftAlarms), store.DriftAlarms(StatsQuery.All));
    }

    [Fact]
    public async Task AddBatch_WhenThreeWritersStoreOverlappingBatchesAtOnce_StoresEachReportOnceAndTheWindowsStayExact()
    {
        var fleet = new Fleet(12, 3, 31);
        List<InboundMessage> all = [.. FleetMessages.Of(fleet)];
        using (IStatsStore create = Open("concurrent"))
        {
            Assert.Equal(StoreSchema.Latest, create.SchemaVersion);
        }

        // Each writer gets two thirds of the messages (every message reaches two writers), in its own order, in small batches.
        int[] stored = await Task.WhenAll(Enumerable.Range(0, 3).Select(w => Task.Run(() =>
        {
            using IStatsStore store = Open("concurrent");
            var random = new Random(w);
            var mine = all.Where((m, i) => i % 3 != w).OrderBy(_ => random.Next()).ToList();
            return mine.Chunk(7).Sum(chunk => store.AddBatch(chunk).Count(r => r.Outcome == StoreOutcome.Stored));
        })));

        using IStatsStore check = Open("concurrent");
        Assert.Equal(all.Count, stored.Sum());
        Assert.Equal(36, check.Count().Reports);
        Assert.Equal(StatsSummary.ToJson(StatsSummary.Build(check.Reports())), StatsSummary.ToJson(StatsSummary.Build(check.Windows(StatsQuery.All))));
    }

    [Fact]
    public void Open_WhenTheStoreIsOpenedAgain_KeepsItsSchemaVersionAndData()
    {
        var fleet = new Fleet(2, 1, 3);
        using (IStatsStore store = Open("reopen"))
        {
            store.AddBatch([.. FleetMessages.Of(fleet)]);
        }

        using IStatsStore again = Open("reopen");
        Assert.Equal(StoreSchema.Latest, again.SchemaVersion);
        Assert.Equal(2, again.Count().Reports);
        Assert.Equal(2, StatsSummary.Build(again.Windows(StatsQuery.All)).Single(s => s.DeviceId == DeviceSummary.AllDevices).Reports);
    }

    [Fact]
    public void Open_WhenAStoreHasANewerSchemaVersion_RefusesWithOneLine()
    {
        using (IStatsStore store = Open("newer"))
        {
            RaiseSchemaVersion(store);
        }

        var e = Assert.Throws<InputDataException>(() => Open("newer"));
        Assert.Contains("newer than this edgemicro", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Writes a schema version above <see cref="StoreSchema.Latest"/> into the store.</summary>
    protected abstract void RaiseSchemaVersion(IStatsStore store);

    private static string Json<T>(IEnumerable<T> value) => JsonSerializer.Serialize(value);
}

/// <summary>A fleet's messages as a puller receives them.</summary>
public static class FleetMessages
{
    /// <summary>Every report of the fleet, and three results per device (boot 7; dev01's seq 2 missing, so 3 results with seq 1, 3, 4).</summary>
    public static IEnumerable<InboundMessage> Of(Fleet fleet)
    {
        ArgumentNullException.ThrowIfNull(fleet);
        foreach ((string id, List<byte[]> reports) in fleet.Reports)
        {
            foreach (byte[] r in reports)
            {
                yield return new InboundMessage(TopicLayout.Of(id, TopicLayout.StatsLeaf), r);
            }

            foreach (int seq in id == "dev01" ? new[] { 1, 3, 4 } : [1, 2, 3])
            {
                yield return new InboundMessage(TopicLayout.Of(id, TopicLayout.ResultsLeaf), System.Text.Encoding.UTF8.GetBytes($$"""{"type":"result","boot":7,"seq":{{seq}},"class":1}"""));
            }
        }
    }
}

/// <summary>An arrival clock the test moves.</summary>
public sealed class SteppingClock(DateTimeOffset start) : TimeProvider
{
    private DateTimeOffset _now = start;

    public void Advance(TimeSpan by) => _now += by;

    public override DateTimeOffset GetUtcNow() => _now;
}
