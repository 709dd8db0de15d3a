// Mirrors nanoFramework.System.Device.Gpio 1.1.x (github.com/nanoframework/System.Device.Gpio): GpioController,
// GpioPin, PinMode, PinValue, PinEventTypes, PinValueChangedEventArgs, PinValueChangedEventHandler.
using System;
using NanoFrameworkStubs;

namespace System.Device.Gpio
{
    public enum PinMode
    {
        Input,
        InputPullDown,
        InputPullUp,
        Output,
        OutputOpenDrain,
        OutputOpenDrainPullUp,
        OutputOpenSource,
        OutputOpenSourcePullDown,
    }

    [Flags]
    public enum PinEventTypes
    {
        None = 0,
        Rising = 1,
        Falling = 2,
    }

    public readonly struct PinValue
    {
        public static PinValue High => throw Stub.NotOnDesktop();

        public static PinValue Low => throw Stub.NotOnDesktop();

        public static implicit operator PinValue(int value) => throw Stub.NotOnDesktop();

        public static implicit operator PinValue(bool value) => throw Stub.NotOnDesktop();
    }

    public class PinValueChangedEventArgs : EventArgs
    {
        public PinValueChangedEventArgs(PinEventTypes changeType, int pinNumber) => throw Stub.NotOnDesktop();

        public PinEventTypes ChangeType => throw Stub.NotOnDesktop();

        public int PinNumber => throw Stub.NotOnDesktop();
    }

    public delegate void PinValueChangedEventHandler(object sender, PinValueChangedEventArgs pinValueChangedEventArgs);

    public class GpioPin : IDisposable
    {
        public event PinValueChangedEventHandler ValueChanged
        {
            add => throw Stub.NotOnDesktop();
            remove => throw Stub.NotOnDesktop();
        }

        public int PinNumber => throw Stub.NotOnDesktop();

        public TimeSpan DebounceTimeout
        {
            get => throw Stub.NotOnDesktop();
            set => throw Stub.NotOnDesktop();
        }

        public PinValue Read() => throw Stub.NotOnDesktop();

        public void Write(PinValue value) => throw Stub.NotOnDesktop();

        public void Toggle() => throw Stub.NotOnDesktop();

        public void SetPinMode(PinMode value) => throw Stub.NotOnDesktop();

        public void Dispose() => throw Stub.NotOnDesktop();
    }

    public class GpioController : IDisposable
    {
        public GpioController() => throw Stub.NotOnDesktop();

        public GpioPin OpenPin(int pinNumber) => throw Stub.NotOnDesktop();

        public GpioPin OpenPin(int pinNumber, PinMode mode) => throw Stub.NotOnDesktop();

        public void ClosePin(int pinNumber) => throw Stub.NotOnDesktop();

        public PinValue Read(int pinNumber) => throw Stub.NotOnDesktop();

        public void Write(int pinNumber, PinValue value) => throw Stub.NotOnDesktop();

        public void Dispose() => throw Stub.NotOnDesktop();
    }
}
