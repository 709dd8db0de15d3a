using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeMicro.Conversion.Pipeline;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Balancing;
using Spectre.Console;

namespace EdgeMicro.Cli.Commands;

/// <summary><c>edgemicro bench data-loop</c>: the issue-11 data-loop protocol on every devkit dataset (one model each by default).</summary>
internal sealed class DataLoopBenchCommand : Command
{
    private readonly Option<string> _manifest = new("--manifest") { Description = "Example manifest (models/examples.json).", DefaultValueFactory = _ => "models/examples.json", HelpName = "JSON" };
    private readonly Option<string?> _only = new("--only") { Description = "Comma-separated example names (default: the first example of each dataset).", HelpName = "a,b,..." };
    private readonly Option<int> _seeds = new Option<int>("--seeds") { Description = "Seeds per stream length.", DefaultValueFactory = _ => 10, HelpName = "N" }.AtLeast(1);
    private readonly Option<int> _firstSeed = new Option<int>("--first-seed") { Description = "First seed (check the figures on other seeds).", DefaultValueFactory = _ => 0, HelpName = "N" }.AtLeast(0);
    private readonly Option<int> _window = new Option<int>("--window") { Description = "Inferences per pulled report.", DefaultValueFactory = _ => 50, HelpName = "N" }.AtLeast(1);
    private readonly Option<int> _budget = new Option<int>("--budget") { Description = "Labels per round.", DefaultValueFactory = _ => 100, HelpName = "N" }.AtLeast(1);
    private readonly Option<bool> _json = new("--json") { Description = "Print results as JSON." };

    public DataLoopBenchCommand()
        : base("data-loop", "Data-loop benchmark: Dirichlet(0.5) deployment streams (M = 500, 2,000, 10,000) from half of each test split through the firmware classifier and DeviceStatistics; prior MAE naive/BBSE/EM/chosen against a disjoint labelled half; labelled-batch imbalance of the plan vs proportional random sampling at equal budget.")
    {
        foreach (Option o in new Option[] { _manifest, _only, _seeds, _firstSeed, _window, _budget, _json })
        {
            Options.Add(o);
        }

        SetAction(parse => CommandRunner.Guard(parse, () => Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        using ExampleRoot root = ExampleRunner.NewRoot();
        var all = ExampleManifest.Load(parse.GetValue(_manifest)!, root.Path);
        string[]? only = parse.GetValue(_only)?.Split(',', StringSplitOptions.TrimEntries);
        string[] unknown = [.. (only ?? []).Where(n => !all.Any(e => e.Name == n))];
        if (unknown.Length > 0)
        {
            throw new InputDataException($"--only {string.Join(",", unknown)}: no such example (examples: {string.Join(", ", all.Select(e => e.Name))})");
        }

        var examples = only == null ? all.GroupBy(e => e.TestPath).Select(g => g.First()).ToList() : all.Where(e => only.Contains(e.Name)).ToList();
        var protocol = new DataLoopProtocol(Seeds: parse.GetValue(_seeds), Budget: parse.GetValue(_budget), FirstSeed: parse.GetValue(_firstSeed), Window: parse.GetValue(_window));
        List<DataLoopResult> results = ExampleRunner.Run(parse, examples, "Data loop", e =>
        {
            ConvertPipeline.Run(e);
            return DataLoopBenchmark.Run(e.Name!, ModelFile.Load(e.OutputDirectory).Blob, e.TestPath!, protocol);
        });

        TextWriter stdout = parse.InvocationConfiguration.Output;
        if (parse.GetValue(_json))
        {
            stdout.WriteLine(JsonSerializer.Serialize(results, new JsonSerializerOptions { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower }));
            return ExitCodes.Success;
        }

        var table = new Table().Title($"EdgeMicro data loop ({protocol.Seeds} seeds x M = {string.Join("/", protocol.Lengths)}, Dirichlet({protocol.Alpha}), budget {protocol.Budget}, a report every {protocol.Window} inferences)")
            .AddColumns("model", "accuracy", "hold-out", "prior MAE naive / BBSE / EM / chosen", "chosen vs naive", "EM calibrated on the pool (bound)", "chosen (naive/em/blend)", "batch max/min plan vs proportional", "planned/budget", "misclassified or low-margin plan vs proportional (buffer)", "report bytes (B/inference at window 100 / 1,000)");
        foreach (DataLoopResult r in results)
        {
            table.AddRow(r.Name, P(r.Accuracy), r.HoldoutSize.ToString(CultureInfo.InvariantCulture), $"{F(r.MaeNaive)} / {F(r.MaeBbse)} / {F(r.MaeEm)} / {F(r.MaeChosen)}",
                $"{100 * (r.MaeChosen - r.MaeNaive) / r.MaeNaive:+0;-0}%", F(r.MaeOracle), $"{r.ChosenCounts["naive"]}/{r.ChosenCounts["em"]}/{r.ChosenCounts["blend"]}",
                $"{r.PlanImbalance:F2} vs {r.ProportionalImbalance:F2} ({100 * (r.PlanImbalance - r.ProportionalImbalance) / r.ProportionalImbalance:+0;-0}%)", P(r.PlannedShare), $"{P(r.InformativeShare)} vs {P(r.ProportionalInformativeShare)} ({P(r.CandidateInformativeShare)})",
                $"{r.ReportBytes:F0} ({r.BytesPerInference(100):F0} / {r.BytesPerInference(1000):F1})");
        }

        CommandRunner.Console(stdout).Write(table);
        return ExitCodes.Success;
    }

    private static string F(double v) => v.ToString("F4", CultureInfo.InvariantCulture);

    private static string P(double v) => v.ToString("P1", CultureInfo.InvariantCulture);
}
