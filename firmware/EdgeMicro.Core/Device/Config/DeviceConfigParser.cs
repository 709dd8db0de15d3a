using EdgeMicro.Core.Stats;

namespace EdgeMicro.Core.Device.Config
{
    /// <summary>
    /// Reads <see cref="DeviceConfig"/> from the <see cref="FlatJson"/> subset, e.g.
    /// <c>{"device_id":"node-7","mqtt_host":"10.0.0.2","fleet_key":"00112233445566778899aabbccddeeff","sensor":"adc",
    /// "adc_channels":[0,3],"sample_period_ms":1000,"class_pins":[-1,26]}</c>. Unknown keys are errors (typos must not
    /// pass silently); every field has a default except device_id, mqtt_host and fleet_key.
    /// </summary>
    public static class DeviceConfigParser
    {
        private static readonly string[] Known = new string[]
        {
            "device_id", "wifi_ssid", "wifi_password", "mqtt_host", "mqtt_port", "mqtt_user", "mqtt_password", "fleet_key",
            "sensor", "adc_channels", "adc_window", "adc_interval_ms", "i2c_bus", "i2c_address", "i2c_data_pin",
            "i2c_clock_pin", "sample_period_ms", "deep_sleep", "status_led_pin", "class_pins", "min_confidence_q15",
            "label_button_pin", "label_window_ms", "outbox_capacity", "ack_timeout_ms", "persist_period_ms", "status_period_ms", "stats_every_samples",
            "serial_rx_pin", "serial_tx_pin", "serial_baud", "sample_buffer_slots", "sample_buffer_reservoir_slots",
        };

        /// <summary>Parses and validates a configuration file's bytes.</summary>
        /// <param name="data">UTF-8 JSON.</param>
        /// <returns>The configuration.</returns>
        public static DeviceConfig Parse(byte[] data)
        {
            FlatJson j = FlatJson.Parse(data, 0, data.Length);
            for (int i = 0; i < j.Count; i++)
            {
                if (!IsKnown(j.KeyAt(i)))
                {
                    throw new DeviceFormatException("unknown configuration key '" + j.KeyAt(i) + "'");
                }
            }

            DeviceConfig c = new DeviceConfig();
            c.DeviceId = j.GetString("device_id", null);
            if (!IsValidDeviceId(c.DeviceId))
            {
                throw new DeviceFormatException("device_id must be 1-23 characters of A-Z a-z 0-9 _ -");
            }

            c.WifiSsid = j.GetString("wifi_ssid", null);
            c.WifiPassword = j.GetString("wifi_password", null);
            c.MqttHost = j.GetString("mqtt_host", null);
            if (c.MqttHost == null || c.MqttHost.Length == 0)
            {
                throw new DeviceFormatException("mqtt_host is required");
            }

            c.MqttPort = j.GetInt("mqtt_port", 1883, 1, 65535);
            c.MqttUser = j.GetString("mqtt_user", null);
            c.MqttPassword = j.GetString("mqtt_password", null);
            c.FleetKey = Hex.Decode(j.GetString("fleet_key", null));
            if (c.FleetKey == null || c.FleetKey.Length < 16)
            {
                throw new DeviceFormatException("fleet_key must be at least 16 bytes as hex");
            }

            c.Sensor = j.GetString("sensor", DeviceConfig.SensorAdc);
            if (!(c.Sensor == DeviceConfig.SensorAdc || c.Sensor == DeviceConfig.SensorThermal || c.Sensor == DeviceConfig.SensorReplay))
            {
                throw new DeviceFormatException("sensor must be adc, amg8833 or replay");
            }

            c.AdcChannels = j.GetArray("adc_channels", new int[] { 0 });
            c.AdcWindow = j.GetInt("adc_window", 16, 1, 4096);
            c.AdcIntervalMs = j.GetInt("adc_interval_ms", 5, 0, 60000);
            c.I2cBus = j.GetInt("i2c_bus", 1, 1, 2);
            c.I2cAddress = j.GetInt("i2c_address", 0x69, 1, 127);
            c.I2cDataPin = j.GetInt("i2c_data_pin", -1, -1, 48);
            c.I2cClockPin = j.GetInt("i2c_clock_pin", -1, -1, 48);
            c.SamplePeriodMs = j.GetInt("sample_period_ms", 1000, 1, 86400000);
            c.DeepSleep = j.GetBool("deep_sleep", false);
            c.StatusLedPin = j.GetInt("status_led_pin", -1, -1, 48);
            c.ClassPins = j.GetArray("class_pins", new int[0]);
            c.MinConfidenceQ15 = j.GetInt("min_confidence_q15", 0, 0, 32768);
            c.LabelButtonPin = j.GetInt("label_button_pin", -1, -1, 48);
            c.LabelWindowMs = j.GetInt("label_window_ms", 1500, 100, 60000);
            c.OutboxCapacity = j.GetInt("outbox_capacity", 64, 2, 4096);
            c.AckTimeoutMs = j.GetInt("ack_timeout_ms", 30000, 0, 86400000);
            c.PersistPeriodMs = j.GetInt("persist_period_ms", 60000, 0, 86400000);
            c.StatusPeriodMs = j.GetInt("status_period_ms", 60000, 1000, 86400000);
            c.StatsEverySamples = j.GetInt("stats_every_samples", 100, 0, 1000000);
            c.SampleBufferSlots = j.GetInt("sample_buffer_slots", DeviceStatistics.DefaultCapacity, 0, 256);
            c.SampleBufferReservoirSlots = j.GetInt("sample_buffer_reservoir_slots", DeviceStatistics.DefaultReservoirSlots, 0, 256);
            if (c.SampleBufferReservoirSlots > c.SampleBufferSlots)
            {
                throw new DeviceFormatException("sample_buffer_reservoir_slots must not exceed sample_buffer_slots");
            }
            c.SerialRxPin = j.GetInt("serial_rx_pin", -1, -1, 48);
            c.SerialTxPin = j.GetInt("serial_tx_pin", -1, -1, 48);
            c.SerialBaud = j.GetInt("serial_baud", 115200, 1200, 3000000);
            for (int i = 0; i < c.ClassPins.Length; i++)
            {
                if (c.ClassPins[i] < -1 || c.ClassPins[i] > 48)
                {
                    throw new DeviceFormatException("class_pins values must be -1..48");
                }
            }

            return c;
        }

        /// <summary>Checks a device id: 1-23 characters of [A-Za-z0-9_-] (MQTT client id rules, and a single topic level).</summary>
        /// <param name="id">The id.</param>
        /// <returns>True when valid.</returns>
        public static bool IsValidDeviceId(string id)
        {
            if (id == null || id.Length < 1 || id.Length > 23)
            {
                return false;
            }

            for (int i = 0; i < id.Length; i++)
            {
                char ch = id[i];
                bool ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') || ch == '_' || ch == '-';
                if (!ok)
                {
                    return false;
                }
            }

            return true;
        }

        private static bool IsKnown(string key)
        {
            for (int i = 0; i < Known.Length; i++)
            {
                if (Known[i] == key)
                {
                    return true;
                }
            }

            return false;
        }
    }
}
