namespace EdgeMicro.Serial.Tests.Support;

/// <summary>
/// A stand-in <c>nanoff</c> shell script in a private directory, for putting first on PATH: it records each call's
/// arguments (one per line, calls separated by "---"), copies the files given with --image and --filedeployment into
/// <see cref="Received"/>, prints progress lines on stdout and stderr, and exits with the given code.
/// </summary>
public sealed class FakeNanoff : IDisposable
{
    private readonly TempDir _dir = new();

    public FakeNanoff(int exitCode = 0)
    {
        Directory.CreateDirectory(BinDirectory);
        Directory.CreateDirectory(Received);
        string script = $$"""
            #!/bin/sh
            log='{{CallLog}}'
            for a in "$@"; do printf '%s\n' "$a" >> "$log"; done
            echo '---' >> "$log"
            prev=''
            for a in "$@"; do
              case "$prev" in
                --image|--filedeployment) cp "$a" '{{Received}}/' ;;
              esac
              prev="$a"
            done
            echo 'stand-in nanoff: Connecting to device...'
            echo 'stand-in nanoff: progress 100%' >&2
            exit {{exitCode}}
            """;
        File.WriteAllText(Executable, script.Replace("\r\n", "\n", StringComparison.Ordinal));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Executable, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    public string BinDirectory => _dir.File("bin");

    public string Executable => Path.Combine(BinDirectory, "nanoff");

    public string Received => _dir.File("received");

    public string CallLog => _dir.File("calls.log");

    /// <summary>The arguments of each call, in order.</summary>
    public List<string[]> Calls()
    {
        if (!File.Exists(CallLog))
        {
            return [];
        }

        var calls = new List<string[]>();
        var current = new List<string>();
        foreach (string line in File.ReadAllLines(CallLog))
        {
            if (line == "---")
            {
                calls.Add([.. current]);
                current.Clear();
            }
            else
            {
                current.Add(line);
            }
        }

        return calls;
    }

    public void Dispose() => _dir.Dispose();
}

/// <summary>Serializes tests that change this process's PATH/HOME (the CLI finds nanoff on PATH).</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollection
{
    public const string Name = "process environment";
}

/// <summary>Puts a directory first on PATH (optionally replacing PATH and HOME entirely) until disposed.</summary>
public sealed class PathScope : IDisposable
{
    private readonly string? _path = Environment.GetEnvironmentVariable("PATH");
    private readonly string? _home = Environment.GetEnvironmentVariable("HOME");

    public PathScope(string directory, bool only = false)
    {
        Environment.SetEnvironmentVariable("PATH", only ? directory : directory + Path.PathSeparator + _path);
        if (only)
        {
            Environment.SetEnvironmentVariable("HOME", directory);
        }
    }

    public void Dispose()
    {
        Environment.SetEnvironmentVariable("PATH", _path);
        Environment.SetEnvironmentVariable("HOME", _home);
    }
}
