namespace EdgeMicro.Serial;

/// <summary>Two connected in-memory ports (what one writes, the other reads): the link of <c>hil --virtual</c>.</summary>
public static class MemorySerialPair
{
    /// <summary>Creates a connected pair.</summary>
    /// <returns>Host end and device end.</returns>
    public static (ISerialPort Host, ISerialPort Device) Create()
    {
        var toDevice = new Pipe();
        var toHost = new Pipe();
        return (new End("virtual:host", toHost, toDevice), new End("virtual:device", toDevice, toHost));
    }

    private sealed class Pipe
    {
        private readonly Queue<byte> _bytes = new();
        private bool _closed;

        public void Write(byte[] data, int offset, int count)
        {
            lock (_bytes)
            {
                if (_closed)
                {
                    throw new IOException("virtual serial link closed");
                }

                for (int i = 0; i < count; i++)
                {
                    _bytes.Enqueue(data[offset + i]);
                }

                Monitor.PulseAll(_bytes);
            }
        }

        public int Read(byte[] buffer, int offset, int count, int timeoutMs)
        {
            lock (_bytes)
            {
                long deadline = Environment.TickCount64 + timeoutMs;
                while (_bytes.Count == 0)
                {
                    if (_closed)
                    {
                        throw new IOException("virtual serial link closed");
                    }

                    long left = deadline - Environment.TickCount64;
                    if (left <= 0 || !Monitor.Wait(_bytes, (int)left))
                    {
                        if (_bytes.Count == 0)
                        {
                            return 0;
                        }
                    }
                }

                int n = 0;
                while (n < count && _bytes.Count > 0)
                {
                    buffer[offset + n++] = _bytes.Dequeue();
                }

                return n;
            }
        }

        public void Close()
        {
            lock (_bytes)
            {
                _closed = true;
                Monitor.PulseAll(_bytes);
            }
        }
    }

    private sealed class End(string name, Pipe incoming, Pipe outgoing) : ISerialPort
    {
        public string Name => name;

        public void Write(byte[] data, int offset, int count) => outgoing.Write(data, offset, count);

        public int Read(byte[] buffer, int offset, int count, int timeoutMs) => incoming.Read(buffer, offset, count, timeoutMs);

        public void Dispose()
        {
            incoming.Close();
            outgoing.Close();
        }
    }
}
