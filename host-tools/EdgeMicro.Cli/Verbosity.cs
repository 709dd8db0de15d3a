using System.CommandLine;

namespace EdgeMicro.Cli;

/// <summary>How much a command prints on stderr (<c>-v|--verbosity</c>, as in the dotnet CLI).</summary>
public enum Verbosity
{
    /// <summary>Errors and results only: no progress.</summary>
    Quiet,

    /// <summary>Progress per step (default).</summary>
    Normal,

    /// <summary>Progress, device logs and stack traces of internal errors.</summary>
    Detailed,
}

/// <summary>The global <c>-v|--verbosity</c> option.</summary>
public static class VerbosityOption
{
    /// <summary>The option, added once to the root and inherited by every command.</summary>
    public static readonly Option<Verbosity> Option = new("--verbosity", "-v")
    {
        Description = "How much to print on stderr: quiet, normal or detailed.",
        DefaultValueFactory = _ => Verbosity.Normal,
        HelpName = "quiet|normal|detailed",
        Recursive = true,
    };

    /// <summary>Gets the verbosity of a parse.</summary>
    /// <param name="parse">Parse result.</param>
    /// <returns>The verbosity.</returns>
    public static Verbosity Of(ParseResult parse) => parse.GetResult(Option) == null ? Verbosity.Normal : parse.GetValue(Option);
}
