namespace EdgeMicro.Cli.Tests.Support;

/// <summary>What one in-process run of the CLI produced.</summary>
/// <param name="ExitCode">Exit code.</param>
/// <param name="Stdout">Standard output.</param>
/// <param name="Stderr">Standard error.</param>
public sealed record CliResult(int ExitCode, string Stdout, string Stderr)
{
    /// <summary>Standard error split into lines.</summary>
    public string[] StderrLines => Stderr.ReplaceLineEndings("\n").Split('\n', StringSplitOptions.RemoveEmptyEntries);

    public override string ToString() => $"exit {ExitCode}{Environment.NewLine}--- stdout:{Environment.NewLine}{Stdout}--- stderr:{Environment.NewLine}{Stderr}";
}

/// <summary>Runs <see cref="EdgeMicroApp.Run"/> in-process with string writers.</summary>
public static class CliRun
{
    /// <summary>Runs a command line.</summary>
    /// <param name="args">Arguments.</param>
    /// <returns>Exit code and captured output.</returns>
    public static CliResult Run(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int exit = EdgeMicroApp.Run(args, stdout, stderr);
        return new CliResult(exit, stdout.ToString(), stderr.ToString());
    }
}
