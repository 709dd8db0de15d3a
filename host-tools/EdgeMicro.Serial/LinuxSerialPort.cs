using System.Runtime.InteropServices;
using EdgeMicro.Data;

namespace EdgeMicro.Serial;

/// <summary>
/// Serial port on Linux through termios (System.IO.Ports is not available here): open(O_RDWR|O_NOCTTY|O_NONBLOCK),
/// tcgetattr, cfmakeraw, CLOCAL|CREAD, cfsetspeed, tcsetattr(TCSANOW), tcflush; reads and writes wait with poll().
/// Works with USB-UART bridges (/dev/ttyUSB*, /dev/ttyACM*) and pseudo-terminals (/dev/pts/*). The termios structure
/// is handled as an opaque buffer except c_cflag at offset 8 (glibc layout on x86-64 and ARM).
/// </summary>
public sealed class LinuxSerialPort : ISerialPort
{
    private const int ORdWr = 0x2, ONoCtty = 0x100, ONonBlock = 0x800, OCloExec = 0x80000;
    private const int TcsaNow = 0, TcIoFlush = 2;
    private const uint CRead = 0x80, CLocal = 0x800;
    private const short PollIn = 0x1, PollOut = 0x4, PollErr = 0x8, PollHup = 0x10, PollNval = 0x20;
    private const int EIntr = 4, EAgain = 11;
    private const int CFlagOffset = 8;
    private const int WriteTimeoutMs = 5000;

    private static readonly Dictionary<int, uint> Speeds = new()
    {
        [9600] = 0xD, [19200] = 0xE, [38400] = 0xF, [57600] = 0x1001, [115200] = 0x1002,
        [230400] = 0x1003, [460800] = 0x1004, [921600] = 0x1007,
    };

    private readonly byte[] _readScratch = new byte[4096];
    private int _fd;

    private LinuxSerialPort(string name, int fd)
    {
        Name = name;
        _fd = fd;
    }

    /// <inheritdoc/>
    public string Name { get; }

    /// <summary>Opens a port in raw mode.</summary>
    /// <param name="path">Device path, e.g. /dev/ttyUSB0.</param>
    /// <param name="baudRate">Baud rate (9600..921600).</param>
    /// <returns>The open port.</returns>
    /// <exception cref="InputDataException">The port does not exist, is not a serial port, or cannot be opened.</exception>
    public static LinuxSerialPort Open(string path, int baudRate = 115200)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("LinuxSerialPort needs Linux; add an ISerialPort implementation for this OS");
        }

        if (!Speeds.TryGetValue(baudRate, out uint speed))
        {
            throw new InputDataException($"baud rate {baudRate} is not supported (use one of {string.Join(", ", Speeds.Keys)})");
        }

        int fd = open(path, ORdWr | ONoCtty | ONonBlock | OCloExec);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            throw new InputDataException($"{path}: cannot open serial port: {Describe(errno)}{(errno == 13 ? " (add yourself to the 'dialout' group)" : string.Empty)}");
        }

        var termios = new byte[256];
        if (tcgetattr(fd, termios) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            close(fd);
            throw new InputDataException($"{path}: not a serial port: {Describe(errno)}");
        }

        cfmakeraw(termios);
        uint cflag = BitConverter.ToUInt32(termios, CFlagOffset) | CRead | CLocal;
        BitConverter.GetBytes(cflag).CopyTo(termios, CFlagOffset);
        if (cfsetspeed(termios, speed) != 0 || tcsetattr(fd, TcsaNow, termios) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            close(fd);
            throw new InputDataException($"{path}: cannot configure the serial port: {Describe(errno)}");
        }

        tcflush(fd, TcIoFlush);
        return new LinuxSerialPort(path, fd);
    }

    /// <inheritdoc/>
    public void Write(byte[] data, int offset, int count)
    {
        byte[] chunk = offset == 0 ? data : data[offset..(offset + count)];
        int done = 0;
        while (done < count)
        {
            if (!Wait(PollOut, WriteTimeoutMs))
            {
                throw new IOException($"{Name}: write timed out after {WriteTimeoutMs} ms");
            }

            byte[] slice = done == 0 ? chunk : chunk[done..count];
            nint n = write(Fd, slice, count - done);
            if (n < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EAgain || errno == EIntr)
                {
                    continue;
                }

                throw new IOException($"{Name}: write failed: {Describe(errno)}");
            }

            done += (int)n;
        }
    }

    /// <inheritdoc/>
    public int Read(byte[] buffer, int offset, int count, int timeoutMs)
    {
        if (!Wait(PollIn, timeoutMs))
        {
            return 0;
        }

        nint n = read(Fd, _readScratch, Math.Min(count, _readScratch.Length));
        if (n < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno == EAgain || errno == EIntr)
            {
                return 0;
            }

            throw new IOException($"{Name}: read failed: {Describe(errno)}");
        }

        if (n == 0)
        {
            throw new IOException($"{Name}: the port was closed");
        }

        Array.Copy(_readScratch, 0, buffer, offset, (int)n);
        return (int)n;
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
        {
            close(fd);
        }
    }

    private int Fd => _fd >= 0 ? _fd : throw new ObjectDisposedException(Name);

    private bool Wait(short events, int timeoutMs)
    {
        var pfd = new PollFd { Fd = Fd, Events = events };
        long deadline = Environment.TickCount64 + timeoutMs;
        while (true)
        {
            int remaining = (int)Math.Max(0, deadline - Environment.TickCount64);
            int r = poll(ref pfd, 1, remaining);
            if (r < 0)
            {
                int errno = Marshal.GetLastPInvokeError();
                if (errno == EIntr)
                {
                    continue;
                }

                throw new IOException($"{Name}: poll failed: {Describe(errno)}");
            }

            if (r == 0)
            {
                return false;
            }

            if ((pfd.Revents & events) != 0)
            {
                return true;
            }

            if ((pfd.Revents & (PollErr | PollHup | PollNval)) != 0)
            {
                throw new IOException($"{Name}: the port was closed or failed (poll revents 0x{pfd.Revents:X})");
            }
        }
    }

    private static string Describe(int errno) => Marshal.GetPInvokeErrorMessage(errno) + " (errno " + errno + ")";

    [StructLayout(LayoutKind.Sequential)]
    private struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

#pragma warning disable SA1300, IDE1006 // libc names
    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int close(int fd);

    [DllImport("libc", SetLastError = true)]
    private static extern nint read(int fd, byte[] buffer, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(int fd, byte[] buffer, nint count);

    [DllImport("libc", SetLastError = true)]
    private static extern int tcgetattr(int fd, byte[] termios);

    [DllImport("libc", SetLastError = true)]
    private static extern int tcsetattr(int fd, int optionalActions, byte[] termios);

    [DllImport("libc", SetLastError = true)]
    private static extern void cfmakeraw(byte[] termios);

    [DllImport("libc", SetLastError = true)]
    private static extern int cfsetspeed(byte[] termios, uint speed);

    [DllImport("libc", SetLastError = true)]
    private static extern int tcflush(int fd, int queueSelector);

    [DllImport("libc", SetLastError = true)]
    private static extern int poll(ref PollFd fds, nuint count, int timeoutMs);
#pragma warning restore SA1300, IDE1006
}
