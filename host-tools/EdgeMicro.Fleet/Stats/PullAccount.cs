using System.Text.Json;

namespace EdgeMicro.Fleet.Stats;

/// <summary>What one device sent during a pull.</summary>
/// <param name="DeviceId">Device.</param>
/// <param name="Received">Messages received (reports, results, labels, events).</param>
/// <param name="Stored">New ones stored.</param>
/// <param name="Duplicates">Already stored (re-deliveries).</param>
/// <param name="Invalid">Not valid reports or messages.</param>
/// <param name="Gaps">Seqs missing in the store for the boots this pull heard from.</param>
public sealed record DeviceAccount(string DeviceId, int Received, int Stored, int Duplicates, int Invalid, long Gaps);

/// <summary>Outcome of a pull.</summary>
/// <param name="Received">Messages received.</param>
/// <param name="Stored">New reports and messages stored.</param>
/// <param name="Duplicates">Reports and messages already in the store.</param>
/// <param name="Invalid">Messages that were not valid.</param>
/// <param name="Devices">Devices heard from.</param>
public sealed record PullResult(int Received, int Stored, int Duplicates, int Invalid, IReadOnlyList<string> Devices)
{
    /// <summary>Gets the per-device account.</summary>
    public IReadOnlyList<DeviceAccount> Accounts { get; init; } = [];

    /// <summary>Gets the number of established broker connections that were lost (and re-established or not).</summary>
    public int ConnectionsLost { get; init; }

    /// <summary>Gets the seconds from the first message received until the last batch was committed (0 without messages).</summary>
    public double ActiveSeconds { get; init; }

    /// <summary>Gets a value indicating whether the pull ended without a connection to the broker.</summary>
    public bool EndedDisconnected { get; init; }

    /// <summary>Gets the seqs missing in the store over all devices heard from.</summary>
    public long Gaps => Accounts.Sum(a => a.Gaps);

    /// <summary>Gets a value indicating whether the pull ended connected and with no gaps.</summary>
    public bool Complete => Gaps == 0 && !EndedDisconnected;

    /// <summary>One line saying why the pull is incomplete, or null when it is complete.</summary>
    /// <returns>The line.</returns>
    public string? Problem()
    {
        var parts = new List<string>();
        if (Gaps > 0)
        {
            parts.Add($"{Gaps} messages missing (gaps) from {Accounts.Count(a => a.Gaps > 0)} devices: {string.Join(", ", Accounts.Where(a => a.Gaps > 0).Take(5).Select(a => $"{a.DeviceId} {a.Gaps}"))}");
        }

        if (EndedDisconnected)
        {
            parts.Add("the connection to the broker was lost and not regained");
        }

        return parts.Count == 0 ? null : "pull incomplete: " + string.Join("; ", parts);
    }

    /// <summary>JSON of the totals and the per-device account.</summary>
    /// <returns>Indented JSON.</returns>
    public string ToJson() => JsonSerializer.Serialize(
        new
        {
            received = Received, stored = Stored, duplicates = Duplicates, invalid = Invalid, gaps = Gaps,
            connections_lost = ConnectionsLost, ended_disconnected = EndedDisconnected, complete = Complete, active_seconds = Math.Round(ActiveSeconds, 3),
            devices = Accounts.Select(a => new { device = a.DeviceId, received = a.Received, stored = a.Stored, duplicates = a.Duplicates, invalid = a.Invalid, gaps = a.Gaps }),
        },
        new JsonSerializerOptions { WriteIndented = true });
}

/// <summary>Counts a pull's outcomes per device.</summary>
internal sealed class PullAccount
{
    private readonly SortedDictionary<string, int[]> _devices = new(StringComparer.Ordinal);
    private readonly HashSet<(string, long)> _boots = [];

    public void Add(IReadOnlyList<StoreResult> results)
    {
        foreach (StoreResult r in results.Where(r => r.Outcome != StoreOutcome.Ignored))
        {
            if (!_devices.TryGetValue(r.DeviceId, out int[]? c))
            {
                _devices[r.DeviceId] = c = new int[4];
            }

            c[0]++;
            c[1 + (r.Outcome == StoreOutcome.Stored ? 0 : r.Outcome == StoreOutcome.Duplicate ? 1 : 2)]++;
            if (r.Seq > 0)
            {
                _boots.Add((r.DeviceId, r.Boot));
            }
        }
    }

    public PullResult Result(IStatsStore store, int connectionsLost, bool endedDisconnected)
    {
        var gaps = store.Gaps().Where(g => _boots.Contains((g.DeviceId, g.Boot))).GroupBy(g => g.DeviceId).ToDictionary(g => g.Key, g => g.Sum(x => x.Missing));
        DeviceAccount[] accounts = [.. _devices.Select(d => new DeviceAccount(d.Key, d.Value[0], d.Value[1], d.Value[2], d.Value[3], gaps.GetValueOrDefault(d.Key)))];
        return new PullResult(accounts.Sum(a => a.Received), accounts.Sum(a => a.Stored), accounts.Sum(a => a.Duplicates), accounts.Sum(a => a.Invalid), [.. _devices.Keys])
        {
            Accounts = accounts, ConnectionsLost = connectionsLost, EndedDisconnected = endedDisconnected,
        };
    }
}
