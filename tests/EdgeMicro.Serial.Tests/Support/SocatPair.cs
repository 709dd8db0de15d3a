using System.Diagnostics;
using System.Text.RegularExpressions;

namespace EdgeMicro.Serial.Tests.Support;

/// <summary>
/// A connected pseudo-terminal pair from <c>socat -d -d pty,raw,echo=0 pty,raw,echo=0</c>: the two /dev/pts paths are
/// parsed from socat's stderr ("PTY is /dev/pts/N"). Dispose kills this socat process (by its own handle).
/// </summary>
public sealed partial class SocatPair : IDisposable
{
    private readonly Process _process;

    public SocatPair()
    {
        string socat = Executable() ?? throw new InvalidOperationException(
            "socat is not installed; the serial tests need it for pseudo-terminal pairs. Run the repository's test command (tests/run-all.sh), which installs it, or: apt-get install -y socat");
        var info = new ProcessStartInfo(socat) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (string a in new[] { "-d", "-d", "pty,raw,echo=0", "pty,raw,echo=0" })
        {
            info.ArgumentList.Add(a);
        }

        _process = Process.Start(info)!;
        var paths = new List<string>();
        var ready = new TaskCompletionSource();
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data == null)
            {
                ready.TrySetResult();
                return;
            }

            Match m = PtyLine().Match(e.Data);
            lock (paths)
            {
                if (m.Success)
                {
                    paths.Add(m.Groups[1].Value);
                }

                if (e.Data.Contains("starting data transfer loop", StringComparison.Ordinal))
                {
                    ready.TrySetResult();
                }
            }
        };
        _process.BeginErrorReadLine();
        if (!ready.Task.Wait(TimeSpan.FromSeconds(10)) || paths.Count != 2)
        {
            Dispose();
            throw new InvalidOperationException("socat did not report two ptys: " + string.Join(", ", paths));
        }

        First = paths[0];
        Second = paths[1];
    }

    public string First { get; }

    public string Second { get; }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill();
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private static string? Executable()
    {
        string[] dirs = ["/usr/bin", "/bin", "/usr/local/bin", .. (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':')];
        return dirs.Select(d => System.IO.Path.Combine(d, "socat")).FirstOrDefault(File.Exists);
    }

    [GeneratedRegex(@"PTY is (/dev/\S+)")]
    private static partial Regex PtyLine();
}
