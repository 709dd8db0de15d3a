using System.Device.Adc;
using System.Threading;
using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Core.Device.Sensing;

namespace EdgeMicro.Firmware.Adapters
{
    /// <summary>
    /// Windowed ADC features (nanoFramework.System.Device.Adc): N readings per configured channel, then per channel
    /// mean, min, max and standard deviation in integer fixed point (<see cref="WindowedFeatures"/>).
    /// </summary>
    public sealed class AdcWindowSensor : ISensor
    {
        private readonly AdcChannel[] _channels;
        private readonly int _window;
        private readonly int _intervalMs;
        private readonly int[] _readings;

        /// <summary>Initializes a new instance of the <see cref="AdcWindowSensor"/> class.</summary>
        /// <param name="config">adc_channels, adc_window, adc_interval_ms.</param>
        public AdcWindowSensor(DeviceConfig config)
        {
            AdcController adc = new AdcController();
            _channels = new AdcChannel[config.AdcChannels.Length];
            for (int i = 0; i < _channels.Length; i++)
            {
                _channels[i] = adc.OpenChannel(config.AdcChannels[i]);
            }

            _window = config.AdcWindow;
            _intervalMs = config.AdcIntervalMs;
            _readings = new int[_channels.Length * _window];
        }

        /// <inheritdoc/>
        public int FeatureCount
        {
            get { return _channels.Length * WindowedFeatures.PerChannel; }
        }

        /// <inheritdoc/>
        public bool Read(int[] sample, int fractionBits)
        {
            int n = _channels.Length;
            for (int r = 0; r < _window; r++)
            {
                for (int c = 0; c < n; c++)
                {
                    _readings[(r * n) + c] = _channels[c].ReadValue();
                }

                if (_intervalMs > 0)
                {
                    Thread.Sleep(_intervalMs);
                }
            }

            WindowedFeatures.Compute(_readings, n, _window, fractionBits, sample);
            return true;
        }
    }
}
