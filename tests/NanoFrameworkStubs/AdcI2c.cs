// Mirrors nanoFramework.System.Device.Adc (github.com/nanoframework/System.Device.Adc: AdcController.cs,
// AdcChannel.cs) and nanoFramework.System.Device.I2c v1 (github.com/nanoframework/System.Device.I2c: I2cDevice.cs,
// I2cConnectionSettings.cs, I2cTransferResult.cs, I2cTransferStatus.cs, I2cBusSpeed.cs). The v1 I2c buffers are
// mscorlib's System.SpanByte (v2 uses Span<byte>); both convert implicitly from byte[], which is all the adapter uses.
using NanoFrameworkStubs;

namespace System
{
    public readonly struct SpanByte
    {
        public SpanByte(byte[] array) => throw Stub.NotOnDesktop();

        public SpanByte(byte[] array, int start, int length) => throw Stub.NotOnDesktop();

        public int Length => throw Stub.NotOnDesktop();

        public static implicit operator SpanByte(byte[] array) => throw Stub.NotOnDesktop();
    }
}

namespace System.Device.Adc
{
    public class AdcChannel : IDisposable
    {
        public int ReadValue() => throw Stub.NotOnDesktop();

        public void Dispose() => throw Stub.NotOnDesktop();
    }

    public class AdcController
    {
        public AdcController() => throw Stub.NotOnDesktop();

        public int ChannelCount => throw Stub.NotOnDesktop();

        public int MaxValue => throw Stub.NotOnDesktop();

        public int MinValue => throw Stub.NotOnDesktop();

        public int ResolutionInBits => throw Stub.NotOnDesktop();

        public AdcChannel OpenChannel(int channelNumber) => throw Stub.NotOnDesktop();
    }
}

namespace System.Device.I2c
{
    public enum I2cBusSpeed
    {
        StandardMode,
        FastMode,
        FastModePlus,
    }

    public enum I2cTransferStatus
    {
        UnknownError,
        FullTransfer,
        ClockStretchTimeout,
        PartialTransfer,
        SlaveAddressNotAcknowledged,
    }

    public struct I2cTransferResult
    {
        public uint BytesTransferred => throw Stub.NotOnDesktop();

        public I2cTransferStatus Status => throw Stub.NotOnDesktop();
    }

    public sealed class I2cConnectionSettings
    {
        public I2cConnectionSettings(int busId, int deviceAddress) => throw Stub.NotOnDesktop();

        public I2cConnectionSettings(int busId, int deviceAddress, I2cBusSpeed busSpeed) => throw Stub.NotOnDesktop();

        public int BusId => throw Stub.NotOnDesktop();

        public int DeviceAddress => throw Stub.NotOnDesktop();
    }

    public class I2cDevice : IDisposable
    {
        public I2cDevice(I2cConnectionSettings settings) => throw Stub.NotOnDesktop();

        public I2cConnectionSettings ConnectionSettings => throw Stub.NotOnDesktop();

        public static I2cDevice Create(I2cConnectionSettings settings) => throw Stub.NotOnDesktop();

        public byte ReadByte() => throw Stub.NotOnDesktop();

        public I2cTransferResult Read(SpanByte buffer) => throw Stub.NotOnDesktop();

        public I2cTransferResult WriteByte(byte value) => throw Stub.NotOnDesktop();

        public I2cTransferResult Write(SpanByte buffer) => throw Stub.NotOnDesktop();

        public I2cTransferResult WriteRead(SpanByte writeBuffer, SpanByte readBuffer) => throw Stub.NotOnDesktop();

        public void Dispose() => throw Stub.NotOnDesktop();
    }
}
