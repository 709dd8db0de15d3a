using System.Device.I2c;
using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Core.Device.Sensing;
using nanoFramework.Hardware.Esp32;

namespace EdgeMicro.Firmware.Adapters
{
    /// <summary>
    /// AMG8833-class 8x8 thermal array over I2C (nanoFramework.System.Device.I2c): normal mode, 10 frames/s, one
    /// 128-byte burst read from register 0x80 per sample, converted by <see cref="ThermalFrame"/>.
    /// </summary>
    public sealed class Amg8833Sensor : ISensor
    {
        private const byte PowerControl = 0x00;
        private const byte Reset = 0x01;
        private const byte FrameRate = 0x02;

        private readonly I2cDevice _device;
        private readonly byte[] _raw = new byte[ThermalFrame.FrameBytes];
        private readonly byte[] _pixelRegister = new byte[] { ThermalFrame.PixelRegister };

        /// <summary>Initializes a new instance of the <see cref="Amg8833Sensor"/> class.</summary>
        /// <param name="config">i2c_bus, i2c_address and optional i2c_data_pin / i2c_clock_pin.</param>
        public Amg8833Sensor(DeviceConfig config)
        {
            if (config.I2cDataPin >= 0 && config.I2cClockPin >= 0)
            {
                Configuration.SetPinFunction(config.I2cDataPin, config.I2cBus == 1 ? DeviceFunction.I2C1_DATA : DeviceFunction.I2C2_DATA);
                Configuration.SetPinFunction(config.I2cClockPin, config.I2cBus == 1 ? DeviceFunction.I2C1_CLOCK : DeviceFunction.I2C2_CLOCK);
            }

            _device = I2cDevice.Create(new I2cConnectionSettings(config.I2cBus, config.I2cAddress));
            _device.Write(new byte[] { PowerControl, 0x00 });
            _device.Write(new byte[] { Reset, 0x3F });
            _device.Write(new byte[] { FrameRate, 0x00 });
        }

        /// <inheritdoc/>
        public int FeatureCount
        {
            get { return ThermalFrame.Pixels; }
        }

        /// <inheritdoc/>
        public bool Read(int[] sample, int fractionBits)
        {
            I2cTransferResult result = _device.WriteRead(_pixelRegister, _raw);
            if (result.Status != I2cTransferStatus.FullTransfer)
            {
                return false;
            }

            ThermalFrame.Convert(_raw, fractionBits, sample);
            return true;
        }
    }
}
