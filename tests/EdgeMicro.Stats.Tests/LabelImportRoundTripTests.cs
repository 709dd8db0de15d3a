using System.Globalization;
using System.Text.Json;
using EdgeMicro.Cli;
using EdgeMicro.Fleet.Labels;
using EdgeMicro.Fleet.Stats;
using EdgeMicro.TestKit;
using Xunit.Abstractions;

namespace EdgeMicro.Stats.Tests;

/// <summary>
/// The labelling round trip through the CLI: a store filled by real DeviceStatistics reports, `balance` writes the
/// plan, an annotator fills the label cells of samples-to-label.csv (the true digit, some as fine labels of an
/// ontology, some left empty), `labels import` appends them to a copy of the training CSV, and `convert` accepts it.
/// </summary>
public sealed class LabelImportRoundTripTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("edgemicro-labels-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void LabelsImport_AfterBalance_AppendsExactlyTheLabelledRowsOnceAndConvertAcceptsTheTrainingCsv()
    {
        string db = Path.Combine(_dir, "edgemicro-stats.db");
        using (var store = new StatsStore(db))
        {
            foreach (byte[] report in new Fleet(6, 2, 3).Reports.Values.SelectMany(r => r))
            {
                store.Add(report, out _);
            }
        }

        string train = Path.Combine(_dir, "train.csv");
        File.Copy(DigitsModel.Data("digits_train.csv"), train);
        byte[] original = File.ReadAllBytes(train);
        string ontology = Path.Combine(_dir, "digits-ontology.json");
        File.WriteAllText(ontology, "{ // annotators may say which way a seven is written\n  \"seven-crossed\": \"7\",\n  \"seven-plain\": \"7\",\n  \"one-serif\": \"1\"\n}\n");
        string plan = Path.Combine(_dir, "plan");
        Cli("balance", "--store", db, "--model", DigitsModel.Directory, "--train", train, "--holdout", DigitsModel.Data("digits_test.csv"), "--budget", "40", "--out", plan);

        // samples-to-label.csv: exactly the training columns, then the provenance columns; one row per reading.
        string samples = Path.Combine(plan, "samples-to-label.csv");
        string[] lines = File.ReadAllLines(samples);
        string[] trainHeader = File.ReadLines(train).First().Split(',');
        Assert.Equal([.. trainHeader, .. LabelFiles.ProvenanceColumns], lines[0].Split(','));
        Assert.Equal(41, lines.Length);
        Assert.Equal(40, lines.Skip(1).Select(l => string.Join(',', l.Split(',').Skip(trainHeader.Length).Take(4))).Distinct().Count());
        Assert.Equal(40, lines.Skip(1).Select(l => string.Join(',', l.Split(',').Take(trainHeader.Length - 1))).Distinct().Count());

        // The annotator: the true digit of each reading (the devices replayed the test split), fine labels for 7 and 1, three left empty.
        var truth = File.ReadLines(DigitsModel.Data("digits_test.csv")).Skip(1).Select(l => l.Split(','))
            .GroupBy(c => string.Join(',', c.Take(64).Select(v => LabelFiles.Number(double.Parse(v, CultureInfo.InvariantCulture))))).ToDictionary(g => g.Key, g => g.First()[64]);
        int label = Array.IndexOf(trainHeader, "label"), fine = 0;
        var labelled = new List<string> { lines[0] };
        for (int i = 1; i < lines.Length; i++)
        {
            string[] cells = lines[i].Split(',');
            string digit = truth[string.Join(',', cells.Take(64))];
            cells[label] = i <= 3 ? string.Empty : digit == "7" ? (fine++ % 2 == 0 ? "seven-crossed" : "seven-plain") : digit == "1" ? "one-serif" : digit;
            labelled.Add(string.Join(',', cells));
        }

        File.WriteAllLines(samples, labelled);
        using JsonDocument first = JsonDocument.Parse(Cli("labels", "import", samples, "--train", train, "--model", DigitsModel.Directory, "--ontology", ontology, "--json"));
        JsonElement r = first.RootElement;
        output.WriteLine(r.ToString());
        Assert.Equal(3, r.GetProperty("unlabelled").GetInt32());
        Assert.Equal(37, r.GetProperty("appended").GetInt32() + r.GetProperty("duplicates").GetInt32() + r.GetProperty("conflicts").GetArrayLength());
        Assert.True(r.GetProperty("appended").GetInt32() >= 30, r.ToString());

        // Never rewritten: the original bytes are the new file's prefix; the appended rows are the training columns only.
        byte[] after = File.ReadAllBytes(train);
        Assert.Equal(original, after[..original.Length]);
        string[] added = File.ReadAllLines(train).Skip(File.ReadAllLines(DigitsModel.Data("digits_train.csv")).Length).ToArray();
        Assert.Equal(r.GetProperty("appended").GetInt32(), added.Length);
        Assert.All(added, a => Assert.Equal(trainHeader.Length, a.Split(',').Length));
        Assert.DoesNotContain(added, a => a.Contains("seven", StringComparison.Ordinal));
        string[] provenance = File.ReadAllLines(LabelFiles.ProvenancePath(train));
        Assert.Equal(added.Length + 1, provenance.Length);
        Assert.Equal(fine, provenance.Count(p => p.Contains(",seven-", StringComparison.Ordinal)));

        // Re-running appends nothing; the file is byte-identical.
        using JsonDocument again = JsonDocument.Parse(Cli("labels", "import", samples, "--train", train, "--model", DigitsModel.Directory, "--ontology", ontology, "--json"));
        Assert.Equal(0, again.RootElement.GetProperty("appended").GetInt32());
        Assert.Equal(after, File.ReadAllBytes(train));

        // convert accepts the grown training CSV as calibration, balance reads it and reports the fine labels.
        string model = RepoPaths.Combine("models", "digits_mlp_dev");
        Cli("convert", Path.Combine(model, "model.onnx"), "--calibration", train, "--test", DigitsModel.Data("digits_test.csv"), "--normalization", Path.Combine(model, "normalization.json"), "--name", "Digits", "--out", Path.Combine(_dir, "converted"), "-v", "quiet");
        using JsonDocument plan2 = JsonDocument.Parse(Cli("balance", "--store", db, "--model", DigitsModel.Directory, "--train", train, "--holdout", DigitsModel.Data("digits_test.csv"), "--budget", "10", "--out", Path.Combine(_dir, "plan2"), "--ontology", ontology, "--json"));
        JsonElement seven = plan2.RootElement.GetProperty("fine_labels").GetProperty("classes")[7];
        Assert.Equal(fine, seven.GetProperty("fine").EnumerateArray().Sum(f => f.GetProperty("count").GetInt32()));
        Assert.Equal(["seven-crossed", "seven-plain"], seven.GetProperty("fine").EnumerateArray().Select(f => f.GetProperty("label").GetString()!));
    }

    private string Cli(params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        int code = EdgeMicroApp.Run(args, stdout, stderr);
        Assert.True(code == 0, $"edgemicro {string.Join(' ', args)}: exit {code}\n{stderr}\n{stdout}");
        return stdout.ToString();
    }
}
