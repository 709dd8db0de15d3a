using System.Text.Json;
using EdgeMicro.Serial;
using EdgeMicro.Serial.Tests.Support;

namespace EdgeMicro.Serial.Tests;

/// <summary>
/// `edgemicro hil` over a real pseudo-terminal pair from socat, the virtual device (the firmware runtime) serving the
/// other end, and `hil --virtual` over the in-memory pair.
/// </summary>
public sealed class PtyHilTests
{
    [Fact]
    public void Hil_WhenTheDeviceRunsTheSameModel_PassesWithAFullReport()
    {
        using var socat = new SocatPair();
        using var device = Devices.Serve(SystemSerialPort.Open(socat.First), "digits");

        var (code, output, err) = CliRunner.Run("hil", "--port", socat.Second, "--model", Models.Dir("digits"), "--test", Models.TestCsv("digits"), "--json");

        Assert.True(code == 0, output + err);
        using JsonDocument json = JsonDocument.Parse(output);
        JsonElement r = json.RootElement;
        Assert.True(r.GetProperty("passed").GetBoolean());
        Assert.Equal(540, r.GetProperty("compared").GetInt32());
        Assert.Equal(0, r.GetProperty("mismatchCount").GetInt32());
        Assert.Equal(1.0, r.GetProperty("agreement").GetDouble());
        Assert.Equal(r.GetProperty("hostAccuracy").GetDouble(), r.GetProperty("deviceAccuracy").GetDouble());
        Assert.InRange(r.GetProperty("deviceAccuracy").GetDouble(), 0.95, 1.0);
        Assert.True(r.GetProperty("latencyMaxMs").GetDouble() >= r.GetProperty("latencyP95Ms").GetDouble());
        Assert.True(r.GetProperty("latencyP95Ms").GetDouble() >= r.GetProperty("latencyP50Ms").GetDouble());
        Assert.Contains("Running test vectors on the device: 50%", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Hil_WhenTheDeviceRunsADifferentDigitsModel_FailsListingTheFirstMismatches()
    {
        using var socat = new SocatPair();
        using var device = Devices.Serve(SystemSerialPort.Open(socat.First), "digits-cnn");

        var (code, output, _) = CliRunner.Run("hil", "--port", socat.Second, "--model", Models.Dir("digits"), "--test", Models.TestCsv("digits"), "--max-mismatches", "3");

        Assert.Equal(4, code); // ExitCodes.CheckFailed (was 2 before the exit codes were documented)
        Assert.Contains("<-- DIFFERENT MODEL", output, StringComparison.Ordinal);
        Assert.Contains("FAIL: the device runs a different model than --model", output, StringComparison.Ordinal);
        Assert.Equal(3, output.Split('\n').Count(l => l.StartsWith("mismatch #", StringComparison.Ordinal)));
        Assert.Matches(@"vectors      540 of 540 compared, [1-9]\d* mismatches", output);
    }

    [Fact]
    public void Hil_WhenTheDeviceRunsAWineModel_FailsWithAClearProblem()
    {
        using var socat = new SocatPair();
        using var device = Devices.Serve(SystemSerialPort.Open(socat.First), "wine");

        var (code, output, _) = CliRunner.Run("hil", "--port", socat.Second, "--model", Models.Dir("digits"), "--test", Models.TestCsv("digits"));

        Assert.Equal(4, code); // ExitCodes.CheckFailed (was 2 before the exit codes were documented)
        Assert.Contains("device model wine v1", output, StringComparison.Ordinal);
        Assert.Contains("problem      the device's model takes 13 features, the host model 64: no vector can be compared", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Hil_WhenTheDeviceModelWasConvertedWithAnotherVersion_FailsOnTheIdentityEvenThoughOutputsAgree()
    {
        using var socat = new SocatPair();
        using var device = Devices.Serve(SystemSerialPort.Open(socat.First), "digits-v2");

        var (code, output, _) = CliRunner.Run("hil", "--port", socat.Second, "--model", Models.Dir("digits"), "--test", Models.TestCsv("digits"));

        Assert.Equal(4, code); // ExitCodes.CheckFailed (was 2 before the exit codes were documented)
        Assert.Contains("device model digits v2", output, StringComparison.Ordinal);
        Assert.Contains("host model   digits v1", output, StringComparison.Ordinal);
        Assert.Contains("540 of 540 compared, 0 mismatches", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Hil_WhenNoDeviceAnswers_FailsWithAClearLinkError()
    {
        using var socat = new SocatPair();

        var (code, _, err) = CliRunner.Run("hil", "--port", socat.Second, "--model", Models.Dir("wine"), "--test", Models.TestCsv("wine"), "--timeout-ms", "100", "--retries", "1");

        Assert.Equal(1, code);
        Assert.Contains("error: HELLO failed after 0 of 54 vectors: " + socat.Second + ": no valid response to HELLO after 2 attempts (100 ms each)", err, StringComparison.Ordinal);
    }

    [Fact]
    public void Hil_WhenTheDeviceRunsAnInt8RowsModel_PassesOnEveryVector()
    {
        // --weights int8: the device loads the blob (header flag) keeping the Dense rows int8; the host twin does too.
        using var socat = new SocatPair();
        using var device = Devices.Serve(SystemSerialPort.Open(socat.First), "digits-int8");

        var (code, output, err) = CliRunner.Run("hil", "--port", socat.Second, "--model", Models.Dir("digits-int8"), "--test", Models.TestCsv("digits"));

        Assert.True(code == 0, output + err);
        Assert.Contains("vectors      540 of 540 compared, 0 mismatches", output, StringComparison.Ordinal);
        Assert.Contains("PASS: the device matches the host twin on every vector", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Hil_WhenTheDeviceRunsACnnWith16BitActivations_PassesOnEveryVector()
    {
        // --activations int16: the device validates the blob's 16-bit clamps and runs its int16 kernels; so does the twin.
        using var socat = new SocatPair();
        using var device = Devices.Serve(SystemSerialPort.Open(socat.First), "digits-cnn-int16");

        var (code, output, err) = CliRunner.Run("hil", "--port", socat.Second, "--model", Models.Dir("digits-cnn-int16"), "--test", Models.TestCsv("digits"));

        Assert.True(code == 0, output + err);
        Assert.Contains("vectors      540 of 540 compared, 0 mismatches", output, StringComparison.Ordinal);
        Assert.Contains("PASS: the device matches the host twin on every vector", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Hil_WhenVirtual_PassesOnTheWineExampleAgainstTheFirmwareRuntime()
    {
        var (code, output, err) = CliRunner.Run("hil", "--virtual", "--model", Models.Dir("wine"), "--test", Models.TestCsv("wine"));

        Assert.True(code == 0, output + err);
        Assert.Contains("device      virtual-1 on virtual, firmware " + EdgeMicro.Core.Device.Runtime.DeviceRuntime.FirmwareVersion, output, StringComparison.Ordinal);
        Assert.Contains("vectors      54 of 54 compared, 0 mismatches", output, StringComparison.Ordinal);
        Assert.Contains("PASS: the device matches the host twin on every vector", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Hil_WhenVirtualRunsAnotherModelVersion_FailsOnTheIdentity()
    {
        var (code, output, _) = CliRunner.Run("hil", "--virtual", "--virtual-model", Models.Dir("digits-v2"), "--model", Models.Dir("digits"), "--test", Models.TestCsv("digits"));

        Assert.Equal(4, code); // ExitCodes.CheckFailed (was 2 before the exit codes were documented)
        Assert.Contains("device model digits v2", output, StringComparison.Ordinal);
        Assert.Contains("540 of 540 compared, 0 mismatches", output, StringComparison.Ordinal);
    }
}
