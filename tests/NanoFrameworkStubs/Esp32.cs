// Mirrors nanoFramework.Hardware.Esp32 1.6.x (github.com/nanoframework/nanoFramework.Hardware.Esp32):
// Configuration.cs, Sleep.cs, NativeMemory.cs, EspNativeError.cs, DeviceFunction (DeviceTypePins.cs). Only the members
// the firmware uses are mirrored; enum values beyond those are omitted.
using System;

namespace nanoFramework.Hardware.Esp32
{
    public enum EspNativeError : int
    {
        OK = 0,
        FAIL = -1,
    }

    public enum DeviceFunction
    {
        I2C1_DATA,
        I2C1_CLOCK,
        I2C2_DATA,
        I2C2_CLOCK,
        COM2_RX,
        COM2_TX,
    }

    public static class Configuration
    {
        public static void SetPinFunction(int pin, DeviceFunction function) => throw NanoFrameworkStubs.Stub.NotOnDesktop();

        public static int GetFunctionPin(DeviceFunction function) => throw NanoFrameworkStubs.Stub.NotOnDesktop();
    }

    public class Sleep
    {
        public static EspNativeError EnableWakeupByTimer(TimeSpan time) => throw NanoFrameworkStubs.Stub.NotOnDesktop();

        public static void StartDeepSleep() => throw NanoFrameworkStubs.Stub.NotOnDesktop();
    }

    public static class NativeMemory
    {
        public enum MemoryType
        {
            All,
            Internal,
            SpiRam,
        }

        public static void GetMemoryInfo(MemoryType memoryType, out uint totalSize, out uint totalFreeSize, out uint largestFreeBlock) => throw NanoFrameworkStubs.Stub.NotOnDesktop();
    }
}

namespace NanoFrameworkStubs
{
    internal static class Stub
    {
        public static NotSupportedException NotOnDesktop() => new("nanoFramework API stub: compile-time only.");
    }
}
