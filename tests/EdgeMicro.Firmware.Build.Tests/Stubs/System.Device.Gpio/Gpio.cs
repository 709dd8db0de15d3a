// Stub of nanoFramework.System.Device.Gpio 1.1.62, assembly System.Device.Gpio (compile-time only; see ../README.md).
// Source: github.com/nanoframework/System.Device.Gpio, tag v1.1.62: System.Device.Gpio/GpioController.cs, GpioPin.cs,
// PinMode.cs, PinValue.cs, PinEventTypes.cs, PinValueChangedEventArgs.cs. Subset: the members the firmware uses.
using nanoFramework.Runtime.Events;

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
        public static PinValue High => throw new NotImplementedException();

        public static PinValue Low => throw new NotImplementedException();

        public static implicit operator PinValue(int value) => throw new NotImplementedException();

        public static implicit operator PinValue(bool value) => throw new NotImplementedException();
    }

    public class PinValueChangedEventArgs : BaseEvent
    {
        public PinValueChangedEventArgs(PinEventTypes changeType, int pinNumber) => throw new NotImplementedException();

        public PinEventTypes ChangeType => throw new NotImplementedException();

        public int PinNumber => throw new NotImplementedException();
    }

    public delegate void PinValueChangedEventHandler(object sender, PinValueChangedEventArgs e);

    public sealed class GpioPin : IDisposable
    {
        internal GpioPin()
        {
        }

        public event PinValueChangedEventHandler ValueChanged
        {
            add => throw new NotImplementedException();
            remove => throw new NotImplementedException();
        }

        public TimeSpan DebounceTimeout
        {
            get => throw new NotImplementedException();
            set => throw new NotImplementedException();
        }

        public int PinNumber => throw new NotImplementedException();

        public void SetPinMode(PinMode value) => throw new NotImplementedException();

        public PinValue Read() => throw new NotImplementedException();

        public void Write(PinValue value) => throw new NotImplementedException();

        public void Toggle() => throw new NotImplementedException();

        public void Dispose() => throw new NotImplementedException();
    }

    public sealed class GpioController : IDisposable
    {
        public GpioController() => throw new NotImplementedException();

        public GpioPin OpenPin(int pinNumber) => throw new NotImplementedException();

        public GpioPin OpenPin(int pinNumber, PinMode mode) => throw new NotImplementedException();

        public void ClosePin(int pinNumber) => throw new NotImplementedException();

        public PinValue Read(int pinNumber) => throw new NotImplementedException();

        public void Write(int pinNumber, PinValue value) => throw new NotImplementedException();

        public void Dispose() => throw new NotImplementedException();
    }
}
