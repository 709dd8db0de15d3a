using System.IO.Ports;
using EdgeMicro.Data;

namespace EdgeMicro.Serial;

/// <summary>
/// A serial port through System.IO.Ports (Linux, macOS and Windows: /dev/ttyUSB0, /dev/cu.usbserial-*, COM5, and
/// pseudo-terminals), 8N1, no handshake, no DTR/RTS toggling (which would reset an ESP32 board). Reads wait for the
/// first byte up to the caller's timeout, then return what is available.
/// </summary>
public sealed class SystemSerialPort : ISerialPort
{
    private const int WriteTimeoutMs = 5000;

    private readonly SerialPort _port;

    private SystemSerialPort(SerialPort port)
    {
        _port = port;
    }

    /// <inheritdoc/>
    public string Name => _port.PortName;

    /// <summary>Opens a port.</summary>
    /// <param name="path">Port name: a device path such as /dev/ttyUSB1, or COM5 on Windows.</param>
    /// <param name="baudRate">Baud rate.</param>
    /// <returns>The open port.</returns>
    /// <exception cref="InputDataException">No such port, no permission, or it cannot be opened or configured.</exception>
    public static SystemSerialPort Open(string path, int baudRate = 115200)
    {
        if (!Exists(path))
        {
            string[] known = SerialPort.GetPortNames();
            throw new InputDataException($"{path}: no such serial port ({(known.Length == 0 ? "none found" : "found: " + string.Join(", ", known))}; see: edgemicro devices)");
        }

        var port = new SerialPort(path, baudRate, Parity.None, 8, StopBits.One)
        {
            Handshake = Handshake.None,
            DtrEnable = false,
            RtsEnable = false,
            ReadBufferSize = 8192,
            WriteTimeout = WriteTimeoutMs,
        };
        try
        {
            port.Open();
            port.DiscardInBuffer();
            return new SystemSerialPort(port);
        }
        catch (UnauthorizedAccessException e)
        {
            port.Dispose();
            throw new InputDataException($"{path}: cannot open serial port: permission denied or in use{(OperatingSystem.IsLinux() ? " (add yourself to the 'dialout' group)" : string.Empty)}: {e.Message}", e);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
        {
            port.Dispose();
            throw new InputDataException($"{path}: cannot open or configure the serial port at {baudRate} baud: {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public void Write(byte[] data, int offset, int count)
    {
        try
        {
            _port.Write(data, offset, count);
        }
        catch (TimeoutException)
        {
            throw new IOException($"{Name}: write timed out after {WriteTimeoutMs} ms");
        }
        catch (InvalidOperationException e)
        {
            throw new IOException($"{Name}: the port was closed", e);
        }
    }

    /// <inheritdoc/>
    public int Read(byte[] buffer, int offset, int count, int timeoutMs)
    {
        try
        {
            if (timeoutMs <= 0 && _port.BytesToRead == 0)
            {
                return 0;
            }

            _port.ReadTimeout = Math.Max(1, timeoutMs);
            return _port.Read(buffer, offset, count);
        }
        catch (TimeoutException)
        {
            return 0;
        }
        catch (InvalidOperationException e)
        {
            throw new IOException($"{Name}: the port was closed", e);
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _port.Dispose();

    private static bool Exists(string path) =>
        OperatingSystem.IsWindows() ? SerialPort.GetPortNames().Contains(path, StringComparer.OrdinalIgnoreCase) : File.Exists(path);
}
