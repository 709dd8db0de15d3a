using System.Text.Json;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Flashing;
using EdgeMicro.Serial;
using EdgeMicro.Serial.Tests.Support;

namespace EdgeMicro.Serial.Tests;

[Collection(ProcessEnvironmentCollection.Name)]
public sealed class FlashCommandTests
{
    [Fact]
    public void FlashFirmware_WhenUpdatingAndDeploying_RunsNanoffTwiceWithTheImage()
    {
        using var nanoff = new FakeNanoff();
        using var app = new TempDir();
        byte[] mscorlib = DeploymentImageTests.WritePe(app, "mscorlib.pe", 9);
        byte[] core = DeploymentImageTests.WritePe(app, "EdgeMicro.Core.pe", 12);
        byte[] sensor = DeploymentImageTests.WritePe(app, "Sensor.pe", 2);
        File.WriteAllText(app.File("Sensor.exe"), "MZ");
        string image = app.File("out.bin");

        using (new PathScope(nanoff.BinDirectory))
        {
            var (code, _, err) = CliRunner.Run("flash", "firmware", "--port", "/dev/ttyUSB0", "--target", "ESP32_REV3", "--update", "--app", app.Path, "--image-out", image);
            Assert.True(code == 0, err);
            Assert.Contains("nanoff: stand-in nanoff: progress 100%", err, StringComparison.Ordinal);
        }

        List<string[]> calls = nanoff.Calls();
        Assert.Equal(2, calls.Count);
        Assert.Equal(["--update", "--target", "ESP32_REV3", "--serialport", "/dev/ttyUSB0"], calls[0]);
        Assert.Equal(["--deploy", "--target", "ESP32_REV3", "--serialport", "/dev/ttyUSB0", "--image", image], calls[1]);
        byte[] expected = [.. mscorlib, 0, 0, 0, .. core, .. sensor, 0, 0];
        Assert.Equal(expected, File.ReadAllBytes(Path.Combine(nanoff.Received, "out.bin")));
    }

    [Fact]
    public void FlashFirmware_WhenNanoffFails_StopsAndReportsItsExitCodeInTheMessage()
    {
        // Replaces FlashFirmware_WhenNanoffFails_StopsAndReturnsItsExitCode: nanoff's codes are reported, never
        // returned raw (they would collide with EdgeMicro's documented exit codes).
        using var nanoff = new FakeNanoff(exitCode: 5);
        using var app = new TempDir();
        DeploymentImageTests.WritePe(app, "Sensor.pe", 4);
        File.WriteAllText(app.File("Sensor.exe"), "MZ");

        using (new PathScope(nanoff.BinDirectory))
        {
            var (code, _, err) = CliRunner.Run("flash", "firmware", "--port", "/dev/ttyUSB0", "--target", "ESP32_S3", "--update", "--app", app.Path);

            Assert.Equal(3, code); // ExitCodes.DeviceError
            Assert.Contains("Updating nanoCLR failed: nanoff exited with code 5", err, StringComparison.Ordinal);
            Assert.Contains("error: nanoff failed with exit code 5", err, StringComparison.Ordinal);
        }

        Assert.Single(nanoff.Calls());
    }

    [Fact]
    public void Flash_WhenNanoffIsNotInstalled_PrintsTheInstallCommand()
    {
        using var empty = new TempDir();

        using (new PathScope(empty.Path, only: true))
        {
            var (code, _, err) = CliRunner.Run("flash", "firmware", "--port", "/dev/ttyUSB0", "--target", "ESP32_REV3", "--update");

            Assert.Equal(1, code);
            Assert.Equal("error: nanoff (the nanoFramework flasher) was not found on PATH. Install it with: dotnet tool install -g nanoff (then make sure ~/.dotnet/tools is on PATH)", err.Trim());
        }

        Assert.Contains(NanoffRunner.InstallCommand, Assert.Throws<InputDataException>(() => NanoffRunner.Locate(empty.Path)).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FlashModel_WhenGivenAConvertedModelAndConfig_WritesTheFileDeploymentJson()
    {
        using var nanoff = new FakeNanoff();
        using var work = new TempDir();
        string config = work.File("device.json");
        // A configuration the firmware's own parser accepts (the old "deviceId" one would have been deployed and then
        // rejected at boot; flash model now refuses it first, see FlashModel_WhenTheConfigIsNotTheFirmwaresFormat_...).
        File.WriteAllText(config, "{\"device_id\":\"esp32-1\",\"mqtt_host\":\"10.0.0.2\",\"fleet_key\":\"" + new string('a', 64) + "\"}");

        using (new PathScope(nanoff.BinDirectory))
        {
            var (code, _, err) = CliRunner.Run("flash", "model", Models.Dir("wine"), "--port", "/dev/ttyACM0", "--config", config);
            Assert.True(code == 0, err);
            Assert.Contains("Not verified", err, StringComparison.Ordinal);
        }

        string[] call = Assert.Single(nanoff.Calls());
        Assert.Equal(["--serialport", "/dev/ttyACM0", "--filedeployment"], call[..3]);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(nanoff.Received, "deploy.json")));
        JsonElement root = json.RootElement;
        Assert.Equal("/dev/ttyACM0", root.GetProperty("serialport").GetString());
        JsonElement[] files = [.. root.GetProperty("files").EnumerateArray()];
        Assert.Equal(2, files.Length);
        Assert.Equal("I:\\model.emm", files[0].GetProperty("DestinationFilePath").GetString());
        Assert.Equal(File.ReadAllBytes(Models.Blob("wine")), File.ReadAllBytes(files[0].GetProperty("SourceFilePath").GetString()!));
        // Where the firmware reads it (Program.cs: DeviceConfigLoader.Load(storage, DeviceFiles.Config, ...) on DeviceFiles.Drive).
        Assert.Equal("I:\\device.json", files[1].GetProperty("DestinationFilePath").GetString());
        Assert.Equal(Path.GetFullPath(config), files[1].GetProperty("SourceFilePath").GetString());
    }

    [Theory]
    [InlineData("{\"deviceId\":\"esp32-1\"}", "unknown configuration key 'deviceId'")]
    [InlineData("{ not json", "not a valid device configuration")]
    [InlineData("", "not a valid device configuration")]
    public void FlashModel_WhenTheConfigIsNotTheFirmwaresFormat_FailsBeforeRunningNanoff(string json, string expected)
    {
        using var nanoff = new FakeNanoff();
        using var work = new TempDir();
        File.WriteAllText(work.File("device.json"), json);

        using (new PathScope(nanoff.BinDirectory))
        {
            var (code, _, err) = CliRunner.Run("flash", "model", Models.Blob("wine"), "--port", "/dev/ttyACM0", "--config", work.File("device.json"));

            Assert.Equal(1, code);
            Assert.Contains(expected, err, StringComparison.Ordinal);
        }

        Assert.Empty(nanoff.Calls());
    }

    [Fact]
    public void FlashModel_WhenTheBlobIsCorrupted_FailsBeforeRunningNanoff()
    {
        using var nanoff = new FakeNanoff();
        using var work = new TempDir();
        byte[] blob = File.ReadAllBytes(Models.Blob("wine"));
        blob[100] ^= 0xFF;
        File.WriteAllBytes(work.File("wine.emm"), blob);

        using (new PathScope(nanoff.BinDirectory))
        {
            var (code, _, err) = CliRunner.Run("flash", "model", work.File("wine.emm"), "--port", "/dev/ttyACM0");

            Assert.Equal(1, code);
            Assert.Contains("not a valid model blob: model blob CRC mismatch", err, StringComparison.Ordinal);
        }

        Assert.Empty(nanoff.Calls());
    }

    [Fact]
    public void FlashModel_WhenAVerifyPortIsGiven_ChecksTheDeviceReportsTheNewModel()
    {
        using var nanoff = new FakeNanoff();
        using var socat = new SocatPair();
        // The stand-in nanoff does not touch the device: a virtual device already running wine plays the device
        // after the update; one running digits plays a device that did not pick the model up.
        using var device = Devices.Serve(SystemSerialPort.Open(socat.First), "wine");

        using (new PathScope(nanoff.BinDirectory))
        {
            var ok = CliRunner.Run("flash", "model", Models.Blob("wine"), "--port", "/dev/ttyACM0", "--verify-port", socat.Second, "--verify-timeout", "5");
            Assert.True(ok.Code == 0, ok.Err);
            Assert.Contains("Verified: device virtual-1 runs wine v1", ok.Err, StringComparison.Ordinal);

            var bad = CliRunner.Run("flash", "model", Models.Blob("digits"), "--port", "/dev/ttyACM0", "--verify-port", socat.Second, "--verify-timeout", "1");
            Assert.Equal(4, bad.Code); // ExitCodes.CheckFailed: the device answers, but not with the new model
            Assert.Contains("the device did not report the new model digits v1", bad.Err, StringComparison.Ordinal);
            Assert.Contains("device virtual-1 reports wine v1", bad.Err, StringComparison.Ordinal);
        }
    }
}
