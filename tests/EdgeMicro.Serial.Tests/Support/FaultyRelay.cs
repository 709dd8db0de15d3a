using EdgeMicro.Serial;

namespace EdgeMicro.Serial.Tests.Support;

/// <summary>
/// Relays bytes between two ports in both directions, dropping or corrupting each byte with a given probability
/// (half drops, half bit flips), with seeded random generators so a failure reproduces.
/// </summary>
public sealed class FaultyRelay : IDisposable
{
    private readonly ISerialPort _a;
    private readonly ISerialPort _b;
    private readonly Thread[] _threads;
    private volatile bool _stop;

    public FaultyRelay(ISerialPort a, ISerialPort b, double faultRate, int seed)
    {
        _a = a;
        _b = b;
        _threads =
        [
            new Thread(() => Pump(_a, _b, new Random(seed), faultRate)) { IsBackground = true },
            new Thread(() => Pump(_b, _a, new Random(seed + 1), faultRate)) { IsBackground = true },
        ];
        foreach (Thread t in _threads)
        {
            t.Start();
        }
    }

    public long Dropped;

    public long Corrupted;

    public long Relayed;

    public void Dispose()
    {
        _stop = true;
        foreach (Thread t in _threads)
        {
            t.Join(2000);
        }

        _a.Dispose();
        _b.Dispose();
    }

    private void Pump(ISerialPort from, ISerialPort to, Random random, double rate)
    {
        var buffer = new byte[512];
        var output = new byte[512];
        try
        {
            while (!_stop)
            {
                int n = from.Read(buffer, 0, buffer.Length, 50);
                int m = 0;
                for (int i = 0; i < n; i++)
                {
                    Interlocked.Increment(ref Relayed);
                    if (random.NextDouble() < rate)
                    {
                        if (random.Next(2) == 0)
                        {
                            Interlocked.Increment(ref Dropped);
                            continue;
                        }

                        Interlocked.Increment(ref Corrupted);
                        output[m++] = (byte)(buffer[i] ^ (1 << random.Next(8)));
                        continue;
                    }

                    output[m++] = buffer[i];
                }

                if (m > 0)
                {
                    to.Write(output, 0, m);
                }
            }
        }
        catch (IOException)
        {
        }
    }
}
