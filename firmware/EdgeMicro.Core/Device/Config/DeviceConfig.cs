namespace EdgeMicro.Core.Device.Config
{
    /// <summary>
    /// Device configuration, written to <c>I:\device.json</c> at provisioning and read at boot by
    /// <see cref="DeviceConfigParser"/> (the desktop virtual device reads the same format). Pin values of -1 mean
    /// "not connected".
    /// </summary>
    public sealed class DeviceConfig
    {
        /// <summary>Sensor kind: windowed ADC features.</summary>
        public const string SensorAdc = "adc";

        /// <summary>Sensor kind: AMG8833-class 8x8 thermal array over I2C.</summary>
        public const string SensorThermal = "amg8833";

        /// <summary>Sensor kind: samples replayed from a file (desktop virtual device).</summary>
        public const string SensorReplay = "replay";

        /// <summary>Gets or sets the device id (1-23 characters of [A-Za-z0-9_-]; also the MQTT client id).</summary>
        public string DeviceId { get; set; }

        /// <summary>Gets or sets the Wi-Fi SSID (device only).</summary>
        public string WifiSsid { get; set; }

        /// <summary>Gets or sets the Wi-Fi password.</summary>
        public string WifiPassword { get; set; }

        /// <summary>Gets or sets the MQTT broker host.</summary>
        public string MqttHost { get; set; }

        /// <summary>Gets or sets the MQTT broker port.</summary>
        public int MqttPort { get; set; }

        /// <summary>Gets or sets the MQTT user name, or null.</summary>
        public string MqttUser { get; set; }

        /// <summary>Gets or sets the MQTT password, or null.</summary>
        public string MqttPassword { get; set; }

        /// <summary>Gets or sets the fleet key that signs model updates (HMAC-SHA256), at least 16 bytes.</summary>
        public byte[] FleetKey { get; set; }

        /// <summary>Gets or sets the sensor kind (<see cref="SensorAdc"/>, <see cref="SensorThermal"/>, <see cref="SensorReplay"/>).</summary>
        public string Sensor { get; set; }

        /// <summary>Gets or sets the ADC channels sampled (adc sensor).</summary>
        public int[] AdcChannels { get; set; }

        /// <summary>Gets or sets the readings per channel in one window (adc sensor).</summary>
        public int AdcWindow { get; set; }

        /// <summary>Gets or sets the delay between ADC readings in milliseconds (adc sensor).</summary>
        public int AdcIntervalMs { get; set; }

        /// <summary>Gets or sets the I2C bus id (thermal sensor).</summary>
        public int I2cBus { get; set; }

        /// <summary>Gets or sets the 7-bit I2C address (thermal sensor; AMG8833 is 0x69 = 105 or 0x68).</summary>
        public int I2cAddress { get; set; }

        /// <summary>Gets or sets the I2C data pin (ESP32 pin function mapping), or -1 for the board default.</summary>
        public int I2cDataPin { get; set; }

        /// <summary>Gets or sets the I2C clock pin, or -1 for the board default.</summary>
        public int I2cClockPin { get; set; }

        /// <summary>Gets or sets the sampling period in milliseconds.</summary>
        public int SamplePeriodMs { get; set; }

        /// <summary>Gets or sets a value indicating whether the device deep-sleeps between samples.</summary>
        public bool DeepSleep { get; set; }

        /// <summary>Gets or sets the status LED pin, or -1.</summary>
        public int StatusLedPin { get; set; }

        /// <summary>Gets or sets one output pin per decision class (-1 for none), driven high while that class is predicted.</summary>
        public int[] ClassPins { get; set; }

        /// <summary>Gets or sets the Q15 confidence below which no class output is driven (0 = always).</summary>
        public int MinConfidenceQ15 { get; set; }

        /// <summary>Gets or sets the label button pin, or -1.</summary>
        public int LabelButtonPin { get; set; }

        /// <summary>Gets or sets the quiet time that ends a label press sequence (N presses = class N-1).</summary>
        public int LabelWindowMs { get; set; }

        /// <summary>Gets or sets the outbox capacity in messages.</summary>
        public int OutboxCapacity { get; set; }

        /// <summary>
        /// Gets or sets how long a result, label, event or statistics window stays unacknowledged by the host before
        /// it is published again (it is also re-sent after every reconnection); 0 = the host does not acknowledge,
        /// messages leave the outbox at the broker's PUBACK.
        /// </summary>
        public int AckTimeoutMs { get; set; }

        /// <summary>Gets or sets the shortest time between two writes of the unacknowledged outbox and statistics report to I: (flash wear); 0 = never.</summary>
        public int PersistPeriodMs { get; set; }

        /// <summary>Gets or sets the status publishing period in milliseconds.</summary>
        public int StatusPeriodMs { get; set; }

        /// <summary>Gets or sets after how many samples statistics are published (0 = never).</summary>
        public int StatsEverySamples { get; set; }

        /// <summary>Gets or sets the slots of the statistics sample buffer (sample_buffer_slots, default 16).</summary>
        public int SampleBufferSlots { get; set; }

        /// <summary>Gets or sets how many of those slots are a uniform reservoir (sample_buffer_reservoir_slots, default 4);
        /// the rest keep the most uncertain samples.</summary>
        public int SampleBufferReservoirSlots { get; set; }

        /// <summary>Gets or sets the GPIO of the test-rig UART's RX (COM2), or -1 for no serial protocol.</summary>
        public int SerialRxPin { get; set; }

        /// <summary>Gets or sets the GPIO of the test-rig UART's TX (COM2), or -1.</summary>
        public int SerialTxPin { get; set; }

        /// <summary>Gets or sets the test-rig UART's baud rate.</summary>
        public int SerialBaud { get; set; }
    }
}
