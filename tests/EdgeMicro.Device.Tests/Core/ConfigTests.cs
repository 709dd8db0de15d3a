using System.Text.Json;
using System.Text;
using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Messaging;

namespace EdgeMicro.Device.Tests.Core;

public sealed class ConfigTests
{
    private const string Minimal = """{"device_id":"node-7","mqtt_host":"10.0.0.2","fleet_key":"000102030405060708090a0b0c0d0e0f"}""";

    private static DeviceConfig Parse(string json) => DeviceConfigParser.Parse(Encoding.UTF8.GetBytes(json));

    [Fact]
    public void Parse_WhenOnlyRequiredKeysAreGiven_AppliesTheDefaults()
    {
        DeviceConfig c = Parse(Minimal);

        Assert.Equal("node-7", c.DeviceId);
        Assert.Equal(1883, c.MqttPort);
        Assert.Equal(16, c.FleetKey.Length);
        Assert.Equal(DeviceConfig.SensorAdc, c.Sensor);
        Assert.Equal(1000, c.SamplePeriodMs);
        Assert.Equal(-1, c.StatusLedPin);
        Assert.Empty(c.ClassPins);
        Assert.Equal(64, c.OutboxCapacity);
        Assert.Equal((-1, -1, 115200), (c.SerialRxPin, c.SerialTxPin, c.SerialBaud));
        Assert.Equal((16, 4), (c.SampleBufferSlots, c.SampleBufferReservoirSlots));
    }

    [Fact]
    public void Parse_WhenSampleBufferIsConfigured_ReadsSlotsAndRejectsAReservoirLargerThanTheBuffer()
    {
        DeviceConfig c = Parse(Minimal[..^1] + ""","sample_buffer_slots":40,"sample_buffer_reservoir_slots":8}""");
        Assert.Equal((40, 8), (c.SampleBufferSlots, c.SampleBufferReservoirSlots));

        var e = Assert.Throws<DeviceFormatException>(() => Parse(Minimal[..^1] + ""","sample_buffer_slots":4,"sample_buffer_reservoir_slots":5}"""));
        Assert.Contains("sample_buffer_reservoir_slots", e.Message);
    }

    [Fact]
    public void Parse_WhenEveryFieldIsGiven_ReadsEachOne()
    {
        DeviceConfig c = Parse("""
            { "device_id": "a_b-1", "wifi_ssid": "lab \"2\"", "wifi_password": "p\u00e9", "mqtt_host": "broker", "mqtt_port": 8883,
              "mqtt_user": "u", "mqtt_password": null, "fleet_key": "00112233445566778899AABBCCDDEEFF00", "sensor": "amg8833",
              "adc_channels": [0, 3, -0], "adc_window": 32, "adc_interval_ms": 2, "i2c_bus": 2, "i2c_address": 104,
              "i2c_data_pin": 21, "i2c_clock_pin": 22, "sample_period_ms": 250, "deep_sleep": true, "status_led_pin": 2,
              "class_pins": [-1, 26, 27], "min_confidence_q15": 20000, "label_button_pin": 0, "label_window_ms": 900,
              "outbox_capacity": 8, "status_period_ms": 5000, "stats_every_samples": 10,
              "serial_rx_pin": 16, "serial_tx_pin": 17, "serial_baud": 921600 }
            """);

        Assert.Equal("lab \"2\"", c.WifiSsid);
        Assert.Equal("p\u00e9", c.WifiPassword);
        Assert.Null(c.MqttPassword);
        Assert.Equal(8883, c.MqttPort);
        Assert.Equal(17, c.FleetKey.Length);
        Assert.Equal([0, 3, 0], c.AdcChannels);
        Assert.Equal(104, c.I2cAddress);
        Assert.True(c.DeepSleep);
        Assert.Equal([-1, 26, 27], c.ClassPins);
        Assert.Equal((20000, 900, 8, 5000, 10), (c.MinConfidenceQ15, c.LabelWindowMs, c.OutboxCapacity, c.StatusPeriodMs, c.StatsEverySamples));
        Assert.Equal((16, 17, 921600), (c.SerialRxPin, c.SerialTxPin, c.SerialBaud));
    }

    [Theory]
    [InlineData("""{"mqtt_host":"h","fleet_key":"000102030405060708090a0b0c0d0e0f"}""", "device_id")]
    [InlineData("""{"device_id":"has space","mqtt_host":"h","fleet_key":"000102030405060708090a0b0c0d0e0f"}""", "device_id")]
    [InlineData("""{"device_id":"x","mqtt_host":"h","fleet_key":"0001"}""", "fleet_key")]
    [InlineData("""{"device_id":"x","mqtt_host":"h","fleet_key":"000102030405060708090a0b0c0d0e0f","mqtt_port":70000}""", "mqtt_port")]
    [InlineData("""{"device_id":"x","mqtt_host":"h","fleet_key":"000102030405060708090a0b0c0d0e0f","sensor":"camera"}""", "sensor")]
    [InlineData("""{"device_id":"x","mqtt_host":"h","fleet_key":"000102030405060708090a0b0c0d0e0f","sample_period":5}""", "unknown")]
    [InlineData("""{"device_id":"x","mqtt_host":"h","fleet_key":"000102030405060708090a0b0c0d0e0f","sample_period_ms":1.5}""", "integers")]
    [InlineData("""{"device_id":"x","device_id":"y"}""", "duplicate")]
    [InlineData("""{"device_id":"x","nested":{"a":1}}""", "objects")]
    [InlineData("""{"device_id":"x"} trailing""", "after the object")]
    [InlineData("""{"device_id":"x""", "unterminated")]
    public void Parse_WhenInvalid_ThrowsNamingTheProblem(string json, string expected)
    {
        var e = Assert.Throws<DeviceFormatException>(() => Parse(json));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FlatJson_WhenGivenTextFromSystemTextJson_ReadsTheSameValues()
    {
        var values = new Dictionary<string, object?> { ["s"] = "a\\b\n\t\u0001\"é😀", ["n"] = -123456789012345L, ["b"] = false, ["a"] = new[] { int.MinValue, 0, int.MaxValue }, ["z"] = null };
        FlatJson j = FlatJson.Parse(JsonSerializer.Serialize(values));

        Assert.Equal("a\\b\n\t\u0001\"é😀", j.GetString("s", null));
        Assert.Equal(-123456789012345L, j.GetNumber("n", 0));
        Assert.False(j.GetBool("b", true));
        Assert.Equal([int.MinValue, 0, int.MaxValue], j.GetArray("a", null));
        Assert.Equal(FlatJson.KindNull, j.KindOf("z"));
        Assert.Equal("fallback", j.GetString("z", "fallback"));
        Assert.Throws<DeviceFormatException>(() => j.GetNumber("s", 0));
    }

    [Fact]
    public void PayloadWriter_WhenWritingAnyString_ProducesJsonThatSystemTextJsonReadsBack()
    {
        var w = new PayloadWriter(256);
        w.Begin();
        w.Text("s", "q\"\\\n\u00e9\u2028");
        w.Number("min", long.MinValue + 1);
        w.Number("zero", 0);
        w.Bool("b", true);
        w.Numbers("a", [3, -4, 5], 2);
        w.Text("null", null);
        w.End();

        using JsonDocument doc = JsonDocument.Parse(w.Buffer.AsMemory(0, w.Length));
        JsonElement r = doc.RootElement;
        Assert.False(w.Overflowed);
        Assert.Equal("q\"\\\n\u00e9\u2028", r.GetProperty("s").GetString());
        Assert.Equal(long.MinValue + 1, r.GetProperty("min").GetInt64());
        Assert.Equal(0, r.GetProperty("zero").GetInt64());
        Assert.True(r.GetProperty("b").GetBoolean());
        Assert.Equal([3, -4], r.GetProperty("a").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(JsonValueKind.Null, r.GetProperty("null").ValueKind);
    }

    [Fact]
    public void PayloadWriter_WhenThePayloadDoesNotFit_ReportsOverflow()
    {
        var w = new PayloadWriter(8);
        w.Begin();
        w.Text("long", "0123456789");
        w.End();

        Assert.True(w.Overflowed);
    }
}
