namespace EdgeMicro.Core.Protocol
{
    /// <summary>Receives response bytes from <see cref="SerialServer"/> (the UART write on the device).</summary>
    public interface IByteSink
    {
        /// <summary>Writes bytes.</summary>
        /// <param name="data">Source.</param>
        /// <param name="offset">First byte.</param>
        /// <param name="count">Number of bytes.</param>
        void Write(byte[] data, int offset, int count);
    }

    /// <summary>
    /// Device-side serial loop body: decodes received bytes into frames, lets the <see cref="RequestHandler"/>
    /// answer each, and writes the responses. A rejected candidate frame is answered at once with a
    /// <see cref="MessageType.Nak"/> (naming its request id when the header was intact), and a frame whose bytes stop
    /// arriving is given up after <see cref="FrameFormat.IncompleteFrameMs"/> and NAKed (<see cref="Tick"/>). The
    /// firmware calls <see cref="Process"/> and <see cref="Tick"/> from its main loop; the virtual device from its
    /// loop thread.
    /// </summary>
    public sealed class SerialServer
    {
        private readonly RequestHandler _handler;
        private readonly FrameDecoder _decoder = new FrameDecoder();
        private long _receivedBytes;
        private long _markBytes = -1;
        private long _markMs;

        /// <summary>Initializes a new instance of the <see cref="SerialServer"/> class.</summary>
        /// <param name="handler">The request handler.</param>
        public SerialServer(RequestHandler handler)
        {
            _handler = handler;
        }

        /// <summary>Gets the frame decoder (its counters tell how much garbage arrived).</summary>
        public FrameDecoder Decoder
        {
            get { return _decoder; }
        }

        /// <summary>Gets the request handler.</summary>
        public RequestHandler Handler
        {
            get { return _handler; }
        }

        /// <summary>Gets the NAKs sent.</summary>
        public int NaksSent { get; private set; }

        /// <summary>Processes received bytes.</summary>
        /// <param name="data">Received bytes.</param>
        /// <param name="offset">First byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <param name="output">Where responses go.</param>
        /// <returns>The number of requests answered.</returns>
        public int Process(byte[] data, int offset, int count, IByteSink output)
        {
            int answered = 0;
            _receivedBytes += count;
            while (count > 0)
            {
                int taken = _decoder.Feed(data, offset, count);
                offset += taken;
                count -= taken;
                answered += Drain(output);
            }

            return answered;
        }

        /// <summary>
        /// Gives up a partly received frame when no byte arrived for <see cref="FrameFormat.IncompleteFrameMs"/> and
        /// NAKs it, so the host resends at once. Call regularly from the loop (also when nothing arrived).
        /// </summary>
        /// <param name="nowMs">A monotonic clock in milliseconds.</param>
        /// <param name="output">Where NAKs and responses go.</param>
        /// <returns>The number of requests answered (frames found behind the abandoned one).</returns>
        public int Tick(long nowMs, IByteSink output)
        {
            if (_decoder.Pending == 0)
            {
                _markBytes = -1;
                return 0;
            }

            if (_markBytes != _receivedBytes)
            {
                _markBytes = _receivedBytes;
                _markMs = nowMs;
                return 0;
            }

            if (nowMs - _markMs < FrameFormat.IncompleteFrameMs)
            {
                return 0;
            }

            _markBytes = -1;
            if (_decoder.Abandon())
            {
                Nak(output);
            }

            return Drain(output);
        }

        private int Drain(IByteSink output)
        {
            int answered = 0;
            while (true)
            {
                Frame frame = _decoder.NextOrRejection();
                if (frame == null)
                {
                    if (_decoder.Rejection == FrameDecoder.NoRejection)
                    {
                        return answered;
                    }

                    Nak(output);
                    continue;
                }

                byte[] response = _handler.Handle(frame);
                if (response != null)
                {
                    output.Write(response, 0, response.Length);
                    answered++;
                }
            }
        }

        private void Nak(IByteSink output)
        {
            byte[] nak = NakReason.Frame(_decoder.Rejection, _decoder.RejectionReason);
            output.Write(nak, 0, nak.Length);
            NaksSent++;
        }
    }
}
