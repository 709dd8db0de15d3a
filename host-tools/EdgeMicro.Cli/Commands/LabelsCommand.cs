using System.CommandLine;
using System.Text.Json;
using EdgeMicro.Fleet.Labels;

namespace EdgeMicro.Cli.Commands;

/// <summary><c>edgemicro labels import</c>: bring the labelled samples of a balance plan into the training CSV.</summary>
internal sealed class LabelsCommand : Command
{
    public LabelsCommand()
        : base("labels", "Labels back from the annotators.")
    {
        Subcommands.Add(new ImportCommand());
    }

    private sealed class ImportCommand : Command
    {
        private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };

        private readonly Argument<string> _samples = new("SAMPLES") { Description = "samples-to-label.csv from `edgemicro balance`, with the label cells filled in (empty cells are skipped).", HelpName = "CSV" };
        private readonly Option<string> _train = new("--train") { Description = "Training CSV to append to (its existing bytes are never rewritten; provenance goes to NAME.provenance.csv beside it).", Required = true, HelpName = "CSV" };
        private readonly Option<string> _model = new("--model", "-m") { Description = "The converted model whose classes the labels must be: a .emm blob or the directory edgemicro convert wrote.", Required = true, HelpName = "DIR|FILE.emm" };
        private readonly Option<string> _ontology = new("--ontology") { Description = "Class hierarchy JSON mapping fine labels to deployed classes, e.g. {\"tabby\": \"cat\"}.", HelpName = "JSON" };
        private readonly Option<string> _label = new("--label-column") { Description = "Name of the label column.", DefaultValueFactory = _ => "label", HelpName = "NAME" };
        private readonly Option<bool> _dryRun = new("--dry-run") { Description = "Report what would be appended; write nothing." };
        private readonly Option<bool> _json = new("--json") { Description = "Print the summary as JSON." };

        public ImportCommand()
            : base("import", "Append the labelled rows of a samples file to the training CSV: exactly its columns, fine labels mapped to deployed classes, duplicates and unlabelled rows skipped and counted, atomically.")
        {
            Arguments.Add(_samples);
            foreach (Option o in new Option[] { _train, _model, _ontology, _label, _dryRun, _json })
            {
                Options.Add(o);
            }

            SetAction(parse => CommandRunner.Guard(parse, () => Execute(parse)));
        }

        private int Execute(ParseResult parse)
        {
            LabelImportResult r = LabelImporter.Run(new LabelImportOptions
            {
                SamplesPath = parse.GetValue(_samples)!, TrainPath = parse.GetValue(_train)!, ModelPath = parse.GetValue(_model)!,
                OntologyPath = parse.GetValue(_ontology), LabelColumn = parse.GetValue(_label)!, DryRun = parse.GetValue(_dryRun),
            });
            TextWriter stdout = parse.InvocationConfiguration.Output;
            if (parse.GetValue(_json))
            {
                stdout.WriteLine(JsonSerializer.Serialize(r, Json));
                return ExitCodes.Success;
            }

            stdout.WriteLine($"{(r.DryRun ? "Would append" : "Appended")} {r.Appended} of {r.Rows} rows to {r.Train}{(r.Appended > 0 ? $" (lines {r.FirstAppendedLine}-{r.FirstAppendedLine + r.Appended - 1})" : string.Empty)}; skipped {r.Unlabelled} unlabelled, {r.Duplicates} duplicates, {r.Conflicts.Count} conflicts.");
            foreach (LabelConflict c in r.Conflicts)
            {
                stdout.WriteLine($"  conflict: {r.Samples}:{c.Line} labelled {c.Label}, but {r.Train}:{c.TrainLine} has the same features labelled {c.TrainLabel} (not appended)");
            }

            stdout.WriteLine("  per class: " + string.Join(", ", r.AppendedPerClass.Where(p => p.Value > 0).Select(p => $"{p.Key} {p.Value}")));
            if (r.AppendedPerFineLabel.Count > 0)
            {
                stdout.WriteLine("  per fine label: " + string.Join(", ", r.AppendedPerFineLabel.Select(p => $"{p.Key} {p.Value}")));
            }

            if (r.Appended > 0 && !r.DryRun)
            {
                stdout.WriteLine($"  provenance: {r.ProvenanceFile}; the first {r.PreservedBytes} bytes of the training CSV are unchanged (SHA-256 {r.TrainSha256Before[..12]}...)");
            }

            return ExitCodes.Success;
        }
    }
}
