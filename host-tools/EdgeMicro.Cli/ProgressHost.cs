using System.CommandLine;
using Spectre.Console;

namespace EdgeMicro.Cli;

/// <summary>Runs long work with a progress display: Spectre progress bars on an interactive terminal, one line per
/// step (and per 10%) when stderr is redirected (CI logs).</summary>
public static class ProgressHost
{
    /// <summary>Runs <paramref name="work"/> with progress on stderr, or none with <c>--verbosity quiet</c>.</summary>
    /// <typeparam name="T">Result type.</typeparam>
    /// <param name="parse">Parse result (writers and verbosity).</param>
    /// <param name="work">The work.</param>
    /// <returns>The work's result.</returns>
    public static T Run<T>(ParseResult parse, Func<Action<string, double>, T> work) =>
        CommandRunner.ShowsProgress(parse) ? Run(parse.InvocationConfiguration.Error, work) : work((_, _) => { });

    /// <summary>Runs <paramref name="work"/>, passing it a progress callback (step, fraction of step done).</summary>
    /// <typeparam name="T">Result type.</typeparam>
    /// <param name="error">Standard error writer.</param>
    /// <param name="work">The work.</param>
    /// <returns>The work's result.</returns>
    public static T Run<T>(TextWriter error, Func<Action<string, double>, T> work)
    {
        if (error != Console.Error || Console.IsErrorRedirected)
        {
            return work(CommandRunner.StepPrinter(error));
        }

        IAnsiConsole console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        T result = default!;
        console.Progress().AutoClear(false).Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(ctx =>
            {
                var tasks = new Dictionary<string, ProgressTask>();
                ProgressTask? current = null;
                result = work((step, fraction) =>
                {
                    if (!tasks.TryGetValue(step, out ProgressTask? task))
                    {
                        Finish(current);
                        task = ctx.AddTask(step, maxValue: 1);
                        tasks[step] = task;
                    }

                    current = task;
                    task.Value(Math.Clamp(fraction, 0, 1));
                });
                Finish(current);
            });
        return result;
    }

    /// <summary>Completes a step and stops its elapsed-time column.</summary>
    private static void Finish(ProgressTask? task)
    {
        if (task != null && !task.IsFinished)
        {
            task.Value(task.MaxValue);
            task.StopTask();
        }
    }
}
