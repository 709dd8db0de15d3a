using System.Device.Gpio;
using System;
using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Core.Device.Sensing;

namespace EdgeMicro.Firmware.Adapters
{
    /// <summary>
    /// The label button: a GPIO input with pull-up and hardware debounce; each press (falling edge) goes to
    /// <see cref="LabelPresses"/>, which turns N presses into class N-1. The GPIO callback thread and the firmware
    /// loop are serialized by a lock.
    /// </summary>
    public sealed class LabelButton : ILabelInput
    {
        private readonly object _gate = new object();
        private readonly LabelPresses _presses;
        private readonly IRuntimePlatform _platform;
        private readonly GpioPin _pin;

        /// <summary>Initializes a new instance of the <see cref="LabelButton"/> class.</summary>
        /// <param name="controller">GPIO controller.</param>
        /// <param name="pin">Button pin (to ground when pressed).</param>
        /// <param name="windowMs">Quiet time ending a press sequence.</param>
        /// <param name="platform">Clock.</param>
        public LabelButton(GpioController controller, int pin, int windowMs, IRuntimePlatform platform)
        {
            _platform = platform;
            _presses = new LabelPresses(windowMs, 150);
            _pin = controller.OpenPin(pin, PinMode.InputPullUp);
            _pin.DebounceTimeout = new TimeSpan(50 * TimeSpan.TicksPerMillisecond);
            _pin.ValueChanged += OnValueChanged;
        }

        /// <inheritdoc/>
        public int Poll(long nowMs)
        {
            lock (_gate)
            {
                return _presses.Poll(nowMs);
            }
        }

        private void OnValueChanged(object sender, PinValueChangedEventArgs e)
        {
            if (e.ChangeType != PinEventTypes.Falling)
            {
                return;
            }

            lock (_gate)
            {
                _presses.Press(_platform.NowMs);
            }
        }
    }
}
