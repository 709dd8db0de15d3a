using EdgeMicro.Core.Device.Storage;
using EdgeMicro.Serial.Tests.Support;
using EdgeMicro.TestKit;

namespace EdgeMicro.Serial.Tests;

/// <summary>
/// The rig's fleet key on the command line: <c>flash model --serial PORT --key FILE</c> and <c>hil --key FILE</c> upload
/// over the test link as a signed PUT_MODEL, to the real virtual device on a socat pty (or in-process for hil --virtual).
/// </summary>
public sealed class SignedSerialUploadCliTests : IDisposable
{
    private readonly TempDirectory _dir = new("edgemicro-signed-upload-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void FlashModelSerial_WithTheFleetKey_InstallsTheModelAndVerifiesIt()
    {
        using var socat = new SocatPair();
        using var device = Devices.Serve(SystemSerialPort.Open(socat.First), "wine");

        var (code, output, err) = CliRunner.Run("flash", "model", Models.Blob("wine-v2"), "--serial", socat.Second, "--key", KeyFile(Devices.FleetKey), "--json");

        Assert.True(code == 0, err);
        Assert.Contains("Verified: device virtual-1 runs wine v2", err, StringComparison.Ordinal);
        Assert.Contains("\"signed\": true", output, StringComparison.Ordinal);
        Assert.Equal(2u, device.Device.Runtime.Model.Model.ModelVersion);
        Assert.Equal(File.ReadAllBytes(Models.Blob("wine-v2")), File.ReadAllBytes(Path.Combine(device.Device.Storage.Directory, ModelSlots.ActiveFile)));
    }

    [Fact]
    public void FlashModelSerial_WithAnotherKey_IsRefusedAndTheDeviceKeepsItsModel()
    {
        using var socat = new SocatPair();
        using var device = Devices.Serve(SystemSerialPort.Open(socat.First), "wine");
        byte[] wrong = (byte[])Devices.FleetKey.Clone();
        wrong[0] ^= 1;

        var (code, _, err) = CliRunner.Run("flash", "model", Models.Blob("wine-v2"), "--serial", socat.Second, "--key", KeyFile(wrong));

        Assert.Equal(4, code); // ExitCodes.CheckFailed: the device refused the update
        Assert.Contains("device virtual-1 refused wine v2", err, StringComparison.Ordinal);
        Assert.Contains("it keeps wine v1", err, StringComparison.Ordinal);
        Assert.Equal(1u, device.Device.Runtime.Model.Model.ModelVersion);
        Assert.False(File.Exists(Path.Combine(device.Device.Storage.Directory, ModelSlots.ActiveFile)));
    }

    [Theory]
    [InlineData("--serial", "/dev/does-not-matter", null, "--serial needs --key FILE: the device refuses unsigned uploads")]
    [InlineData("--port", "/dev/ttyACM0", "key", "--key signs an upload over the serial test link: give --serial PORT")]
    [InlineData("--serial", "/dev/does-not-matter", "missing", "no such file (--key)")]
    public void FlashModel_WhenTheKeyOptionsDoNotFit_FailsBeforeOpeningAPort(string portOption, string port, string? key, string message)
    {
        string[] args = ["flash", "model", Models.Blob("wine"), portOption, port];
        if (key != null)
        {
            args = [.. args, "--key", key == "key" ? KeyFile(Devices.FleetKey) : _dir.Combine("missing.key")];
        }

        var (code, _, err) = CliRunner.Run(args);

        Assert.Equal(1, code);
        Assert.Contains(message, err, StringComparison.Ordinal);
    }

    [Fact]
    public void Hil_WithKeyOnADeviceRunningAnOlderModel_InstallsTheHostModelThenPasses()
    {
        var (code, output, err) = CliRunner.Run("hil", "--virtual", "--virtual-model", Models.Dir("digits"), "--model", Models.Dir("digits-v2"), "--test", Models.TestCsv("digits"), "--key", KeyFile(Devices.FleetKey));

        Assert.True(code == 0, output + err);
        Assert.Contains("installed    digits v2 (model CRC 0x", output, StringComparison.Ordinal);
        Assert.Contains("over the test link (signed PUT_MODEL), replacing digits v1", output, StringComparison.Ordinal);
        Assert.Contains("540 of 540 compared, 0 mismatches", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Hil_WithKeyAfterANewerModelWasInstalled_IsRefusedByTheAntiRollbackFloor()
    {
        using var socat = new SocatPair();
        using var device = Devices.Serve(SystemSerialPort.Open(socat.First), "digits");
        string key = KeyFile(Devices.FleetKey);
        var flashed = CliRunner.Run("flash", "model", Models.Blob("digits-v2"), "--serial", socat.Second, "--key", key);
        Assert.True(flashed.Code == 0, flashed.Err);

        var (code, output, err) = CliRunner.Run("hil", "--port", socat.Second, "--model", Models.Dir("digits"), "--test", Models.TestCsv("digits"), "--key", key);

        Assert.Equal(4, code);
        Assert.Contains("device virtual-1 refused digits v1", err, StringComparison.Ordinal);
        Assert.Contains("below the anti-rollback floor v2", err, StringComparison.Ordinal);
        Assert.Contains("it keeps digits v2", err, StringComparison.Ordinal);
        Assert.Equal(2u, device.Device.Runtime.Model.Model.ModelVersion);
        Assert.Empty(output);
    }

    private string KeyFile(byte[] key)
    {
        string path = _dir.Combine(Convert.ToHexString(key)[..8] + ".key");
        File.WriteAllText(path, Convert.ToHexString(key).ToLowerInvariant() + "\n");
        return path;
    }
}
