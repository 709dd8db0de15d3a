using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace EdgeMicro.TestKit;

/// <summary>
/// A real <c>mosquitto</c> broker for tests, listening on 127.0.0.1 only, on a free TCP port, anonymous access,
/// persistence in a private temporary directory (so <see cref="Restart"/> keeps retained messages, persistent
/// sessions and their queued messages), or, with <see cref="WithoutPersistence"/>, none (a restart or <see cref="KillHard"/>
/// then loses every retained message, session and queued message). Usable as an xunit class fixture. Dispose kills
/// the process.
/// </summary>
public sealed class MosquittoBroker : IDisposable
{
    private const int SigTerm = 15;
    private readonly string _directory;
    private readonly string _configPath;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _console = new();
    private Process? _process;

    private readonly bool _persistence;

    /// <summary>Starts a broker with persistence and waits until it accepts TCP connections.</summary>
    /// <exception cref="InvalidOperationException">mosquitto is not installed or did not start.</exception>
    public MosquittoBroker()
        : this(persistence: true)
    {
    }

    /// <summary>Starts a broker without persistence (a restart forgets everything) and waits until it accepts connections.</summary>
    /// <returns>The broker.</returns>
    public static MosquittoBroker WithoutPersistence() => new(persistence: false);

    private MosquittoBroker(bool persistence)
    {
        _persistence = persistence;
        Executable = FindExecutable() ?? throw new InvalidOperationException(
            "The 'mosquitto' MQTT broker is not installed, and the MQTT integration tests need a real one. " +
            "Run the repository's test command (bash .ci/run), which installs it, or install it yourself: " +
            "apt-get install -y mosquitto");
        _directory = Directory.CreateTempSubdirectory("edgemicro-mosquitto-").FullName;
        _configPath = Path.Combine(_directory, "mosquitto.conf");
        for (int attempt = 1; ; attempt++)
        {
            Port = FindFreePort();
            WriteConfig();
            try
            {
                Start();
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Another process took the port between probing and binding: try another one.
            }
        }
    }

    /// <summary>Host to connect to: always the IPv4 loopback address.</summary>
    public string Host => "127.0.0.1";

    /// <summary>TCP port of the listener; unchanged by <see cref="Restart"/>.</summary>
    public int Port { get; private set; }

    /// <summary>Path of the mosquitto binary in use.</summary>
    public string Executable { get; }

    /// <summary>Path of the broker's log file (appended across restarts).</summary>
    public string LogPath => Path.Combine(_directory, "mosquitto.log");

    /// <summary>True while the broker process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>Starts the broker on <see cref="Port"/> if it is stopped, and waits until it accepts connections.</summary>
    /// <exception cref="InvalidOperationException">It exited or did not listen within 10 seconds.</exception>
    public void Start()
    {
        if (IsRunning)
        {
            return;
        }

        // Console output (e.g. the warning about running as root) is kept for diagnostics instead of cluttering test logs.
        var info = new ProcessStartInfo(Executable)
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add(_configPath);
        _process?.Dispose();
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        if (!_process.Start())
        {
            throw new InvalidOperationException("Could not start mosquitto.");
        }

        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"mosquitto exited with code {_process.ExitCode} while starting on port {Port}. Log:\n{ReadLog()}");
            }

            if (Accepts())
            {
                return;
            }

            Thread.Sleep(25);
        }

        Kill();
        throw new InvalidOperationException($"mosquitto did not accept connections on port {Port} within 10 s. Log:\n{ReadLog()}");
    }

    /// <summary>Stops the broker gracefully (SIGTERM), so it saves its persistence database, and waits for it to exit.</summary>
    public void Stop()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        if (kill(process.Id, SigTerm) != 0 || !process.WaitForExit(10_000))
        {
            Kill();
        }
    }

    /// <summary>Kills the broker with SIGKILL (no chance to save anything) and waits for it to exit.</summary>
    public void KillHard()
    {
        if (_process is { HasExited: false } process)
        {
            _ = kill(process.Id, 9);
            process.WaitForExit(10_000);
        }
    }

    /// <summary>Stops gracefully and starts again on the same port with the same persistence directory.</summary>
    public void Restart()
    {
        Stop();
        Start();
    }

    /// <summary>Returns the broker log file and console output so far (for assertion messages).</summary>
    /// <returns>The log text, possibly empty.</returns>
    public string ReadLog()
    {
        string console = string.Join(Environment.NewLine, _console);
        try
        {
            using var stream = new FileStream(LogPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            return new StreamReader(stream).ReadToEnd() + console;
        }
        catch (IOException)
        {
            return console;
        }
    }

    /// <summary>Kills the broker process and deletes its temporary directory.</summary>
    public void Dispose()
    {
        Kill();
        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: the OS cleans temporary files eventually.
        }
        catch (UnauthorizedAccessException)
        {
            // Likewise.
        }
    }

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int kill(int pid, int sig);

    private void Remember(string? line)
    {
        if (line is not null && _console.Count < 1000)
        {
            _console.Enqueue(line);
        }
    }

    private static string? FindExecutable()
    {
        string[] path = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return path.Concat(["/usr/sbin", "/usr/local/sbin", "/usr/bin", "/usr/local/bin"])
            .Select(dir => Path.Combine(dir, "mosquitto"))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>A TCP port free on the loopback address now (another process may take it before it is bound).</summary>
    /// <returns>The port.</returns>
    public static int FindFreePort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private void WriteConfig()
    {
        // 'user' keeps mosquitto from switching to the 'mosquitto' account when run as root (it could not write the
        // persistence directory then); it has no effect for other users.
        string[] lines =
        [
            $"listener {Port} 127.0.0.1",
            "allow_anonymous true",

            // A fleet broker queues everything for the puller's session while it is away (default: 1000 messages).
            "max_queued_messages 1000000",
            _persistence ? "persistence true" : "persistence false",
            $"persistence_location {_directory}{Path.DirectorySeparatorChar}",
            "persistence_file mosquitto.db",
            $"user {Environment.UserName}",
            $"log_dest file {LogPath}",
            "log_type error",
            "log_type warning",
            "log_type notice",
            "log_type information",
            "connection_messages true",
        ];
        File.WriteAllLines(_configPath, lines);
    }

    private bool Accepts()
    {
        try
        {
            using var client = new TcpClient();
            client.Connect(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private void Kill()
    {
        if (_process is not { HasExited: false } process)
        {
            return;
        }

        try
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(5_000);
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
    }
}
