using EdgeMicro.Fleet.Hil;
using EdgeMicro.Serial.Tests.Support;
using Xunit.Abstractions;

namespace EdgeMicro.Serial.Tests;

/// <summary>
/// `hil` on the whole digits example (540 vectors) over two socat pty pairs joined by the seeded fault relay
/// (<see cref="FaultyRelay"/>: half of the faults drop a byte, half flip one bit). At 1% byte faults every vector must
/// be compared and match; the run time and link counters are printed (the README's figures).
/// </summary>
public sealed class NoisyHilTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData(0.0, 21)]
    [InlineData(0.001, 21)]
    [InlineData(0.01, 21)]
    public void Hil_OnTheDigitsExampleWithByteFaults_ComparesEveryVector(double faultRate, int seed)
    {
        using var hostPair = new SocatPair();
        using var devicePair = new SocatPair();
        using var virtualDevice = Devices.Serve(SystemSerialPort.Open(devicePair.First), "digits");
        using var relay = new FaultyRelay(SystemSerialPort.Open(hostPair.First), SystemSerialPort.Open(devicePair.Second), faultRate, seed);
        using ISerialPort port = SystemSerialPort.Open(hostPair.Second);
        var client = new DeviceClient(port, new DeviceClientOptions());
        var options = new HilOptions { ModelPath = Models.Dir("digits"), TestPath = Models.TestCsv("digits") };

        HilReport r = HilRunner.Run(options, client, "relay");

        output.WriteLine($"{faultRate:P1} byte faults: {r.Compared} of {r.Vectors} compared, {r.MismatchCount} mismatches, {r.LinkFailures} link failures, {r.LinkRetries} retries ({r.LinkFastResends} at once after {r.LinkNaks} NAKs or corrupted responses, {r.LinkTimeouts} after timeouts), {r.CorruptFrames} corrupted frames, INFER round trip {r.InferRoundTripMs} ms, {r.Seconds:F1} s; relay {relay.Relayed} bytes, {relay.Dropped} dropped, {relay.Corrupted} corrupted; problem: {r.Problem}");
        Assert.True(faultRate == 0 || relay.Dropped + relay.Corrupted > 0, "the relay injected no faults");
        Assert.Equal(r.Vectors, r.Compared);
        Assert.Equal(0, r.LinkFailures);
        Assert.Equal(0, r.MismatchCount);
        Assert.True(r.Passed, r.Problem);
    }
}
