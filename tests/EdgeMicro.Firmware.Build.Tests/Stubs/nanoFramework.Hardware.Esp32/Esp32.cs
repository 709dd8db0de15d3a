// Stub of nanoFramework.Hardware.Esp32 1.6.42 (compile-time only; see ../README.md).
// Source: github.com/nanoframework/nanoFramework.Hardware.Esp32, tag v1.6.42: nanoFramework.Hardware.Esp32/Configuration.cs,
// DeviceTypePins.cs (DeviceFunction values are encoded: DeviceType * 0x10000 + DeviceIndex * 0x100 + index),
// Errors.cs (EspNativeError : Int32), NativeMemory.cs, Sleep.cs. Subset: the members the firmware uses.
namespace nanoFramework.Hardware.Esp32
{
    public enum EspNativeError : int
    {
        OK = 0,
        FAIL = -1,
    }

    public enum DeviceFunction
    {
        I2C1_DATA = 0x20100,
        I2C1_CLOCK = 0x20101,
        I2C2_DATA = 0x20200,
        I2C2_CLOCK = 0x20201,
        COM2_TX = 0x30200,
        COM2_RX = 0x30201,
    }

    public class Configuration
    {
        public static void SetPinFunction(int pin, DeviceFunction value) => throw new System.NotImplementedException();

        public static int GetFunctionPin(DeviceFunction function) => throw new System.NotImplementedException();
    }

    public class NativeMemory
    {
        public enum MemoryType
        {
            All,
            Internal,
            SpiRam,
        }

        public static void GetMemoryInfo(MemoryType memType, out uint totalSize, out uint totalFreeSize, out uint largestFreeBlock) => throw new System.NotImplementedException();
    }

    public class Sleep
    {
        public static EspNativeError EnableWakeupByTimer(System.TimeSpan time) => throw new System.NotImplementedException();

        public static void StartDeepSleep() => throw new System.NotImplementedException();
    }
}
