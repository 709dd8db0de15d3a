// Stub of nanoFramework.System.IO.Ports 1.1.139, assembly System.IO.Ports (compile-time only; see ../README.md).
// Source: github.com/nanoframework/System.IO.Ports, tag v1.1.139: System.IO.Ports/SerialPort.cs, Parity.cs (None, Odd,
// Even only), StopBits.cs (One = 1, Two, OnePointFive; no None). Subset: the members the firmware uses. Note from the
// source: the ReadTimeout/WriteTimeout setters throw ArgumentOutOfRangeException for values <= 0.
namespace System.IO.Ports
{
    public enum Parity
    {
        None = 0,
        Odd = 1,
        Even = 2,
    }

    public enum StopBits
    {
        One = 1,
        Two = 2,
        OnePointFive = 3,
    }

    public sealed class SerialPort : IDisposable
    {
        public const int InfiniteTimeout = -1;

        public SerialPort(string portName, int baudRate = 9600, Parity parity = Parity.None, int dataBits = 8, StopBits stopBits = StopBits.One) => throw new NotImplementedException();

        public int BytesToRead => throw new NotImplementedException();

        public bool IsOpen => throw new NotImplementedException();

        public int ReadTimeout
        {
            get => throw new NotImplementedException();
            set => throw new NotImplementedException();
        }

        public int WriteTimeout
        {
            get => throw new NotImplementedException();
            set => throw new NotImplementedException();
        }

        public void Open() => throw new NotImplementedException();

        public void Close() => throw new NotImplementedException();

        public int Read(byte[] buffer, int offset, int count) => throw new NotImplementedException();

        public void Write(byte[] buffer, int offset, int count) => throw new NotImplementedException();

        public void Dispose() => throw new NotImplementedException();
    }
}
