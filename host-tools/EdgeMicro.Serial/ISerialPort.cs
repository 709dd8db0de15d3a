namespace EdgeMicro.Serial;

/// <summary>
/// A byte-oriented serial port, opened in raw mode (8N1, no flow control, no echo, no line processing): hardware
/// and pseudo-terminals through <see cref="SystemSerialPort"/> (System.IO.Ports, on Linux, macOS and Windows), the
/// in-memory pair of <c>hil --virtual</c> (<see cref="MemorySerialPair"/>), or a test's fault-injecting wrapper.
/// </summary>
public interface ISerialPort : IDisposable
{
    /// <summary>Gets the port name (device path).</summary>
    string Name { get; }

    /// <summary>Writes all bytes, waiting while the driver's buffer is full.</summary>
    /// <param name="data">Source.</param>
    /// <param name="offset">First byte.</param>
    /// <param name="count">Number of bytes.</param>
    /// <exception cref="IOException">The port failed or was closed, or the write timed out.</exception>
    void Write(byte[] data, int offset, int count);

    /// <summary>Reads what is available, waiting up to <paramref name="timeoutMs"/> for the first byte.</summary>
    /// <param name="buffer">Destination.</param>
    /// <param name="offset">First byte.</param>
    /// <param name="count">Room.</param>
    /// <param name="timeoutMs">Longest wait in milliseconds (0 = do not wait).</param>
    /// <returns>Bytes read; 0 on timeout.</returns>
    /// <exception cref="IOException">The port failed or was closed.</exception>
    int Read(byte[] buffer, int offset, int count, int timeoutMs);
}
