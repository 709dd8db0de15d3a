using System.Diagnostics;
using EdgeMicro.Data;

namespace EdgeMicro.Fleet.Flashing;

/// <summary>
/// Runs nanoFramework's flasher, <c>nanoff</c> (a .NET global tool), found on PATH. Its output is streamed line by
/// line (stdout and stderr) to a callback as progress; its exit code is returned unchanged.
/// </summary>
public sealed class NanoffRunner
{
    /// <summary>The command that installs nanoff.</summary>
    public const string InstallCommand = "dotnet tool install -g nanoff";

    /// <summary>Initializes a new instance of the <see cref="NanoffRunner"/> class.</summary>
    /// <param name="executable">Full path of nanoff.</param>
    public NanoffRunner(string executable)
    {
        Executable = executable;
    }

    /// <summary>Gets the nanoff executable.</summary>
    public string Executable { get; }

    /// <summary>Finds nanoff on a search path.</summary>
    /// <param name="searchPath">A PATH-style list, or null for this process's PATH (plus ~/.dotnet/tools, where
    /// global tools are installed).</param>
    /// <returns>The runner.</returns>
    /// <exception cref="InputDataException">nanoff is not installed; the message gives the install command.</exception>
    public static NanoffRunner Locate(string? searchPath = null)
    {
        string path = searchPath ?? DefaultSearchPath();
        string[] names = OperatingSystem.IsWindows() ? ["nanoff.exe", "nanoff.cmd", "nanoff"] : ["nanoff"];
        foreach (string dir in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            foreach (string name in names)
            {
                string candidate = Path.Combine(dir, name);
                if (File.Exists(candidate) && IsExecutable(candidate))
                {
                    return new NanoffRunner(candidate);
                }
            }
        }

        throw new InputDataException($"nanoff (the nanoFramework flasher) was not found on PATH. Install it with: {InstallCommand} (then make sure ~/.dotnet/tools is on PATH)");
    }

    /// <summary>Runs nanoff and waits for it.</summary>
    /// <param name="arguments">Arguments (passed as-is, no shell quoting involved).</param>
    /// <param name="output">Receives each output line.</param>
    /// <param name="cancellation">Cancels (kills nanoff).</param>
    /// <returns>nanoff's exit code.</returns>
    public int Run(IReadOnlyList<string> arguments, Action<string> output, CancellationToken cancellation = default)
    {
        var info = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments)
        {
            info.ArgumentList.Add(a);
        }

        using var process = new Process { StartInfo = info };
        var gate = new object();
        process.OutputDataReceived += (_, e) => Forward(e.Data);
        process.ErrorDataReceived += (_, e) => Forward(e.Data);
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InputDataException($"{Executable}: cannot start nanoff: {e.Message}. Reinstall it with: {InstallCommand}", e);
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        using (cancellation.Register(() => process.Kill(entireProcessTree: true)))
        {
            process.WaitForExit();
        }

        cancellation.ThrowIfCancellationRequested();
        return process.ExitCode;

        void Forward(string? line)
        {
            if (line != null)
            {
                lock (gate)
                {
                    output(line);
                }
            }
        }
    }

    /// <summary>Formats a command line for logs.</summary>
    /// <param name="arguments">Arguments.</param>
    /// <returns>"nanoff a b 'c d'".</returns>
    public static string Describe(IEnumerable<string> arguments) =>
        "nanoff " + string.Join(' ', arguments.Select(a => a.Length == 0 || a.Any(char.IsWhiteSpace) ? "\"" + a + "\"" : a));

    private static string DefaultSearchPath()
    {
        string path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return home.Length == 0 ? path : path + Path.PathSeparator + Path.Combine(home, ".dotnet", "tools");
    }

    private static bool IsExecutable(string path) =>
        OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0;
}
