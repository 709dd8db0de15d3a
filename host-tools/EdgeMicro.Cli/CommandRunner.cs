using System.CommandLine;
using EdgeMicro.Data;
using Spectre.Console;

namespace EdgeMicro.Cli;

/// <summary>Shared plumbing for command actions: error reporting and consoles.</summary>
public static class CommandRunner
{
    /// <summary>Runs an action, turning input errors into one message and a non-zero exit code.</summary>
    /// <param name="parse">Parse result (for the output writers).</param>
    /// <param name="action">The work; returns an exit code.</param>
    /// <returns>The exit code.</returns>
    public static int Guard(ParseResult parse, Func<int> action)
    {
        TextWriter error = parse.InvocationConfiguration.Error;
        try
        {
            return action();
        }
        catch (InputDataException e)
        {
            error.WriteLine("error: " + e.Message);
            return ExitCodes.InputError;
        }
        catch (VerificationException e)
        {
            error.WriteLine("error: " + e.Message);
            return ExitCodes.CheckFailed;
        }
        catch (Exception e) when (IsDeviceFailure(e))
        {
            // Broker or database server unreachable, connection refused, a serial link that gave up: the user's environment, not a bug.
            error.WriteLine("error: " + e.Message);
            return ExitCodes.DeviceError;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error.WriteLine(VerbosityOption.Of(parse) == Verbosity.Detailed
                ? "internal error: " + e
                : $"internal error: {e.GetType().Name}: {e.Message} (run again with --verbosity detailed for the stack trace, and please report it)");
            return ExitCodes.InternalError;
        }
    }

    /// <summary>Gets a value indicating whether an exception means a device, link or broker failed.</summary>
    /// <param name="e">The exception.</param>
    /// <returns>True for link, broker and device failures.</returns>
    public static bool IsDeviceFailure(Exception e) =>
        e is EdgeMicro.Serial.DeviceLinkException or System.Net.Sockets.SocketException
        || e is EdgeMicro.Messaging.BrokerException or EdgeMicro.Fleet.Stats.StoreUnavailableException or Npgsql.NpgsqlException { IsTransient: true }
        || e.GetType().Namespace?.StartsWith("MQTTnet", StringComparison.Ordinal) == true;

    /// <summary>Gets a value indicating whether progress should be printed.</summary>
    /// <param name="parse">Parse result.</param>
    /// <returns>False with --verbosity quiet.</returns>
    public static bool ShowsProgress(ParseResult parse) => VerbosityOption.Of(parse) != Verbosity.Quiet;

    /// <summary>A Spectre console writing to the given writer (tables go to stdout, progress to stderr).</summary>
    /// <param name="writer">Destination.</param>
    /// <returns>The console.</returns>
    public static IAnsiConsole Console(TextWriter writer)
    {
        bool terminal = writer == System.Console.Out && !System.Console.IsOutputRedirected;
        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(writer),
            Interactive = InteractionSupport.No,
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
        });
        if (!terminal)
        {
            console.Profile.Width = 200;
        }

        return console;
    }

    /// <summary>Progress reporter printing one line per step change on stderr.</summary>
    /// <param name="error">Standard error.</param>
    /// <returns>The reporter.</returns>
    public static Action<string, double> StepPrinter(TextWriter error)
    {
        string last = string.Empty;
        int lastDecile = -1;
        return (step, fraction) =>
        {
            int decile = (int)(fraction * 10);
            if (step != last)
            {
                last = step;
                lastDecile = decile;
                error.WriteLine("  " + step + "...");
            }
            else if (decile != lastDecile && fraction < 1)
            {
                lastDecile = decile;
                error.WriteLine($"  {step}: {decile * 10}%");
            }
        };
    }
}
