using System.Device.Gpio;
using System.Threading;
using System;
using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Core.Device.Runtime;
using EdgeMicro.Core.Device.Storage;
using EdgeMicro.Core.Device.Update;
using EdgeMicro.Core.Inference;
using EdgeMicro.Core.Stats;
using EdgeMicro.Firmware.Adapters;
using EdgeMicro.Firmware.Models;
using nanoFramework.Networking;

namespace EdgeMicro.Firmware
{
    /// <summary>
    /// Sensor node firmware: verify the compiled-in weight table (CRC) and build its classifier, read I:\device.json
    /// (safe defaults, reported, when it is missing or unreadable: see <see cref="DeviceConfigLoader"/>), join Wi-Fi,
    /// build the adapters and run the portable <see cref="DeviceRuntime"/> (the same code the desktop virtual device runs):
    /// model slot selection at boot, sample, classify, drive GPIO, publish, OTA updates, commands.
    /// </summary>
    public static class Program
    {
        /// <summary>Entry point.</summary>
        public static void Main()
        {
            EspPlatform platform = new EspPlatform();
            FileStorage storage = new FileStorage(DeviceFiles.Drive);

            // The built-in model first (CRC check, classifier construction): a bad I: drive must never leave a device
            // that cannot classify.
            ActiveModel compiled;
            try
            {
                compiled = new ActiveModel(new Classifier(DigitsModel.Create(), new DigitsKernel()), ActiveModel.SourceCompiled);
            }
            catch (Exception e)
            {
                // Nothing sensible to run without a valid built-in model: report and stop.
                platform.Log("EdgeMicro cannot start: built-in model: " + e.Message);
                Thread.Sleep(Timeout.Infinite);
                return;
            }

            byte[] unknownKey = new byte[16];
            new Random().NextBytes(unknownKey);
            string problem;
            DeviceConfig config = DeviceConfigLoader.Load(storage, DeviceFiles.Config, unknownKey, out problem);
            if (problem != null)
            {
                platform.Log("EdgeMicro: " + problem + "; running with safe defaults (device " + config.DeviceId + ", no Wi-Fi, no updates accepted)");
            }

            platform.Log("EdgeMicro " + DeviceRuntime.FirmwareVersion + " device " + config.DeviceId + ", built-in model " + compiled.Model.ModelId + " v" + compiled.Model.ModelVersion.ToString());
            if (config.WifiSsid != null)
            {
                CancellationTokenSource wifiTimeout = new CancellationTokenSource(60000);
                if (!WifiNetworkHelper.ConnectDhcp(config.WifiSsid, config.WifiPassword, requiresDateTime: true, token: wifiTimeout.Token))
                {
                    platform.Log("Wi-Fi not connected yet (the MQTT link keeps retrying)");
                }
            }

            platform.Restart();
            GpioController gpio = new GpioController();
            ISensor sensor = config.Sensor == DeviceConfig.SensorThermal ? (ISensor)new Amg8833Sensor(config) : new AdcWindowSensor(config);
            M2MqttLink link = new M2MqttLink(config, platform);
            DevicePorts ports = new DevicePorts();
            ports.Storage = storage;
            ports.Sensor = sensor;
            ports.Outputs = new GpioOutputs(gpio);
            ports.Labels = config.LabelButtonPin >= 0 ? new LabelButton(gpio, config.LabelButtonPin, config.LabelWindowMs, platform) : null;
            ports.Link = link;
            ports.Platform = platform;
            RuntimeStatistics statistics = new RuntimeStatistics(config.DeviceId, config.SampleBufferSlots, config.SampleBufferReservoirSlots);
            ports.Statistics = statistics;

            DeviceRuntime runtime = new DeviceRuntime(config, ports, compiled);
            link.Start();
            runtime.Boot();
            Com2SerialLink serial = config.SerialRxPin >= 0 && config.SerialTxPin >= 0 ? new Com2SerialLink(config, runtime, statistics, platform) : null;
            EspSleeper sleeper = new EspSleeper(platform);
            while (true)
            {
                DeviceLoop.RunOnce(runtime, sleeper, config.DeepSleep && serial == null);
                if (serial != null)
                {
                    serial.Poll();
                }
            }
        }
    }
}
