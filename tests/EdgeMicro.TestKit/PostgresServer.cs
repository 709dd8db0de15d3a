using System.Diagnostics;
using System.Runtime.InteropServices;
using Npgsql;

namespace EdgeMicro.TestKit;

/// <summary>
/// A real PostgreSQL server for tests (Debian's <c>postgresql</c> package): <c>initdb</c> into a private temporary
/// directory, then <c>postgres</c> listening on 127.0.0.1 only, on a free TCP port, with its unix socket in that
/// directory, trust authentication for the superuser <see cref="User"/>. PostgreSQL refuses to run as root, so
/// when the tests run as root (CI) the server runs as the <c>postgres</c> account the package creates (through
/// <c>setpriv</c>, which executes in place, so the process is the server itself). Usable as an xunit class fixture;
/// <see cref="CreateDatabase"/> gives each test a database of its own. Dispose stops the server (fast shutdown) and
/// deletes the directory.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    /// <summary>Superuser created by initdb.</summary>
    public const string User = "edgemicro";

    private const int SigInt = 2;
    private readonly string _directory;
    private readonly string _bin;
    private readonly (int Uid, int Gid)? _runAs;
    private readonly System.Collections.Concurrent.ConcurrentQueue<string> _console = new();
    private Process? _process;
    private int _databases;

    /// <summary>Initializes a new instance of the <see cref="PostgresServer"/> class for tests (fsync off).</summary>
    /// <exception cref="InvalidOperationException">PostgreSQL is not installed or did not start.</exception>
    public PostgresServer()
        : this(durable: false)
    {
    }

    /// <summary>Initializes a new instance of the <see cref="PostgresServer"/> class: initdb, start, wait until it accepts queries.</summary>
    /// <param name="durable">False (tests): fsync off, so the suite stays fast; true (benchmarks): PostgreSQL's durable defaults.</param>
    /// <exception cref="InvalidOperationException">PostgreSQL is not installed or did not start.</exception>
    private PostgresServer(bool durable)
    {
        _bin = FindBin() ?? throw new InvalidOperationException(
            "PostgreSQL is not installed, and the PostgreSQL store tests need a real server. Run the repository's test command " +
            "(tests/run-all.sh), which installs it, or install it yourself: apt-get install -y postgresql");
        _runAs = Environment.UserName == "root" || geteuid() == 0 ? PostgresAccount() : null;
        _directory = Directory.CreateTempSubdirectory("edgemicro-postgres-").FullName;
        if (_runAs is { } account && !OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(_directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            if (chown(_directory, account.Uid, account.Gid) != 0)
            {
                throw new InvalidOperationException($"cannot give {_directory} to the postgres account (errno {Marshal.GetLastPInvokeError()})");
            }
        }

        Run("initdb", "-D", DataDirectory, "-U", User, "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync");
        for (int attempt = 1; ; attempt++)
        {
            Port = MosquittoBroker.FindFreePort();
            try
            {
                Start(durable);
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                // Another process took the port between probing and binding: try another one.
            }
        }
    }

    /// <summary>Starts a server with PostgreSQL's durable defaults (fsync on), for benchmarks.</summary>
    /// <returns>The server.</returns>
    public static PostgresServer Durable() => new(durable: true);

    /// <summary>Gets the host to connect to: always the IPv4 loopback address.</summary>
    public string Host => "127.0.0.1";

    /// <summary>Gets the TCP port.</summary>
    public int Port { get; private set; }

    /// <summary>Gets the data directory.</summary>
    public string DataDirectory => Path.Combine(_directory, "data");

    /// <summary>Gets the server's log (stdout and stderr) so far, for assertion messages.</summary>
    public string Log => string.Join(Environment.NewLine, _console);

    /// <summary>A connection string for a database (no password: trust authentication on loopback).</summary>
    /// <param name="database">Database.</param>
    /// <returns>The Npgsql connection string.</returns>
    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = Host, Port = Port, Username = User, Database = database, Pooling = false }.ConnectionString;

    /// <summary>The postgres:// URL of a database, as a user gives it to <c>--store</c>.</summary>
    /// <param name="database">Database.</param>
    /// <returns>The URL.</returns>
    public string Url(string database) => $"postgres://{User}@{Host}:{Port}/{database}";

    /// <summary>Creates a new, empty database.</summary>
    /// <param name="prefix">Name prefix.</param>
    /// <returns>Its name.</returns>
    public string CreateDatabase(string prefix = "test")
    {
        string name = $"{prefix}_{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..8]}".ToLowerInvariant();
        using var connection = new NpgsqlConnection(ConnectionString());
        connection.Open();
        using NpgsqlCommand cmd = connection.CreateCommand();
        cmd.CommandText = $"CREATE DATABASE \"{name}\"";
        cmd.ExecuteNonQuery();
        return name;
    }

    /// <summary>Stops the server (fast shutdown) and deletes its directory.</summary>
    public void Dispose()
    {
        if (_process is { HasExited: false } process)
        {
            _ = kill(process.Id, SigInt);
            if (!process.WaitForExit(15_000))
            {
                process.Kill(entireProcessTree: true);
                process.WaitForExit(5_000);
            }
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: the OS cleans temporary files eventually.
        }
    }

    private void Start(bool durable)
    {
        string[] settings = durable ? [] : ["-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off"];
        _process?.Dispose();
        _process = new Process { StartInfo = Info("postgres", ["-D", DataDirectory, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-k", _directory, "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", .. settings]) };
        _process.OutputDataReceived += (_, e) => Remember(e.Data);
        _process.ErrorDataReceived += (_, e) => Remember(e.Data);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"postgres exited with code {_process.ExitCode} while starting on port {Port}:\n{Log}");
            }

            try
            {
                using var connection = new NpgsqlConnection(ConnectionString());
                connection.Open();
                return;
            }
            catch (NpgsqlException)
            {
                Thread.Sleep(50); // not listening yet, or "the database system is starting up"
            }
        }

        _process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"postgres did not accept connections on port {Port} within 30 s:\n{Log}");
    }

    private void Run(string tool, params string[] args)
    {
        using var process = new Process { StartInfo = Info(tool, args) };
        process.Start();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(), stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(120_000))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{tool} did not finish within 120 s");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} failed with exit code {process.ExitCode}:\n{stdout.Result}\n{stderr.Result}");
        }
    }

    private ProcessStartInfo Info(string tool, IEnumerable<string> args)
    {
        string exe = Path.Combine(_bin, tool);
        var info = new ProcessStartInfo(_runAs == null ? exe : "setpriv")
        {
            UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = _directory,
        };
        if (_runAs is { } account)
        {
            foreach (string a in new[] { "--reuid=" + account.Uid, "--regid=" + account.Gid, "--clear-groups", "--", exe })
            {
                info.ArgumentList.Add(a);
            }
        }

        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment["LC_ALL"] = "C";
        return info;
    }

    private void Remember(string? line)
    {
        if (line is not null && _console.Count < 2000)
        {
            _console.Enqueue(line);
        }
    }

    private static string? FindBin()
    {
        const string root = "/usr/lib/postgresql";
        string? debian = Directory.Exists(root)
            ? Directory.GetDirectories(root).Select(d => Path.Combine(d, "bin")).Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "postgres")))
                .OrderByDescending(b => int.TryParse(Path.GetFileName(Path.GetDirectoryName(b)), out int v) ? v : 0).FirstOrDefault()
            : null;
        return debian ?? (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "postgres")));
    }

    private static (int Uid, int Gid) PostgresAccount()
    {
        string? line = File.ReadLines("/etc/passwd").FirstOrDefault(l => l.StartsWith("postgres:", StringComparison.Ordinal));
        string[] f = line?.Split(':') ?? throw new InvalidOperationException(
            "running as root, and there is no 'postgres' account to run PostgreSQL as (the Debian postgresql package creates it)");
        return (int.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture), int.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture));
    }

    [DllImport("libc", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int kill(int pid, int sig);

    [DllImport("libc", SetLastError = true, CharSet = CharSet.Ansi, BestFitMapping = false)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int chown(string path, int owner, int group);

    [DllImport("libc")]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern uint geteuid();
}
