using System.Data;
using System.Data.Common;

namespace EdgeMicro.Fleet.Stats;

/// <summary>Queries of the stored device messages (results, labels, events).</summary>
public abstract partial class SqlStatsStore
{
    /// <inheritdoc/>
    public long CountMessages(string? type = null)
    {
        using DbCommand cmd = Command("SELECT COUNT(*) FROM messages WHERE @y IS NULL OR type = @y");
        Param(cmd, "@y", DbType.String, type);
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public IReadOnlyList<(string DeviceId, long Boot, long Seq)> MessageKeys(string type)
    {
        using DbCommand cmd = Command("SELECT device_id, boot, seq FROM messages WHERE type = @y");
        Param(cmd, "@y", DbType.String, type);
        var keys = new List<(string, long, long)>();
        using DbDataReader r = cmd.ExecuteReader();
        while (r.Read())
        {
            keys.Add((r.GetString(0), r.GetInt64(1), r.GetInt64(2)));
        }

        // Sorted here, ordinally: the engines' text collations differ.
        return [.. keys.OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2).ThenBy(k => k.Item3)];
    }

    /// <inheritdoc/>
    public IReadOnlyList<BootGaps> Gaps()
    {
        using DbCommand cmd = Command("SELECT device_id, boot, MAX(seq), COUNT(*) FROM messages GROUP BY device_id, boot");
        var gaps = new List<BootGaps>();
        using DbDataReader r = cmd.ExecuteReader();
        while (r.Read())
        {
            long max = Convert.ToInt64(r.GetValue(2), System.Globalization.CultureInfo.InvariantCulture), count = Convert.ToInt64(r.GetValue(3), System.Globalization.CultureInfo.InvariantCulture);
            gaps.Add(new BootGaps(r.GetString(0), r.GetInt64(1), max, max - count));
        }

        return [.. gaps.OrderBy(g => g.DeviceId, StringComparer.Ordinal).ThenBy(g => g.Boot)];
    }
}
