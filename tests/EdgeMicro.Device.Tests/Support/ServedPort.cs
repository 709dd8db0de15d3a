using EdgeMicro.Core.Protocol;
using EdgeMicro.Serial;

namespace EdgeMicro.Device.Tests.Support;

/// <summary>
/// A port whose other end is a <see cref="SerialServer"/> answering synchronously on the writer's thread, so a
/// <see cref="DeviceClient"/> can talk to a <see cref="EdgeMicro.Core.Device.Runtime.DeviceRuntime"/> driven by the test.
/// </summary>
public sealed class ServedPort(SerialServer server) : ISerialPort, IByteSink
{
    private readonly Queue<byte> _responses = new();

    public string Name => "served";

    public void Write(byte[] data, int offset, int count) => server.Process(data, offset, count, this);

    public int Read(byte[] buffer, int offset, int count, int timeoutMs)
    {
        int n = 0;
        while (n < count && _responses.Count > 0)
        {
            buffer[offset + n++] = _responses.Dequeue();
        }

        return n;
    }

    public void Dispose()
    {
    }

    void IByteSink.Write(byte[] data, int offset, int count)
    {
        for (int i = 0; i < count; i++)
        {
            _responses.Enqueue(data[offset + i]);
        }
    }
}
