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
    /// answer each, and writes the responses. The firmware calls <see cref="Process"/> from its UART receive
    /// loop; the virtual device from its port-reading thread.
    /// </summary>
    public sealed class SerialServer
    {
        private readonly RequestHandler _handler;
        private readonly FrameDecoder _decoder = new FrameDecoder();

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

        /// <summary>Processes received bytes.</summary>
        /// <param name="data">Received bytes.</param>
        /// <param name="offset">First byte.</param>
        /// <param name="count">Number of bytes.</param>
        /// <param name="output">Where responses go.</param>
        /// <returns>The number of requests answered.</returns>
        public int Process(byte[] data, int offset, int count, IByteSink output)
        {
            int answered = 0;
            while (count > 0)
            {
                int taken = _decoder.Feed(data, offset, count);
                offset += taken;
                count -= taken;
                Frame frame;
                while ((frame = _decoder.Next()) != null)
                {
                    byte[] response = _handler.Handle(frame);
                    if (response != null)
                    {
                        output.Write(response, 0, response.Length);
                        answered++;
                    }
                }
            }

            return answered;
        }
    }
}
