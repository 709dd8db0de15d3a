namespace EdgeMicro.Core.Device
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

        /// <summary>Gets or sets the inference listener (device statistics), or null.</summary>
        public IInferenceListener Listener { get; set; }

        /// <summary>
        /// Gets or sets the device statistics of the running model (binary reports on <c>stats</c>, drift events),
        /// or null.
        /// </summary>
        public EdgeMicro.Core.Stats.RuntimeStatistics Statistics { get; set; }

        /// <summary>Gets or sets the statistics published on <c>stats</c>, or null.</summary>
        public IStatsSource Stats { get; set; }
    }
}
