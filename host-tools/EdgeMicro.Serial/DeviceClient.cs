using EdgeMicro.Core.Checksums;
using EdgeMicro.Core.Model;
using EdgeMicro.Core.Protocol;

namespace EdgeMicro.Serial;

/// <summary>
/// Host side of the serial link: one request at a time, each with a fresh request id, sent again with the same id
/// (the device replays its cached response, so retries are idempotent) when it fails: at once after a NAK from the
/// device or a corrupted or truncated response to it (up to <see cref="DeviceClientOptions.FastResends"/> times),
/// after a timeout adapted to the measured round trips of that request type (<see cref="RoundTripTimer"/>, up to
/// <see cref="DeviceClientOptions.Retries"/> times). Stale frames are discarded.
/// </summary>
public sealed class DeviceClient
{
    private readonly ISerialPort _port;
    private readonly DeviceClientOptions _options;
    private readonly ResponseReceiver _receiver;
    private readonly FrameDecoder _decoder;
    private readonly Dictionary<int, RoundTripTimer> _timers = [];
    private readonly RoundTripTimer _anyType;
    private int _nextId;

    /// <summary>Initializes a new instance of the <see cref="DeviceClient"/> class.</summary>
    /// <param name="port">An open port (not owned).</param>
    /// <param name="options">Timeouts and retries, or null for the defaults.</param>
    public DeviceClient(ISerialPort port, DeviceClientOptions? options = null)
    {
        _port = port;
        _options = options ?? new DeviceClientOptions();
        _receiver = new ResponseReceiver(port);
        _anyType = new RoundTripTimer(_options.TimeoutMs);
        _decoder = _receiver.Decoder;
        _nextId = Random.Shared.Next(0, 0x10000);
    }

    /// <summary>Gets the requests sent (not counting retries).</summary>
    public int Requests { get; private set; }

    /// <summary>Gets the retransmissions (<see cref="Timeouts"/> plus <see cref="FastResends"/>).</summary>
    public int Retries => Timeouts + FastResends;

    /// <summary>Gets the retransmissions after a timeout.</summary>
    public int Timeouts { get; private set; }

    /// <summary>Gets the immediate retransmissions after a NAK or a corrupted or truncated response.</summary>
    public int FastResends { get; private set; }

    /// <summary>Gets the NAKs received for this client's requests.</summary>
    public int Naks => _receiver.Naks;

    /// <summary>Gets the corrupted frames the decoder rejected.</summary>
    public int RejectedFrames => _decoder.RejectedFrames;

    /// <summary>Gets the stray bytes the decoder discarded.</summary>
    public int DiscardedBytes => _decoder.DiscardedBytes;

    /// <summary>Asks for the device description.</summary>
    /// <returns>The info.</returns>
    public DeviceInfo Hello() => Decode(Request(MessageType.Hello, [], MessageType.Info), DeviceInfo.Read, "INFO");

    /// <summary>Runs one inference on the device.</summary>
    /// <param name="sample">Raw sample (fixed point).</param>
    /// <returns>The device's result.</returns>
    public InferenceReply Infer(int[] sample) => Decode(Request(MessageType.Infer, SamplePayload.Encode(sample), MessageType.InferResult), InferenceReply.Read, "INFER_RESULT");

    /// <summary>Reads the device statistics (opaque bytes in the device statistics format).</summary>
    /// <returns>The bytes.</returns>
    public byte[] GetStats() => Request(MessageType.GetStats, [], MessageType.Stats).Payload;

    /// <summary>Reads a statistics report of any size in frame-sized pieces (GET_STATS with offsets; one snapshot).</summary>
    /// <returns>The report bytes.</returns>
    /// <exception cref="DeviceLinkException">The device answered inconsistently.</exception>
    public byte[] GetStatsReport()
    {
        var report = new List<byte>();
        int total = -1;
        while (total < 0 || report.Count < total)
        {
            byte[] p = Request(MessageType.GetStats, Payloads.UInt32((uint)report.Count), MessageType.Stats).Payload;
            int length = p.Length >= 4 ? (int)(Payloads.ReadUInt32(p, 0, "stats length") & 0x7FFFFFFF) : -1;
            if (length < 0 || (total >= 0 && length != total) || (p.Length == 4 && report.Count < length))
            {
                throw new DeviceLinkException($"inconsistent statistics chunk at offset {report.Count} (length {length}, expected {total})");
            }

            total = length;
            report.AddRange(p.AsSpan(4).ToArray());
        }

        return [.. report];
    }

    /// <summary>Clears the device statistics.</summary>
    public void ResetStats() => Request(MessageType.ResetStats, [], MessageType.Ack);

    /// <summary>Reads buffered samples (opaque bytes).</summary>
    /// <param name="maxCount">Largest number of samples.</param>
    /// <returns>The bytes.</returns>
    public byte[] GetSamples(int maxCount) => Request(MessageType.GetSamples, [(byte)(maxCount & 0xFF), (byte)((maxCount >> 8) & 0xFF)], MessageType.Samples).Payload;

    /// <summary>Uploads a model blob in chunks after its signed manifest; the device verifies both (fleet-key
    /// signature, target, anti-rollback floor, size, CRC, blob hash, format, self-test) and activates it only if every
    /// check passes.</summary>
    /// <param name="blob">The .emm bytes.</param>
    /// <param name="manifest">The signed update manifest of the blob (EdgeMicro.Fleet's UpdatePackage.SerialManifest).</param>
    /// <param name="progress">Called with (bytes sent, total).</param>
    /// <returns>What the device activated: (model id, version, model CRC).</returns>
    /// <exception cref="DeviceErrorException">The device rejected the model (code ModelRejected) or the upload.</exception>
    public (string ModelId, uint Version, uint ModelCrc) PutModel(byte[] blob, byte[] manifest, Action<int, int>? progress = null)
    {
        Request(MessageType.PutModelBegin, manifest, MessageType.Ack);
        int chunk = Math.Clamp(_options.ChunkSize, 1, FrameFormat.MaxPayload - 4);
        for (int offset = 0; offset < blob.Length; offset += chunk)
        {
            int n = Math.Min(chunk, blob.Length - offset);
            Request(MessageType.PutModelChunk, Payloads.Chunk((uint)offset, blob, offset, n), MessageType.Ack);
            progress?.Invoke(offset + n, blob.Length);
        }

        Frame done = Request(MessageType.PutModelCommit, [], MessageType.ModelActivated, _options.CommitTimeoutMs);
        return Decode(done, p =>
        {
            var r = new EdgeMicro.Core.Format.ByteReader(p, 0, p.Length);
            return (r.ReadString("model id"), r.ReadUInt32("model version"), r.ReadUInt32("model CRC"));
        }, "MODEL_ACTIVATED");
    }

    /// <summary>Gets the adaptive timer of a request type (created on first use).</summary>
    /// <param name="type">Request type.</param>
    /// <returns>The timer.</returns>
    public RoundTripTimer TimerOf(int type)
    {
        if (!_timers.TryGetValue(type, out RoundTripTimer? timer))
        {
            timer = new RoundTripTimer(_options.TimeoutMs);
            _timers[type] = timer;
        }

        return timer;
    }

    /// <summary>Sends a request and waits for its response, resending at once after a NAK or a corrupted response
    /// and after adaptive timeouts.</summary>
    /// <param name="type">Request type.</param>
    /// <param name="payload">Payload.</param>
    /// <param name="expected">Expected response type.</param>
    /// <param name="timeoutMs">Fixed timeout per attempt, or null for the adaptive one.</param>
    /// <returns>The response frame.</returns>
    /// <exception cref="DeviceLinkException">No valid response after all attempts, or an ERROR response.</exception>
    public Frame Request(int type, byte[] payload, int expected, int? timeoutMs = null)
    {
        int id = _nextId;
        _nextId = (_nextId + 1) & 0xFFFF;
        Requests++;
        byte[] frame = FrameEncoder.Encode(type, id, payload);
        RoundTripTimer? timer = timeoutMs == null ? TimerOf(type) : null;
        int timeouts = 0, fast = 0, longest = 0, shortest = int.MaxValue;
        while (true)
        {
            try
            {
                _port.Write(frame, 0, frame.Length);
            }
            catch (IOException e)
            {
                throw new DeviceLinkException($"{_port.Name}: cannot send {Name(type)}: {e.Message}", e);
            }

            long sent = System.Diagnostics.Stopwatch.GetTimestamp();
            int timeout = timer == null ? timeoutMs!.Value : timer.Samples > 0 || _anyType.Samples == 0 ? timer.TimeoutMs(timeouts) : _anyType.TimeoutMs(timeouts, factor: 4);
            if (timer != null && timeouts == _options.Retries)
            {
                // The last attempt waits the configured timeout: the adaptive ones follow the measured round trip, and
                // a pause of the device (a garbage collection, a flash write) or of the host shorter than the
                // configured timeout must not fail the request.
                timeout = Math.Max(timeout, _options.TimeoutMs);
            }

            (ReceiveOutcome outcome, Frame? response) = _receiver.Await(id, timeout);
            if (outcome == ReceiveOutcome.Response)
            {
                if (timer != null)
                {
                    // Measured from the last send: after a NAK the earlier send was rejected, and after a timeout
                    // (longer than the round trip once measured) an answer to an earlier send came too late to be
                    // it; without this the timeout on a link that always needs resends would never adapt.
                    double ms = System.Diagnostics.Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
                    timer.Add(ms);
                    _anyType.Add(ms);
                }

                return Accept(type, expected, response!);
            }

            if (outcome == ReceiveOutcome.ResendNow && fast < _options.FastResends)
            {
                fast++;
                FastResends++;
                continue;
            }

            if (outcome == ReceiveOutcome.TimedOut)
            {
                longest = Math.Max(longest, timeout);
                shortest = Math.Min(shortest, timeout);
                if (timeouts < _options.Retries)
                {
                    timeouts++;
                    Timeouts++;
                    continue;
                }
            }

            int timedOut = timeouts + (outcome == ReceiveOutcome.TimedOut ? 1 : 0);
            string waits = fast == 0 ? (shortest == longest ? $"{longest} ms each" : $"timeouts of {shortest} to {longest} ms")
                : $"{fast} resent at once after a NAK or a corrupted response, " + (timedOut == 0 ? "none timed out" : $"{timedOut} timed out after up to {longest} ms");
            string quality = _decoder.RejectedFrames + Naks > 0
                ? $"link quality too poor: {Naks} NAKs from the device, {_decoder.RejectedFrames} corrupted frames and {_decoder.DiscardedBytes} stray bytes discarded so far. Check the cable, baud rate and grounding."
                : $"{_decoder.RejectedFrames} corrupted frames and {_decoder.DiscardedBytes} stray bytes discarded so far. Check the port (the device's second UART, not the USB debugger port), baud rate and wiring.";
            throw new DeviceLinkException($"{_port.Name}: no valid response to {Name(type)} after {timeouts + fast + 1} attempts ({waits}); {quality}");
        }
    }

    private Frame Accept(int type, int expected, Frame response)
    {
        if (response.Type == MessageType.Error)
        {
            int code = SafeCode(response.Payload);
            throw new DeviceErrorException(code, $"device refused {Name(type)}: {SafeMessage(response.Payload)} (error {code})");
        }

        if (response.Type != expected)
        {
            throw new DeviceLinkException($"{_port.Name}: unexpected response type 0x{response.Type:X2} to {Name(type)}");
        }

        return response;
    }

    private static T Decode<T>(Frame frame, Func<byte[], T> read, string what)
    {
        try
        {
            return read(frame.Payload);
        }
        catch (ModelFormatException e)
        {
            throw new DeviceLinkException($"malformed {what} payload from the device: {e.Message}", e);
        }
    }

    private static int SafeCode(byte[] payload)
    {
        try
        {
            return Payloads.ErrorCodeOf(payload);
        }
        catch (ModelFormatException)
        {
            return 0;
        }
    }

    private static string SafeMessage(byte[] payload)
    {
        try
        {
            return Payloads.ErrorMessageOf(payload);
        }
        catch (ModelFormatException)
        {
            return "(malformed error payload)";
        }
    }

    private static string Name(int type) => type switch
    {
        MessageType.Hello => "HELLO",
        MessageType.Infer => "INFER",
        MessageType.GetStats => "GET_STATS",
        MessageType.ResetStats => "RESET_STATS",
        MessageType.GetSamples => "GET_SAMPLES",
        MessageType.PutModelBegin => "PUT_MODEL begin",
        MessageType.PutModelChunk => "PUT_MODEL chunk",
        MessageType.PutModelCommit => "PUT_MODEL commit",
        _ => "message 0x" + type.ToString("X2", System.Globalization.CultureInfo.InvariantCulture),
    };
}
