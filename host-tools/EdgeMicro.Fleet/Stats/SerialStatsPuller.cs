using EdgeMicro.Core.Protocol;
using EdgeMicro.Core.Stats;
using EdgeMicro.Data;
using EdgeMicro.Serial;

namespace EdgeMicro.Fleet.Stats;

/// <summary>
/// <c>edgemicro stats pull --serial PORT</c>: reads one device's statistics report over the framed serial protocol of
/// a test rig (HELLO, then GET_STATS in frame-sized pieces; the device starts a new window) into the
/// <see cref="IStatsStore"/>, with the same idempotence as the MQTT pull.
/// </summary>
public static class SerialStatsPuller
{
    /// <summary>Pulls the report of the device on the port.</summary>
    /// <param name="port">Open serial port.</param>
    /// <param name="store">Destination.</param>
    /// <param name="deviceId">The device expected on the port, or null for any.</param>
    /// <param name="progress">Receives progress lines (or null).</param>
    /// <param name="options">Link options, or null for the defaults.</param>
    /// <returns>What was pulled.</returns>
    /// <exception cref="InputDataException">Another device answered, or the report is invalid.</exception>
    /// <exception cref="DeviceLinkException">The link failed after retries.</exception>
    public static PullResult Pull(ISerialPort port, IStatsStore store, string? deviceId, Action<string>? progress, DeviceClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(port);
        ArgumentNullException.ThrowIfNull(store);
        var client = new DeviceClient(port, options);
        DeviceInfo info = client.Hello();
        if (deviceId != null && info.DeviceId != deviceId)
        {
            throw new InputDataException($"{port.Name}: device {info.DeviceId} answered, expected {deviceId}");
        }

        progress?.Invoke($"{port.Name}: device {info.DeviceId}, model {info.ModelId} v{info.ModelVersion}");
        byte[] payload = client.GetStatsReport();
        try
        {
            bool added = store.Add(payload, out StatsReport report);
            progress?.Invoke($"{report.DeviceId} report {report.ReportSequence}: {report.Counters?.InferenceCount ?? 0} inferences, {report.Samples?.Length ?? 0} samples ({payload.Length} bytes){(added ? string.Empty : " (already stored)")}");
            return new PullResult(1, added ? 1 : 0, added ? 0 : 1, 0, [report.DeviceId]);
        }
        catch (StatsFormatException e)
        {
            throw new InputDataException($"{port.Name}: device {info.DeviceId} sent an invalid statistics report: {e.Message}", e);
        }
    }
}
