using System.Text;
using EdgeMicro.Core.Device.Config;
using EdgeMicro.Core.Device.Ports;
using EdgeMicro.Device.Tests.Support;

namespace EdgeMicro.Device.Tests.Core;

/// <summary>The firmware's boot-time configuration: a missing or unreadable I: file falls back to safe defaults.</summary>
public sealed class DeviceConfigLoaderTests
{
    private const string Valid = """{"device_id":"node-7","mqtt_host":"10.0.0.2","fleet_key":"000102030405060708090a0b0c0d0e0f"}""";

    private static readonly byte[] Key = Enumerable.Range(200, 16).Select(i => (byte)i).ToArray();

    [Fact]
    public void Load_WhenTheFileIsValid_ReturnsItWithoutAProblem()
    {
        var storage = new MemoryStorage();
        storage.Write("device.json", Encoding.UTF8.GetBytes(Valid), 0, Valid.Length);

        DeviceConfig c = DeviceConfigLoader.Load(storage, "device.json", Key, out string? problem);

        Assert.Null(problem);
        Assert.Equal("node-7", c.DeviceId);
    }

    [Fact]
    public void Load_WhenTheFileIsMissing_FallsBackToSafeDefaultsAndSaysSo()
    {
        DeviceConfig c = DeviceConfigLoader.Load(new MemoryStorage(), "device.json", Key, out string? problem);

        Assert.Equal("configuration device.json is missing", problem);
        AssertSafeDefaults(c);
    }

    [Theory]
    [InlineData("{\"device_id\":")]
    [InlineData("{\"device_id\":\"node-7\"}")]
    [InlineData("{\"device_id\":\"node-7\",\"mqtt_host\":\"h\",\"fleet_key\":\"00\",\"typo\":1}")]
    public void Load_WhenTheFileIsInvalid_FallsBackToSafeDefaultsAndSaysWhy(string json)
    {
        var storage = new MemoryStorage();
        storage.Write("device.json", Encoding.UTF8.GetBytes(json), 0, json.Length);

        DeviceConfig c = DeviceConfigLoader.Load(storage, "device.json", Key, out string? problem);

        Assert.StartsWith("configuration device.json is unusable: ", problem, StringComparison.Ordinal);
        AssertSafeDefaults(c);
    }

    [Fact]
    public void Load_WhenTheDriveThrows_FallsBackToSafeDefaultsAndSaysWhy()
    {
        DeviceConfig c = DeviceConfigLoader.Load(new BrokenDrive(), "device.json", Key, out string? problem);

        Assert.Equal("configuration device.json is unusable: I: is not mounted", problem);
        AssertSafeDefaults(c);
    }

    [Fact]
    public void Fallback_WhenTheKeyIsTooShort_Throws()
    {
        Assert.Throws<ArgumentException>(() => DeviceConfigLoader.Fallback(new byte[15]));
    }

    private static void AssertSafeDefaults(DeviceConfig c)
    {
        Assert.Equal(DeviceConfigLoader.FallbackDeviceId, c.DeviceId);
        Assert.Null(c.WifiSsid);
        Assert.Equal("localhost", c.MqttHost);
        Assert.Equal(Key, c.FleetKey);
        Assert.Equal(DeviceConfig.SensorAdc, c.Sensor);
        Assert.Equal((-1, -1), (c.SerialRxPin, c.SerialTxPin));
    }

    private sealed class BrokenDrive : IModelStorage
    {
        public bool Exists(string name) => true;

        public byte[] Read(string name) => throw new IOException("I: is not mounted");

        public void Write(string name, byte[] data, int offset, int count) => throw new IOException("I: is not mounted");

        public void Append(string name, byte[] data, int offset, int count) => throw new IOException("I: is not mounted");

        public void Delete(string name) => throw new IOException("I: is not mounted");

        public void Rename(string from, string to) => throw new IOException("I: is not mounted");
    }
}
