using EdgeMicro.Core.Device.Ports;

namespace EdgeMicro.Core.Device.Sensing
{
    /// <summary>
    /// Turns debounced presses of the label button into a class: N presses, then a quiet window, mean class N-1
    /// (one press = class 0). Presses closer than the debounce time to the previous one are ignored (contact bounce).
    /// Not thread-safe: an adapter calling <see cref="Press"/> from a GPIO callback serializes it with <see cref="Poll"/>.
    /// </summary>
    public sealed class LabelPresses : ILabelInput
    {
        private readonly int _windowMs;
        private readonly int _debounceMs;
        private int _presses;
        private long _lastPressMs;

        /// <summary>Initializes a new instance of the <see cref="LabelPresses"/> class.</summary>
        /// <param name="windowMs">Quiet time that ends a sequence.</param>
        /// <param name="debounceMs">Minimum time between presses.</param>
        public LabelPresses(int windowMs, int debounceMs)
        {
            _windowMs = windowMs;
            _debounceMs = debounceMs;
        }

        /// <summary>Records a press .</summary>
        /// <param name="nowMs">Time of the press.</param>
        public void Press(long nowMs)
        {
            if (_presses > 0 && nowMs - _lastPressMs < _debounceMs)
            {
                return;
            }

            _presses++;
            _lastPressMs = nowMs;
        }

        /// <inheritdoc/>
        public int Poll(long nowMs)
        {
            if (_presses == 0 || nowMs - _lastPressMs < _windowMs)
            {
                return -1;
            }

            int label = _presses - 1;
            _presses = 0;
            return label;
        }
    }
}
