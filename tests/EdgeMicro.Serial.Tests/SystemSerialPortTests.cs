using EdgeMicro.Data;
using EdgeMicro.Serial.Tests.Support;

namespace EdgeMicro.Serial.Tests;

/// <summary><see cref="SystemSerialPort"/> (System.IO.Ports) on a real socat pseudo-terminal pair.</summary>
public sealed class SystemSerialPortTests
{
    [Fact]
    public void Open_WhenThePortDoesNotExist_SaysSoInOneInputError()
    {
        var e = Assert.Throws<InputDataException>(() => SystemSerialPort.Open("/dev/ttyEDGEMICRO-missing"));

        Assert.StartsWith("/dev/ttyEDGEMICRO-missing: no such serial port (", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hil_WhenThePortDoesNotExist_ExitsWithAnInputErrorBeforeAnythingRuns()
    {
        var (code, output, err) = CliRunner.Run("hil", "--port", "/dev/ttyEDGEMICRO-missing", "--model", Models.Dir("wine"), "--test", Models.TestCsv("wine"));

        Assert.Equal(1, code);
        Assert.Empty(output);
        Assert.StartsWith("error: /dev/ttyEDGEMICRO-missing: no such serial port", err, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadAndWrite_OverAPtyPair_CarryEveryByteRawBothWaysAndTimeOutEmpty()
    {
        using var socat = new SocatPair();
        using var a = SystemSerialPort.Open(socat.First);
        using var b = SystemSerialPort.Open(socat.Second);
        byte[] all = [.. Enumerable.Range(0, 256).Select(i => (byte)i)]; // raw: 0x03, 0x11, 0x13, '\n', '\r' untouched

        Assert.Equal(0, b.Read(new byte[16], 0, 16, 50));
        a.Write(all, 0, all.Length);
        Assert.Equal(all, ReadExactly(b, all.Length));
        b.Write(all, 100, 50);
        Assert.Equal(all[100..150], ReadExactly(a, 50));
        Assert.Equal(socat.First, a.Name);
    }

    private static byte[] ReadExactly(ISerialPort port, int count)
    {
        var received = new List<byte>();
        var buffer = new byte[512];
        for (int idle = 0; received.Count < count && idle < 20;)
        {
            int n = port.Read(buffer, 0, buffer.Length, 100);
            idle = n == 0 ? idle + 1 : 0;
            received.AddRange(buffer.AsSpan(0, n).ToArray());
        }

        return [.. received];
    }
}
