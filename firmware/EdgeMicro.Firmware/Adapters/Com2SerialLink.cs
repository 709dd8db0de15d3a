using System.IO.Ports;
using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Core.Device.Runtime;
using EdgeMicro.Core.Protocol;
using EdgeMicro.Core.Stats;
using nanoFramework.Hardware.Esp32;

namespace EdgeMicro.Firmware.Adapters
{
    /// <summary>
    /// The test-rig serial link on the ESP32's second UART (COM1 belongs to nanoFramework's debugger): maps the
    /// configured pins to COM2 with Configuration.SetPinFunction, opens System.IO.Ports.SerialPort, and from the main
    /// loop (<see cref="Poll"/>, never blocking) moves bytes between the port and the portable <see cref="SerialServer"/>,
    /// which serves the running <see cref="DeviceRuntime"/> through the core's <see cref="RuntimeDevicePlatform"/>.
    /// </summary>
    public sealed class Com2SerialLink : IByteSink
    {
        private readonly SerialPort _port;
        private readonly SerialServer _server;
        private readonly byte[] _buffer = new byte[256];
        private readonly IRuntimePlatform _platform;

        /// <summary>Initializes a new instance of the <see cref="Com2SerialLink"/> class and opens COM2.</summary>
        /// <param name="config">Configuration (serial pins and baud rate).</param>
        /// <param name="runtime">The runtime (booted before the first <see cref="Poll"/>).</param>
        /// <param name="statistics">Device statistics, or null.</param>
        /// <param name="platform">Clock and memory.</param>
        public Com2SerialLink(DeviceConfig config, DeviceRuntime runtime, RuntimeStatistics statistics, IRuntimePlatform platform)
        {
            Configuration.SetPinFunction(config.SerialRxPin, DeviceFunction.COM2_RX);
            Configuration.SetPinFunction(config.SerialTxPin, DeviceFunction.COM2_TX);
            _port = new SerialPort("COM2", config.SerialBaud, Parity.None, 8, StopBits.One);
            // nanoFramework's SerialPort rejects timeouts <= 0 (ArgumentOutOfRangeException); Poll only reads what
            // BytesToRead reports, so the shortest timeout never delays the loop.
            _port.ReadTimeout = 1;
            _port.WriteTimeout = 1000;
            _port.Open();
            _platform = platform;
            _server = new SerialServer(new RequestHandler(new RuntimeDevicePlatform(config.DeviceId, runtime, statistics, platform)));
        }

        /// <summary>Answers the requests received so far and NAKs a frame whose bytes stopped arriving (call from
        /// the main loop).</summary>
        /// <returns>Requests answered.</returns>
        public int Poll()
        {
            int answered = 0;
            int available;
            while ((available = _port.BytesToRead) > 0)
            {
                int n = _port.Read(_buffer, 0, available < _buffer.Length ? available : _buffer.Length);
                if (n <= 0)
                {
                    break;
                }

                answered += _server.Process(_buffer, 0, n, this);
            }

            return answered + _server.Tick(_platform.NowMs, this);
        }

        /// <inheritdoc/>
        public void Write(byte[] data, int offset, int count)
        {
            _port.Write(data, offset, count);
        }
    }
}
