using System.Device.Gpio;
using EdgeMicro.Core.Device.Ports;

namespace EdgeMicro.Firmware.Adapters
{
    /// <summary>Digital outputs through nanoFramework.System.Device.Gpio; each pin is opened as output on first write.</summary>
    public sealed class GpioOutputs : IGpioOutputs
    {
        private readonly GpioController _controller;
        private readonly GpioPin[] _pins = new GpioPin[49];

        /// <summary>Initializes a new instance of the <see cref="GpioOutputs"/> class.</summary>
        /// <param name="controller">The board's GPIO controller.</param>
        public GpioOutputs(GpioController controller)
        {
            _controller = controller;
        }

        /// <inheritdoc/>
        public void Write(int pin, bool high)
        {
            GpioPin p = _pins[pin];
            if (p == null)
            {
                p = _controller.OpenPin(pin, PinMode.Output);
                _pins[pin] = p;
            }

            p.Write(high ? PinValue.High : PinValue.Low);
        }
    }
}
