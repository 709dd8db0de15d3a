using EdgeMicro.Core.Protocol;
using EdgeMicro.Serial.Tests.Support;

namespace EdgeMicro.Serial.Tests;

/// <summary>
/// <see cref="DeviceClient"/> against the real virtual device over the in-memory pair, with one fault injected on the
/// host's side of the link: a damaged or truncated frame in either direction is resent at once (a NAK or the host's
/// own rejection), never after the timeout, and the device's cached response keeps the retry idempotent.
/// </summary>
public sealed class FastResendTests
{
    [Theory]
    [InlineData(Fault.FlipRequestByte)]
    [InlineData(Fault.DropRequestByte)]
    [InlineData(Fault.FlipResponseByte)]
    [InlineData(Fault.DropResponseByte)]
    [InlineData(Fault.FlipRequestHeader)]
    public void Hello_WhenOneFrameIsDamaged_IsResentAtOnceWithoutATimeout(Fault fault)
    {
        var (host, device) = MemorySerialPair.Create();
        using var served = Devices.Serve(device, "wine");
        using var port = new OneFaultPort(host, fault);
        var client = new DeviceClient(port, new DeviceClientOptions { TimeoutMs = 30_000, Retries = 0 });

        DeviceInfo info = client.Hello();

        Assert.Equal("wine", info.ModelId);
        Assert.True(port.Injected);
        Assert.Equal((1, 0), (client.FastResends, client.Timeouts));
        Assert.Equal(fault is Fault.FlipRequestByte or Fault.DropRequestByte or Fault.FlipRequestHeader ? 1 : 0, client.Naks);
    }

    [Fact]
    public void Request_WhenTheDeviceNaksEveryAttempt_StopsAfterTheFastResendsWithALinkQualityError()
    {
        var (host, device) = MemorySerialPair.Create();
        using var served = Devices.Serve(device, "wine");
        using var port = new OneFaultPort(host, Fault.FlipRequestByte, every: true);
        var client = new DeviceClient(port, new DeviceClientOptions { TimeoutMs = 30_000, Retries = 0, FastResends = 4 });

        var e = Assert.Throws<DeviceLinkException>(() => client.Hello());

        Assert.Contains("no valid response to HELLO after 5 attempts (4 resent at once after a NAK or a corrupted response, none timed out", e.Message, StringComparison.Ordinal);
        Assert.Contains("link quality too poor: 5 NAKs from the device", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Timer_WhenRoundTripsAreMeasured_AdaptsBetweenTheFloorAndTheConfiguredTimeout()
    {
        var timer = new RoundTripTimer(1000);
        Assert.Equal(1000, timer.TimeoutMs(0)); // nothing measured yet

        for (int i = 0; i < 20; i++)
        {
            timer.Add(2);
        }

        Assert.Equal(RoundTripTimer.FloorMs, timer.TimeoutMs(0));
        Assert.Equal(2 * RoundTripTimer.FloorMs, timer.TimeoutMs(1)); // each timeout in a row adds the base once
        Assert.Equal(3 * RoundTripTimer.FloorMs, timer.TimeoutMs(2));
        Assert.Equal(4 * RoundTripTimer.FloorMs, timer.TimeoutMs(0, factor: 4));
        Assert.Equal(1000, timer.TimeoutMs(100)); // capped

        var slow = new RoundTripTimer(5000);
        slow.Add(300);
        slow.Add(340);
        Assert.InRange(slow.TimeoutMs(0), 400, 1000); // smoothed round trip plus four deviations
    }

    [Fact]
    public void Request_WhenTheLinkPausesLongerThanTheAdaptiveTimeoutsButShorterThanTheConfiguredOne_Succeeds()
    {
        // A device busy for 400 ms (a garbage collection, a flash write) or a host that is not scheduled: with the
        // round trip measured at the floor, the adaptive timeouts 30 + 60 + 90 + 120 ms gave up before the answer came.
        var (host, device) = MemorySerialPair.Create();
        using var served = Devices.Serve(device, "wine");
        using var port = new PausingPort(host);
        var client = new DeviceClient(port, new DeviceClientOptions { TimeoutMs = 1000, Retries = 3 });
        for (int i = 0; i < 20; i++)
        {
            client.Hello();
        }

        port.PauseNextResponse(TimeSpan.FromMilliseconds(400));
        DeviceInfo info = client.Hello();

        Assert.Equal("wine", info.ModelId);
        Assert.Equal(3, client.Timeouts);
    }

    /// <summary>Holds back every byte the device sends for a while after the next request.</summary>
    private sealed class PausingPort(ISerialPort inner) : ISerialPort
    {
        private readonly System.Diagnostics.Stopwatch _clock = new();
        private TimeSpan _pause;
        private bool _armed;

        public string Name => inner.Name;

        public void PauseNextResponse(TimeSpan pause) => (_pause, _armed) = (pause, true);

        public void Write(byte[] data, int offset, int count)
        {
            if (_armed)
            {
                _armed = false;
                _clock.Restart();
            }

            inner.Write(data, offset, count);
        }

        public int Read(byte[] buffer, int offset, int count, int timeoutMs)
        {
            TimeSpan left = _clock.IsRunning ? _pause - _clock.Elapsed : TimeSpan.Zero;
            if (left > TimeSpan.Zero)
            {
                Thread.Sleep(left < TimeSpan.FromMilliseconds(timeoutMs) ? left : TimeSpan.FromMilliseconds(timeoutMs));
                return 0;
            }

            return inner.Read(buffer, offset, count, timeoutMs);
        }

        public void Dispose() => inner.Dispose();
    }

    public enum Fault
    {
        FlipRequestByte,
        DropRequestByte,
        FlipResponseByte,
        DropResponseByte,
        FlipRequestHeader,
    }

    /// <summary>Damages the first request written or the first response read (or every request).</summary>
    private sealed class OneFaultPort(ISerialPort inner, Fault fault, bool every = false) : ISerialPort
    {
        public bool Injected { get; private set; }

        public string Name => inner.Name;

        public void Write(byte[] data, int offset, int count)
        {
            byte[] bytes = data.AsSpan(offset, count).ToArray();
            if ((every || !Injected) && fault is Fault.FlipRequestByte or Fault.DropRequestByte or Fault.FlipRequestHeader)
            {
                Injected = true;
                if (fault == Fault.DropRequestByte)
                {
                    bytes = [.. bytes[..10], .. bytes[11..]];
                }
                else
                {
                    bytes[fault == Fault.FlipRequestHeader ? 3 : bytes.Length - 2] ^= 0x10;
                }
            }

            inner.Write(bytes, 0, bytes.Length);
        }

        public int Read(byte[] buffer, int offset, int count, int timeoutMs)
        {
            int n = inner.Read(buffer, offset, count, timeoutMs);
            if (n > 12 && !Injected && fault is Fault.FlipResponseByte or Fault.DropResponseByte)
            {
                Injected = true;
                if (fault == Fault.FlipResponseByte)
                {
                    buffer[offset + 11] ^= 0x04;
                }
                else
                {
                    Array.Copy(buffer, offset + 12, buffer, offset + 11, n - 12);
                    n--;
                }
            }

            return n;
        }

        public void Dispose() => inner.Dispose();
    }
}
