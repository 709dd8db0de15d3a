using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
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
        root.Subcommands.Add(new AnalyzeCommand());
        root.Subcommands.Add(new BenchCommand());
        root.Subcommands.Add(new FlashCommand());
        root.Subcommands.Add(new DevicesCommand());
        root.Subcommands.Add(new HilCommand());
        root.Subcommands.Add(new StatsCommand());
        root.Subcommands.Add(new BalanceCommand());
        root.Subcommands.Add(new LabelsCommand());
        root.Subcommands.Add(new DeviceCommand());
        root.Subcommands.Add(new ModelCommand());
        root.Options.Add(VerbosityOption.Option);
        foreach (HelpOption help in root.Options.OfType<HelpOption>())
        {
            if (help.Action is HelpAction inner)
            {
                help.Action = new HelpWithExitCodes(inner);
            }
        }

        return root;
    }

    /// <summary>Parses and runs a command line.</summary>
    /// <param name="args">Arguments.</param>
    /// <param name="output">Standard output.</param>
    /// <param name="error">Standard error.</param>
    /// <returns>The exit code (<see cref="ExitCodes"/>).</returns>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var config = new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false };
        ParseResult parse = CreateRoot().Parse(args);
        if (parse.Action is ParseErrorAction)
        {
            // One line, as dotnet and nanoff do, instead of the whole help.
            string command = string.Join(' ', parse.CommandResult.Command.Parents.OfType<Command>().Reverse().Skip(1).Select(c => c.Name).Prepend("edgemicro").Append(parse.CommandResult.Command is RootCommand ? string.Empty : parse.CommandResult.Command.Name)).TrimEnd();
            error.WriteLine($"error: {string.Join("; ", parse.Errors.Select(e => e.Message.TrimEnd('.')))} (see '{command} --help')");
            return ExitCodes.UsageError;
        }

        return parse.Invoke(config);
    }

    /// <summary>The standard help, then the exit codes every command shares.</summary>
    private sealed class HelpWithExitCodes(HelpAction inner) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            inner.Invoke(parseResult);
            parseResult.InvocationConfiguration.Output.WriteLine(ExitCodes.HelpText);
            return ExitCodes.Success;
        }
    }
}
