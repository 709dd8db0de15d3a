using System.CommandLine;
using EdgeMicro.Conversion.Pipeline;
using Spectre.Console;

namespace EdgeMicro.Cli.Commands;

/// <summary><c>edgemicro convert</c>: ONNX classifier to a bit-exact int8 model for nanoFramework firmware.</summary>
internal sealed class ConvertCommand : Command
{
    public ConvertCommand()
        : base("convert", "Quantize an ONNX classifier to int8, report what it costs, and export the C# weight table, specialized kernel and .emm blob.")
    {
        Arguments.Add(Model);
        foreach (Option o in new Option[] { Calibration, Test, Normalization, LabelColumn, Classes, Ontology, InputLayout, NameOption, ModelVersion, RamBudget, Weights, Activations, Out, Force, Json })
        {
            Options.Add(o);
        }

        SetAction(parse => CommandRunner.Guard(parse, () => Execute(parse)));
    }

    internal Argument<string> Model { get; } = new("MODEL.onnx") { Description = "Trained classifier exported to ONNX (opsets 11-17).", HelpName = "MODEL.onnx" };

    internal Option<string> Calibration { get; } = new("--calibration", "-c") { Description = "CSV of calibration samples (header; features in model-input order; label column optional).", Required = true, HelpName = "CSV" };

    internal Option<string?> Test { get; } = new("--test", "-t") { Description = "CSV of labelled test samples for the accuracy report.", HelpName = "CSV" };

    internal Option<string?> Normalization { get; } = new("--normalization") { Description = "JSON with 'mean' and 'std' arrays (StandardScaler); folded into the model so the device feeds raw values.", HelpName = "JSON" };

    internal Option<string> LabelColumn { get; } = new("--label-column") { Description = "Name of the label column.", DefaultValueFactory = _ => "label", HelpName = "NAME" };

    internal Option<string?> Classes { get; } = new("--classes") { Description = "Comma-separated class names (labels may then be names).", HelpName = "a,b,..." };

    internal Option<string?> Ontology { get; } = new("--ontology") { Description = "Class hierarchy JSON mapping fine labels to deployed classes (as for balance and labels import); gives the class names: the deployed classes in the order they first appear, e.g. {\"cat\": \"cat\", \"dog\": \"dog\", \"tabby\": \"cat\"}.", HelpName = "JSON" };

    internal Option<string?> InputLayout { get; } = new("--input-layout") { Description = "How CSV columns fill the model input, einops style, e.g. '(r c) -> c r'. Default: C order.", HelpName = "SPEC" };

    internal Option<string?> NameOption { get; } = new("--name", "-n") { Description = "Name for generated classes (<Name>Model, <Name>Kernel) and the blob. Default: from the model path.", HelpName = "Name" };

    internal Option<uint> ModelVersion { get; } = new("--model-version") { Description = "Model version stored in the model (for over-the-air updates).", DefaultValueFactory = _ => 1u, HelpName = "N" };

    internal Option<int> RamBudget { get; } = new Option<int>("--ram-budget") { Description = "Device heap budget for the model in KiB (table + packed weights + activations).", DefaultValueFactory = _ => 48, HelpName = "KiB" }.Between(1, 8 * 1024);

    internal Option<string> Weights { get; } = new Option<string>("--weights") { Description = "Where the weights go: 'data' (packed in the weight table, one copy on the heap; loadable from a blob too) or 'code' (IL constants of the generated kernel: flash, no heap; fastest) or 'int8' (Dense layers' int8 rows in the weight table: 1 B of heap and of assembly data per weight, about 2.3x slower on MLPs; for models too large for the other two).", DefaultValueFactory = _ => "data", HelpName = "data|code|int8" }
        .OneOf("data", "code", "int8");

    internal Option<string> Activations { get; } = new Option<string>("--activations") { Description = "Width of the activations between layers: 'int8' (SWAR kernels, fastest) or 'int16' (16-bit symmetric activations, int8 weights: more accurate where int8 activations lose precision, slower (generic int16 kernels; with --weights code the Dense layers' weights are compiled in, two rows per 64-bit constant), twice the activation buffers; the model input and the logits stay int8) or 'auto' (int16 only when int8 loses more than 0.5 point of accuracy against float on the test set and int16 does better).", DefaultValueFactory = _ => "int8", HelpName = "int8|int16|auto" }
        .OneOf("int8", "int16", "auto");

    internal Option<string> Out { get; } = new("--out", "-o") { Description = "Output directory: a new or empty one, or one convert wrote before (its edgemicro-output.json lists what it may replace). Other files in it are never touched.", Required = true, HelpName = "DIR" };

    internal Option<bool> Force { get; } = new("--force") { Description = "Write into a directory that holds other files (never over them), and replace convert's own files even when edited." };

    internal Option<bool> Json { get; } = new("--json") { Description = "Print report.json to stdout instead of the summary table." };

    private int Execute(ParseResult parse)
    {
        TextWriter stdout = parse.InvocationConfiguration.Output, stderr = parse.InvocationConfiguration.Error;
        var options = new ConvertOptions
        {
            ModelPath = parse.GetValue(Model)!,
            CalibrationPath = parse.GetValue(Calibration)!,
            TestPath = parse.GetValue(Test),
            NormalizationPath = parse.GetValue(Normalization),
            LabelColumn = parse.GetValue(LabelColumn)!,
            ClassNames = parse.GetValue(Classes)?.Split(',').Select(c => c.Trim()).ToArray(),
            OntologyPath = parse.GetValue(Ontology),
            InputLayout = parse.GetValue(InputLayout),
            Name = parse.GetValue(NameOption),
            ModelVersion = parse.GetValue(ModelVersion),
            RamBudgetBytes = parse.GetValue(RamBudget) * 1024L,
            Weights = parse.GetValue(Weights) switch { "code" => WeightsMode.Code, "int8" => WeightsMode.Int8, _ => WeightsMode.Data },
            WideActivations = parse.GetValue(Activations) == "int16",
            AutoActivations = parse.GetValue(Activations) == "auto",
            OutputDirectory = parse.GetValue(Out)!,
            Force = parse.GetValue(Force),
        };
        ConversionReport report = ProgressHost.Run(parse, progress => ConvertPipeline.Run(options, progress));
        if (parse.GetValue(Json))
        {
            stdout.Write(ReportWriter.ToJson(report));
        }
        else
        {
            Summary(CommandRunner.Console(stdout), report, options.OutputDirectory);
        }

        return ExitCodes.Success;
    }

    private static void Summary(IAnsiConsole console, ConversionReport r, string outDir)
    {
        var table = new Table().Title($"{r.ModelId} v{r.ModelVersion}: int8 conversion{(r.Layers.Any(l => l.ActivationBits == 16) ? ", 16-bit activations" : string.Empty)}").AddColumn("metric").AddColumn(new TableColumn("value").RightAligned());
        table.AddRow("float top-1 accuracy", ReportWriter.Pct(r.FloatAccuracy));
        table.AddRow("int8 top-1 accuracy (device)", ReportWriter.Pct(r.Int8Accuracy));
        table.AddRow("float/int8 agreement", ReportWriter.Pct(r.Agreement));
        table.AddRow("activations", Markup.Escape(r.Activations));
        table.AddRow("weights (int8 + bias)", ReportWriter.Bytes(r.WeightsBytes) + (r.WeightsMode switch { "code" => "; --weights code: IL constants of the kernel (flash), starred layers", "int8" => "; --weights int8: Dense rows as int8 in the weight table", _ => "; --weights data: packed in the weight table" }));
        table.AddRow("device heap for the model", $"{ReportWriter.Bytes(r.RamBytes)} ({r.HeapBytesPerWeight:F2} B/weight); resident with statistics {ReportWriter.Bytes(r.ResidentHeapBytes)}, update peak {ReportWriter.Bytes(r.UpdatePeakHeapBytes)}");
        table.AddRow("peak activation RAM", ReportWriter.Bytes(r.ActivationBytes));
        table.AddRow("MACs / inference", r.Macs.ToString("N0", System.Globalization.CultureInfo.InvariantCulture));
        table.AddRow("whole-inference IL / MAC (specialized, generic)", $"{r.IlPerMac:F2}, {r.GenericIlPerMac:F2}");
        table.AddRow("kernel-only IL / MAC (specialized, generic)", $"{r.KernelIlPerMac:F2}, {r.GenericKernelIlPerMac:F2}; {ReportWriter.Pct(r.OutsideKernelsShare)} of the inference outside the kernels" + (r.FusedNetwork ? $" (stage by stage; fused into one method: {r.IlPerInference:N0} IL)" : string.Empty));
        table.AddRow("estimated ESP32 latency", $"{r.EstimatedEsp32Ms:F2} ms ({r.EstimatedEsp32MsRange[0]:F2}-{r.EstimatedEsp32MsRange[1]:F2})");
        console.Write(table);
        var layers = new Table().AddColumns("#", "layer", "kind", "out", "bits", "MACs", "SQNR dB", "sat.", "SWAR", "IL/MAC");
        foreach (LayerReport l in r.Layers)
        {
            layers.AddRow(l.Index.ToString(System.Globalization.CultureInfo.InvariantCulture), Markup.Escape(l.Name), Markup.Escape(l.Kind), l.OutputShape, l.ActivationBits.ToString(System.Globalization.CultureInfo.InvariantCulture), l.Macs.ToString(System.Globalization.CultureInfo.InvariantCulture), l.SqnrDb?.ToString("F1", System.Globalization.CultureInfo.InvariantCulture) ?? "exact", ReportWriter.Pct(l.Saturation), l.SwarLanes == 0 ? "-" : l.SwarLanes + (l.Specialized ? "*" : string.Empty), l.IlPerMac?.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) ?? "-");
        }

        console.Write(layers);
        console.WriteLine($"Wrote {string.Join(", ", r.Files)} to {outDir}");
    }
}
