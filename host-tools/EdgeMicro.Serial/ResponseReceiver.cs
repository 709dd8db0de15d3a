using EdgeMicro.Core.Protocol;

namespace EdgeMicro.Serial;

/// <summary>What one attempt of a request came to.</summary>
public enum ReceiveOutcome
{
    /// <summary>The response arrived.</summary>
    Response,

    /// <summary>A NAK for the request, or a corrupted or truncated frame that was (or may have been) its response:
    /// resend at once.</summary>
    ResendNow,

    /// <summary>Nothing usable arrived in time.</summary>
    TimedOut,
}

/// <summary>
/// The receiving half of <see cref="DeviceClient"/>: reads the port into a <see cref="FrameDecoder"/> and decides each
/// attempt as soon as it can. A partial frame after <see cref="FrameFormat.HostIncompleteFrameMs"/> of silence is given up
/// (a byte was lost), so a truncated response costs that silence, not the whole timeout.
/// </summary>
/// <param name="port">The open port (not owned).</param>
public sealed class ResponseReceiver(ISerialPort port)
{
    private readonly byte[] _readBuffer = new byte[2048];

    /// <summary>Gets the decoder (its counters tell how much was discarded).</summary>
    public FrameDecoder Decoder { get; } = new();

    /// <summary>Gets the NAKs received for awaited requests.</summary>
    public int Naks { get; private set; }

    /// <summary>Waits for the response to request <paramref name="id"/>: it, a reason to resend at once (a NAK for
    /// it, or a corrupted or truncated frame that was or may have been its response), or a timeout.</summary>
    public (ReceiveOutcome Outcome, Frame? Response) Await(int id, int timeoutMs)
    {
        long deadline = Environment.TickCount64 + timeoutMs;
        long lastBytes = Environment.TickCount64;
        while (true)
        {
            ReceiveOutcome? decoded = Drain(id, out Frame? response);
            if (decoded != null)
            {
                return (decoded.Value, response);
            }

            long now = Environment.TickCount64;
            if (Decoder.Pending > 0 && now - lastBytes >= FrameFormat.HostIncompleteFrameMs && Decoder.Abandon())
            {
                if (Mine(Decoder.Rejection, id))
                {
                    return (ReceiveOutcome.ResendNow, null);
                }

                continue;
            }

            long left = deadline - now;
            if (left <= 0)
            {
                return (ReceiveOutcome.TimedOut, null);
            }

            long wait = Decoder.Pending > 0 ? Math.Min(left, Math.Max(1, lastBytes + FrameFormat.HostIncompleteFrameMs - now)) : left;
            int n;
            try
            {
                n = port.Read(_readBuffer, 0, _readBuffer.Length, (int)wait);
            }
            catch (IOException e)
            {
                throw new DeviceLinkException($"{port.Name}: {e.Message}", e);
            }

            if (n > 0)
            {
                lastBytes = Environment.TickCount64;
            }

            for (int done = 0; done < n;)
            {
                done += Decoder.Feed(_readBuffer, done, n - done);
                if (done < n && Drain(id, out Frame? early) is { } outcome)
                {
                    // Buffer full: the frames drained to make room decided the attempt (the rest is stale).
                    return (outcome, early);
                }
            }
        }
    }

    /// <summary>Decodes what is buffered: the response, a reason to resend now, or null (keep waiting).</summary>
    private ReceiveOutcome? Drain(int id, out Frame? response)
    {
        response = null;
        while (true)
        {
            Frame? f = Decoder.NextOrRejection();
            if (f == null)
            {
                if (Decoder.Rejection == FrameDecoder.NoRejection)
                {
                    return null;
                }

                if (Mine(Decoder.Rejection, id))
                {
                    return ReceiveOutcome.ResendNow;
                }

                continue;
            }

            if (f.Type == MessageType.Nak)
            {
                int reason = NakReason.Of(f.Payload);
                if (!NakReason.NamesRequest(reason) || f.RequestId == id)
                {
                    Naks++;
                    return ReceiveOutcome.ResendNow;
                }

                continue; // a NAK of an earlier request
            }

            if (f.RequestId == id && (f.Type & MessageType.ResponseBit) != 0)
            {
                response = f;
                return ReceiveOutcome.Response;
            }
        }
    }

    /// <summary>A rejected frame was (or, its header unreadable, may have been) the response to <paramref name="id"/>.</summary>
    private static bool Mine(int rejection, int id) => rejection == id || rejection == FrameDecoder.UnknownId;

}
