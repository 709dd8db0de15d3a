// Mirrors nanoFramework.System.IO.Ports 1.1.x (github.com/nanoframework/System.IO.Ports): SerialPort.cs, Parity.cs,
// StopBits.cs. Only the members the firmware uses are mirrored. (System.IO.Ports is not part of the desktop BCL, so
// the namespace is free here.)
using System;

namespace System.IO.Ports
{
    public enum Parity
    {
        None = 0,
        Odd = 1,
        Even = 2,
        Mark = 3,
        Space = 4,
    }

    public enum StopBits
    {
        None = 0,
        One = 1,
        Two = 2,
        OnePointFive = 3,
    }

    public class SerialPort : IDisposable
    {
        public SerialPort(string portName, int baudRate = 9600, Parity parity = Parity.None, int dataBits = 8, StopBits stopBits = StopBits.One) => throw NanoFrameworkStubs.Stub.NotOnDesktop();

        public int BytesToRead => throw NanoFrameworkStubs.Stub.NotOnDesktop();

        public int ReadTimeout
        {
            get => throw NanoFrameworkStubs.Stub.NotOnDesktop();
            set => throw NanoFrameworkStubs.Stub.NotOnDesktop();
        }

        public int WriteTimeout
        {
            get => throw NanoFrameworkStubs.Stub.NotOnDesktop();
            set => throw NanoFrameworkStubs.Stub.NotOnDesktop();
        }

        public bool IsOpen => throw NanoFrameworkStubs.Stub.NotOnDesktop();

        public void Open() => throw NanoFrameworkStubs.Stub.NotOnDesktop();

        public void Close() => throw NanoFrameworkStubs.Stub.NotOnDesktop();

        public int Read(byte[] buffer, int offset, int count) => throw NanoFrameworkStubs.Stub.NotOnDesktop();

        public void Write(byte[] buffer, int offset, int count) => throw NanoFrameworkStubs.Stub.NotOnDesktop();

        public void Dispose() => throw NanoFrameworkStubs.Stub.NotOnDesktop();
    }
}
