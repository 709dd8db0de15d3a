using EdgeMicro.Core.Device.Ports;

namespace EdgeMicro.Core.Device.Runtime
{
    /// <summary>The hardware adapters a <see cref="DeviceRuntime"/> runs on (device or desktop simulation).</summary>
    public sealed class DevicePorts
    {
        /// <summary>Gets or sets the drive.</summary>
        public IModelStorage Storage { get; set; }

        /// <summary>Gets or sets the sensor.</summary>
        public ISensor Sensor { get; set; }

        /// <summary>Gets or sets the digital outputs.</summary>
        public IGpioOutputs Outputs { get; set; }

        /// <summary>Gets or sets the label input, or null.</summary>
        public ILabelInput Labels { get; set; }

        /// <summary>Gets or sets the MQTT link.</summary>
        public IMqttLink Link { get; set; }

        /// <summary>Gets or sets clock, memory and log.</summary>
        public IRuntimePlatform Platform { get; set; }

        /// <summary>
        /// Gets or sets the device statistics of the running model, or null: the single statistics port of the
        /// runtime. It receives every inference and label, raises drift events, and its binary
        /// <see cref="EdgeMicro.Core.Stats.StatsFormat"/> reports are the only payload on <c>stats</c>.
        /// </summary>
        public EdgeMicro.Core.Stats.RuntimeStatistics Statistics { get; set; }
    }
}
