namespace EdgeMicro.Fleet.Hil;

/// <summary>One vector where the device and the host twin differ.</summary>
/// <param name="Index">0-based vector index in the test file.</param>
/// <param name="Label">True class, or -1 when the file has no labels.</param>
/// <param name="Field">First differing field: class, confidence, margin, runner-up or outputs.</param>
/// <param name="Host">Host twin result (class, confidence Q15, margin Q15, raw outputs).</param>
/// <param name="Device">Device result, same form.</param>
public sealed record HilMismatch(int Index, int Label, string Field, string Host, string Device);

/// <summary>Result of a hardware-in-the-loop run.</summary>
public sealed class HilReport
{
    /// <summary>Gets or sets the serial port (or "virtual").</summary>
    public required string Port { get; set; }

    /// <summary>Gets or sets the device id.</summary>
    public required string DeviceId { get; set; }

    /// <summary>Gets or sets the device firmware version.</summary>
    public required string Firmware { get; set; }

    /// <summary>Gets or sets the model the device reports ("id vN (model CRC 0x...)").</summary>
    public required string DeviceModel { get; set; }

    /// <summary>Gets or sets the host model ("id vN (model CRC 0x...)").</summary>
    public required string HostModel { get; set; }

    /// <summary>Gets or sets what <c>--key</c> installed before the run, or null when nothing was uploaded.</summary>
    public string? Installed { get; set; }

    /// <summary>Gets or sets a value indicating whether the device runs exactly the host model (id, version, CRC).</summary>
    public bool SameModel { get; set; }

    /// <summary>Gets or sets why the run could not compare every vector (e.g. the input sizes differ), or null.</summary>
    public string? Problem { get; set; }

    /// <summary>Gets or sets the number of test vectors.</summary>
    public int Vectors { get; set; }

    /// <summary>Gets or sets the number of vectors run on the device and compared.</summary>
    public int Compared { get; set; }

    /// <summary>Gets or sets the number of vectors whose device result differs from the host twin in any field.</summary>
    public int MismatchCount { get; set; }

    /// <summary>Gets or sets the fraction of compared vectors where device and host predict the same class.</summary>
    public double Agreement { get; set; }

    /// <summary>Gets or sets the fraction of compared vectors where every field is identical.</summary>
    public double ExactMatch { get; set; }

    /// <summary>Gets or sets the device's top-1 accuracy on labelled vectors, or null without labels.</summary>
    public double? DeviceAccuracy { get; set; }

    /// <summary>Gets or sets the host twin's top-1 accuracy on labelled vectors, or null without labels.</summary>
    public double? HostAccuracy { get; set; }

    /// <summary>Gets or sets the on-device inference latency median in milliseconds.</summary>
    public double LatencyP50Ms { get; set; }

    /// <summary>Gets or sets the on-device latency 95th percentile in milliseconds.</summary>
    public double LatencyP95Ms { get; set; }

    /// <summary>Gets or sets the largest on-device latency in milliseconds.</summary>
    public double LatencyMaxMs { get; set; }

    /// <summary>Gets or sets the vectors that got no valid answer after every attempt (link failures, not mismatches).</summary>
    public int LinkFailures { get; set; }

    /// <summary>Gets or sets the indices of the vectors that failed on the link.</summary>
    public List<int> LinkFailedVectors { get; set; } = [];

    /// <summary>Gets or sets the link retransmissions (after NAKs or corrupted responses, plus after timeouts).</summary>
    public int LinkRetries { get; set; }

    /// <summary>Gets or sets the retransmissions sent at once after a NAK or a corrupted or truncated response.</summary>
    public int LinkFastResends { get; set; }

    /// <summary>Gets or sets the retransmissions after a timeout (adaptive, from measured round trips).</summary>
    public int LinkTimeouts { get; set; }

    /// <summary>Gets or sets the NAKs the device sent for requests it received damaged.</summary>
    public int LinkNaks { get; set; }

    /// <summary>Gets or sets the smoothed INFER round trip in milliseconds (-1 when none was measured).</summary>
    public double InferRoundTripMs { get; set; }

    /// <summary>Gets or sets the corrupted frames discarded by the host.</summary>
    public int CorruptFrames { get; set; }

    /// <summary>Gets or sets the wall-clock seconds of the run.</summary>
    public double Seconds { get; set; }

    /// <summary>Gets or sets the first mismatches (up to the configured limit).</summary>
    public List<HilMismatch> FirstMismatches { get; set; } = [];

    /// <summary>Gets a value indicating whether the device matched the host twin on every vector, none lost on the link.</summary>
    public bool Passed => SameModel && Problem == null && Compared == Vectors && MismatchCount == 0 && LinkFailures == 0;
}
