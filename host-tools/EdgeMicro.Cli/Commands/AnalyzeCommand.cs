using System.CommandLine;
using System.Globalization;
using EdgeMicro.Conversion.Pipeline;
using Spectre.Console;

namespace EdgeMicro.Cli.Commands;

/// <summary><c>edgemicro analyze</c>: supported-op check, MACs, flash, RAM and latency of an ONNX model, no data needed.</summary>
internal sealed class AnalyzeCommand : Command
{
    public AnalyzeCommand()
        : base("analyze", "Check that an ONNX classifier converts (listing every unsupported node and attribute) and report MACs, flash, device RAM (peaks included), executed IL and estimated ESP32 latency, without any data. "
            + $"The model is quantized with {ModelAnalyzer.SyntheticSamples} synthetic samples drawn from its input shape: accuracy needs convert, but memory and IL counts do not depend on the values (the kernels' control flow is data-independent).")
    {
        Arguments.Add(Model);
        Options.Add(RamBudget);
        Options.Add(Weights);
        Options.Add(Activations);
        Options.Add(Json);
        SetAction(parse => CommandRunner.Guard(parse, () => Execute(parse)));
    }

    internal Argument<string> Model { get; } = new("MODEL.onnx") { Description = "Trained classifier exported to ONNX (opsets 11-17).", HelpName = "MODEL.onnx" };

    internal Option<int> RamBudget { get; } = new Option<int>("--ram-budget") { Description = "Device heap budget to compare with, in KiB (as convert's).", DefaultValueFactory = _ => 48, HelpName = "KiB" }.Between(1, 8 * 1024);

    internal Option<string> Weights { get; } = new Option<string>("--weights") { Description = "The weights mode to analyze, as convert's: data, code or int8.", DefaultValueFactory = _ => "data", HelpName = "data|code|int8" }
        .OneOf("data", "code", "int8");

    internal Option<string> Activations { get; } = new Option<string>("--activations") { Description = "The activation width to analyze, as convert's: 'int8' or 'int16' (convert's 'auto' needs labelled data).", DefaultValueFactory = _ => "int8", HelpName = "int8|int16" }
        .OneOf("int8", "int16");

    internal Option<bool> Json { get; } = new("--json") { Description = "Print the analysis as JSON to stdout instead of the tables." };

    private int Execute(ParseResult parse)
    {
        TextWriter stdout = parse.InvocationConfiguration.Output, stderr = parse.InvocationConfiguration.Error;
        string model = parse.GetValue(Model)!;
        WeightsMode weights = parse.GetValue(Weights) switch { "code" => WeightsMode.Code, "int8" => WeightsMode.Int8, _ => WeightsMode.Data };
        ModelAnalysis a = ProgressHost.Run(parse, progress => ModelAnalyzer.Analyze(model, parse.GetValue(RamBudget) * 1024L, step => progress(step, 0), weights, parse.GetValue(Activations) == "int16"));
        if (parse.GetValue(Json))
        {
            stdout.Write(ModelAnalyzer.ToJson(a));
        }
        else
        {
            Print(CommandRunner.Console(stdout), a);
        }

        if (!a.Supported)
        {
            stderr.WriteLine($"error: {model}: the model cannot be converted ({a.Problems.Length} problem{(a.Problems.Length == 1 ? "" : "s")}, listed above)");
            return ExitCodes.InputError;
        }

        return ExitCodes.Success;
    }

    private static void Print(IAnsiConsole console, ModelAnalysis a)
    {
        if (!a.Supported)
        {
            var problems = new Table().Title($"{Markup.Escape(a.Model)}: not supported").AddColumn("problem");
            foreach (string p in a.Problems)
            {
                problems.AddRow(Markup.Escape(p));
            }

            console.Write(problems);
            return;
        }

        string B(long bytes) => ReportWriter.Bytes(bytes);
        string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
        var t = new Table().Title($"{Markup.Escape(a.Model)}: input {a.Input}, {a.Classes} classes").AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        t.AddRow("operators and attributes", "all supported");
        t.AddRow("MACs / inference", N(a.Macs));
        t.AddRow("flash: weights (int8 + int32 bias)", $"{B(a.WeightsBytes)} ({N(a.Weights)} weights)");
        t.AddRow("flash: weight table data / .emm blob", $"{B(a.TableBytes)} / {B(a.BlobBytes)}");
        t.AddRow("activations", a.Activations);
        t.AddRow("weights mode / firmware assembly loads", $"{a.WeightsMode} / " + (a.FitsFirmwareAssembly ? "yes" : "no: " + Markup.Escape(string.Join(" ", a.FirmwareAssemblyViolations))));
        t.AddRow("RAM: model + classifier", $"{B(a.RamBytes)} (from shapes {B(a.RamEstimateBytes[0])}-{B(a.RamEstimateBytes[1])}); fits {B(a.RamBudgetBytes)}: {a.FitsBudget}");
        t.AddRow("RAM: weight table / packed weights / activations", $"{B(a.ModelHeapBytes)} / {B(a.PackedWeightsBytes)} / {B(a.ActivationBytes)}");
        t.AddRow("RAM peak: resident with statistics / during an update", $"{B(a.ResidentHeapBytes)} / {B(a.UpdatePeakHeapBytes)}");
        t.AddRow("executed IL / inference (specialized, generic)", $"{a.IlPerInference.ToString("N0", CultureInfo.InvariantCulture)}, {a.GenericIlPerInference.ToString("N0", CultureInfo.InvariantCulture)} ({a.IlPerMac:F2} IL/MAC)");
        t.AddRow("estimated ESP32 latency (specialized, generic)", $"{a.EstimatedEsp32Ms:F2} ms ({a.EstimatedEsp32MsRange[0]:F2}-{a.EstimatedEsp32MsRange[1]:F2}), {a.GenericEstimatedEsp32Ms:F2} ms");
        console.Write(t);
        var layers = new Table().AddColumns("#", "layer", "kind", "out", "bits", "MACs", "weights", "IL");
        foreach (AnalyzedLayer l in a.Layers)
        {
            layers.AddRow(l.Index.ToString(CultureInfo.InvariantCulture), Markup.Escape(l.Name), Markup.Escape(l.Kind), l.OutputShape, l.ActivationBits.ToString(CultureInfo.InvariantCulture), N(l.Macs), N(l.Weights), l.Il.ToString("N0", CultureInfo.InvariantCulture));
        }

        console.Write(layers);
    }
}
