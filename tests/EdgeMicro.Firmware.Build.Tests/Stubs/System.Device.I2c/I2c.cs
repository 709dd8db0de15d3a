// Stub of nanoFramework.System.Device.I2c 1.1.29, assembly System.Device.I2c (compile-time only; see ../README.md).
// Source: github.com/nanoframework/System.Device.I2c, tag v1.1.29: System.Device.I2c/I2cDevice.cs,
// I2cConnectionSettings.cs, I2cTransferResult.cs, I2cTransferStatus.cs, I2cBusSpeed.cs, I2cSharingMode.cs. The v1 line
// passes buffers as mscorlib's System.SpanByte (the v2 line, on main, uses Span<byte>); SpanByte is NOT redefined here.
namespace System.Device.I2c
{
    public enum I2cBusSpeed
    {
        StandardMode,
        FastMode,
    }

    public enum I2cSharingMode
    {
        Exclusive,
        Shared,
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
        public uint BytesTransferred => throw new NotImplementedException();

        public I2cTransferStatus Status => throw new NotImplementedException();
    }

    public sealed class I2cConnectionSettings
    {
        public I2cConnectionSettings(int busId, int deviceAddress) => throw new NotImplementedException();

        public I2cConnectionSettings(int busId, int deviceAddress, I2cBusSpeed busSpeed, I2cSharingMode sharingMode) => throw new NotImplementedException();

        public int BusId => throw new NotImplementedException();

        public int DeviceAddress => throw new NotImplementedException();

        public I2cBusSpeed BusSpeed => throw new NotImplementedException();

        public I2cSharingMode SharingMode => throw new NotImplementedException();
    }

    public class I2cDevice : IDisposable
    {
        public I2cDevice(I2cConnectionSettings settings) => throw new NotImplementedException();

        public I2cConnectionSettings ConnectionSettings => throw new NotImplementedException();

        public static I2cDevice Create(I2cConnectionSettings settings) => throw new NotImplementedException();

        public byte ReadByte() => throw new NotImplementedException();

        public I2cTransferResult Read(SpanByte buffer) => throw new NotImplementedException();

        public I2cTransferResult WriteByte(byte value) => throw new NotImplementedException();

        public I2cTransferResult Write(SpanByte buffer) => throw new NotImplementedException();

        public I2cTransferResult WriteRead(SpanByte writeBuffer, SpanByte readBuffer) => throw new NotImplementedException();

        public void Dispose() => throw new NotImplementedException();
    }
}
