using System.Text;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Flashing;
using EdgeMicro.Serial.Tests.Support;

namespace EdgeMicro.Serial.Tests;

public sealed class DeploymentImageTests
{
    [Fact]
    public void Build_WhenGivenThreeAssemblies_ProducesTheGoldenImage()
    {
        PeImage mscorlib = Pe("mscorlib.pe", 0x01, 0x02, 0x03);                         // 11 bytes -> 12
        PeImage gpio = Pe("System.Device.Gpio.pe", 0xAA, 0xBB, 0xCC, 0xDD, 0xEE, 0xFF, 0x11, 0x22); // 16 bytes, no padding
        PeImage app = Pe("Sensor.pe", 0x7F);                                            // 9 bytes -> 12

        byte[] image = DeploymentImage.Build([mscorlib, gpio], app);

        const string Golden =
            "4E464D524B310000" + "010203" + "00" +
            "4E464D524B310000" + "AABBCCDDEEFF1122" +
            "4E464D524B310000" + "7F" + "000000";
        Assert.Equal(Golden, Convert.ToHexString(image));
    }

    [Fact]
    public void FromDirectory_WhenGivenABuildOutput_PutsMscorlibFirstReferencesByNameAndTheAppLast()
    {
        using var dir = new TempDir();
        WritePe(dir, "Sensor.pe", 5);
        File.WriteAllText(dir.File("Sensor.exe"), "MZ");
        WritePe(dir, "nanoFramework.Hardware.Esp32.pe", 6);
        WritePe(dir, "mscorlib.pe", 7);
        WritePe(dir, "EdgeMicro.Core.pe", 8);

        var (references, app) = DeploymentImage.FromDirectory(dir.Path, null);

        Assert.Equal(["mscorlib.pe", "EdgeMicro.Core.pe", "nanoFramework.Hardware.Esp32.pe"], references.Select(r => r.Name));
        Assert.Equal("Sensor.pe", app.Name);
    }

    [Fact]
    public void Load_WhenTheFileIsNotAPeFile_NamesTheMissingMarker()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("App.pe"), [0x4D, 0x5A, 0x90, 0x00, .. Encoding.ASCII.GetBytes(" this is a .NET dll")]);

        var e = Assert.Throws<InputDataException>(() => PeImage.Load(dir.File("App.pe")));

        Assert.Contains("not a nanoFramework PE file (expected marker NFMRK1 at offset 0, found 0x4D5A9000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_WhenTheFileIsAV2Assembly_ExplainsTheFirmwareLineMismatch()
    {
        using var dir = new TempDir();
        File.WriteAllBytes(dir.File("App.pe"), [.. "NFMRK2\0\0"u8, 1, 2, 3, 4]);

        var e = Assert.Throws<InputDataException>(() => PeImage.Load(dir.File("App.pe")));

        Assert.Contains("v2 (preview, generics)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FromDirectory_WhenTheAppCannotBeIdentified_AsksForTheAppName()
    {
        using var dir = new TempDir();
        WritePe(dir, "mscorlib.pe", 4);
        WritePe(dir, "Sensor.pe", 4);

        var e = Assert.Throws<InputDataException>(() => DeploymentImage.FromDirectory(dir.Path, null));

        Assert.Contains("--app-name", e.Message, StringComparison.Ordinal);
        Assert.Equal("Sensor.pe", DeploymentImage.FromDirectory(dir.Path, "Sensor").App.Name);
    }

    internal static PeImage Pe(string name, params byte[] body) => new(name, [.. "NFMRK1\0\0"u8, .. body]);

    internal static byte[] WritePe(TempDir dir, string name, int bodyLength)
    {
        byte[] bytes = [.. "NFMRK1\0\0"u8, .. Enumerable.Range(0, bodyLength).Select(i => (byte)(name.Length + i))];
        File.WriteAllBytes(dir.File(name), bytes);
        return bytes;
    }
}
