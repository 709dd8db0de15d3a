using System.CommandLine;
using System.Globalization;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Balancing;
using EdgeMicro.Fleet.Stats;

namespace EdgeMicro.Cli.Commands;

/// <summary><c>edgemicro balance</c>: plan the next labelling and training round from the stored device statistics.</summary>
internal sealed class BalanceCommand : Command
{
    private readonly Option<string> _store = StatsCommand.Store();
    private readonly Option<string> _model = new("--model", "-m") { Description = "The converted model: a .emm blob or the directory edgemicro convert wrote.", Required = true, HelpName = "DIR|FILE.emm" };
    private readonly Option<string> _train = new("--train") { Description = "Training CSV (features + label).", Required = true, HelpName = "CSV" };
    private readonly Option<string> _holdout = new("--holdout") { Description = "Labelled hold-out CSV for the BBSE confusion matrix.", Required = true, HelpName = "CSV" };
    private readonly Option<int> _budget = new Option<int>("--budget") { Description = "Number of samples to label.", Required = true, HelpName = "N" }.AtLeast(1);
    private readonly Option<string> _out = new("--out", "-o") { Description = "Output directory (plan.json, plan.md, samples-to-label.csv, report.html): a new or empty one, or one balance wrote before. Other files in it are never touched.", Required = true, HelpName = "DIR" };
    private readonly Option<bool> _json = new("--json") { Description = "Print plan.json to stdout instead of the markdown summary." };
    private readonly Option<bool> _force = new("--force") { Description = "Write into a directory that holds other files (never over them)." };
    private readonly Option<string> _target = new("--target") { Description = "Target class distribution: uniform, sqrt or deployment.", DefaultValueFactory = _ => "uniform", HelpName = "uniform|sqrt|deployment" };
    private readonly Option<double> _floor = new Option<double>("--floor") { Description = "Minimum target share per class (0 to 1).", DefaultValueFactory = _ => 0.02, HelpName = "SHARE" }.Between(0, 1);
    private readonly Option<string> _label = new("--label-column") { Description = "Name of the label column.", DefaultValueFactory = _ => "label", HelpName = "NAME" };
    private readonly Option<string?> _devices = StatsCommand.Devices();
    private readonly Option<string?> _since = StatsCommand.Since();
    private readonly Option<string> _ontology = new("--ontology") { Description = "Class hierarchy JSON mapping fine labels to deployed classes (the report counts training rows per fine label).", HelpName = "JSON" };

    public BalanceCommand()
        : base("balance", "Estimate the deployment class distribution (naive, BBSE and EM on the device confidence histograms, with bootstrap intervals; the smallest estimated error is used), pick the samples to label by estimated true class toward the target (the whole budget, no duplicates, shortfall per class), and report class weights and data health.")
    {
        foreach (Option o in new Option[] { _store, _model, _train, _holdout, _budget, _out, _force, _json, _target, _floor, _label, _ontology, _devices, _since })
        {
            Options.Add(o);
        }

        SetAction(parse => CommandRunner.Guard(parse, () => Execute(parse)));
    }

    private int Execute(ParseResult parse)
    {
        string store = parse.GetValue(_store)!;
        StoreLocation.Parse(store).Check(mustExist: true);
        ModelFile.Load(parse.GetValue(_model)!);
        InputFiles.RequireFile(parse.GetValue(_train)!, "--train");
        InputFiles.RequireFile(parse.GetValue(_holdout)!, "--holdout");

        QuotaTarget target = parse.GetValue(_target) switch
        {
            "uniform" => QuotaTarget.Uniform,
            "sqrt" => QuotaTarget.Sqrt,
            "deployment" => QuotaTarget.Deployment,
            var t => throw new InputDataException($"--target {t}: expected uniform, sqrt or deployment"),
        };
        int budget = parse.GetValue(_budget);
        if (budget < 0)
        {
            throw new InputDataException("--budget must not be negative");
        }

        var options = new BalanceOptions
        {
            StorePath = store, ModelDirectory = parse.GetValue(_model)!, TrainPath = parse.GetValue(_train)!, HoldoutPath = parse.GetValue(_holdout)!,
            Budget = budget, OutputDirectory = parse.GetValue(_out)!, Force = parse.GetValue(_force), Target = target, Floor = parse.GetValue(_floor), LabelColumn = parse.GetValue(_label)!,
            OntologyPath = parse.GetValue(_ontology), Devices = StatsCommand.DeviceList(parse.GetValue(_devices)),
            Since = parse.GetValue(_since) is { } since ? StatsQuery.ParseSince(since, DateTime.UtcNow) : null,
        };
        BalancePlan plan = BalancePlanner.Run(options);
        TextWriter stdout = parse.InvocationConfiguration.Output;
        if (parse.GetValue(_json))
        {
            stdout.Write(PlanWriter.ToJson(plan));
            return ExitCodes.Success;
        }

        stdout.Write(PlanWriter.ToMarkdown(plan));
        stdout.WriteLine($"Wrote {string.Join(", ", BalancePlanner.Files)} to {options.OutputDirectory}");
        return ExitCodes.Success;
    }
}
