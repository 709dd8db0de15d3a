using System.CommandLine;
using EdgeMicro.Cli.Commands;

namespace EdgeMicro.Cli;

/// <summary>Builds the command tree and runs it (in-process entry point for tests).</summary>
public static class EdgeMicroApp
{
    /// <summary>Creates the root command.</summary>
    /// <returns>The root command.</returns>
    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("EdgeMicro: tiny int8 classifiers for nanoFramework on ESP32, and the field data loop back.");
        root.Subcommands.Add(new ConvertCommand());
        root.Subcommands.Add(new BenchCommand());
        root.Subcommands.Add(new FlashCommand());
        root.Subcommands.Add(new DevicesCommand());
        root.Subcommands.Add(new HilCommand());
        root.Subcommands.Add(new StatsCommand());
        root.Subcommands.Add(new BalanceCommand());
        root.Subcommands.Add(new DeviceCommand());
        root.Subcommands.Add(new ModelCommand());
        return root;
    }

    /// <summary>Parses and runs a command line.</summary>
    /// <param name="args">Arguments.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <returns>The exit code.</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        return CreateRoot().Parse(args).Invoke(config);
    }
}
