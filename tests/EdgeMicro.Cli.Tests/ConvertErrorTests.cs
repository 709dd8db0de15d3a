using System.Text.RegularExpressions;
using EdgeMicro.Cli.Tests.Support;

namespace EdgeMicro.Cli.Tests;

/// <summary>Every bad input: exit code != 0, exactly one <c>error: ...</c> line on stderr, no stack trace, no output.</summary>
public sealed partial class ConvertErrorTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    private string OutDir => _temp.Combine("out");

    [Fact]
    public void Convert_WhenTheModelFileIsMissing_ReportsFileNotFound()
    {
        string model = _temp.Combine("missing.onnx");

        CliResult r = Convert(model, Devkit.DigitsCalibration);

        AssertOneError(r, model + ": no such file (ONNX model)");
    }

    [Fact]
    public void Convert_WhenTheCalibrationFileIsMissing_ReportsFileNotFound()
    {
        string calibration = _temp.Combine("missing.csv");

        CliResult r = Convert(Devkit.DigitsModel, calibration);

        AssertOneError(r, calibration + ": no such file (CSV)");
    }

    [Fact]
    public void Convert_WhenACsvRowHasTheWrongColumnCount_ReportsFileAndLine()
    {
        string[] lines = Devkit.DigitsLines(3);
        lines[2] = lines[2][..lines[2].LastIndexOf(',')];
        string calibration = _temp.WriteLines("calib.csv", lines);

        CliResult r = Convert(Devkit.DigitsModel, calibration);

        AssertOneError(r, calibration + ":3: row has 64 columns, the header has 65");
    }

    [Fact]
    public void Convert_WhenACsvCellIsNotANumber_ReportsFileLineAndColumn()
    {
        string[] lines = Devkit.DigitsLines(3);
        string[] cells = lines[3].Split(',');
        cells[4] = "4.x";
        lines[3] = string.Join(",", cells);
        string calibration = _temp.WriteLines("calib.csv", lines);

        CliResult r = Convert(Devkit.DigitsModel, calibration);

        AssertOneError(r, calibration + ":4:5: '4.x' in column 'pixel4' is not a number");
    }

    [Fact]
    public void Convert_WhenTheFeatureCountDiffersFromTheModelInput_ReportsBoth()
    {
        string calibration = _temp.WriteLines("calib.csv", "a,b,c,label", "1,2,3,0", "4,5,6,1");

        CliResult r = Convert(Devkit.DigitsModel, calibration);

        AssertOneError(r, calibration + ":1: 3 feature columns besides the label column 'label', but the model takes 64 features");
    }

    [Fact]
    public void Convert_WhenALabelIsOutsideTheModelsClasses_ReportsFileLineAndColumn()
    {
        string[] lines = Devkit.DigitsLines(3);
        lines[2] = lines[2][..(lines[2].LastIndexOf(',') + 1)] + "10";
        string test = _temp.WriteLines("test.csv", lines);

        CliResult r = Convert(Devkit.DigitsModel, Devkit.DigitsCalibration, "--test", test);

        AssertOneError(r, test + ":3:65: label 10 is outside the model's classes 0..9");
    }

    [Fact]
    public void Convert_WhenTheCalibrationSetHasOnlyAHeader_ReportsAnEmptySet()
    {
        string calibration = _temp.WriteLines("calib.csv", Devkit.DigitsLines(0));

        CliResult r = Convert(Devkit.DigitsModel, calibration);

        AssertOneError(r, calibration + ": calibration set is empty");
    }

    [Fact]
    public void Convert_WhenTheModelExceedsTheRamBudget_ReportsTheNeedAndTheBudget()
    {
        CliResult r = Convert(Devkit.DigitsModel, Devkit.DigitsCalibration, "--ram-budget", "1");

        AssertOneError(r, "of device RAM", "more than the 1,024 B budget", "--ram-budget");
    }

    [Fact]
    public void Convert_WhenTheOnnxFileIsCorrupt_ReportsAnInvalidOnnxFile()
    {
        string model = _temp.Combine("corrupt.onnx");
        File.WriteAllBytes(model, [0x08, 0x07, 0x12, 0xFF, 0xFF, 0x3A]);

        CliResult r = Convert(model, Devkit.DigitsCalibration);

        AssertOneError(r, "error: " + model + ": Not a valid ONNX file");
    }

    [Fact]
    public void Convert_WhenTheModelHasAnUnsupportedOp_NamesTheNode()
    {
        string model = _temp.Combine("transpose.onnx");
        File.WriteAllBytes(model, new OnnxModelBuilder()
            .Input("x", 1, 4).Output("y", 3, 1)
            .Initializer("w", [3, 4], new float[12]).Initializer("b", [3], new float[3])
            .Node("Gemm", ["x", "w", "b"], "g", OnnxModelBuilder.Attr("transB", 1))
            .Node("Transpose", ["g"], "y", OnnxModelBuilder.Ints("perm", 1, 0))
            .Build());

        CliResult r = Convert(model, Devkit.DigitsCalibration);

        AssertOneError(r, "error: " + model + ": The model cannot be lowered", "y_node", "Transpose is not supported");
    }

    [Fact]
    public void Convert_WhenTheClassesCountDiffers_ReportsBothCounts()
    {
        CliResult r = Convert(Devkit.DigitsModel, Devkit.DigitsCalibration, "--classes", "a,b,c");

        AssertOneError(r, "--classes: 3 names given, the model has 10 classes");
    }

    [Fact]
    public void Convert_WhenTheInputLayoutIsBad_ReportsTheOption()
    {
        CliResult r = Convert(Devkit.DigitsModel, Devkit.DigitsCalibration, "--input-layout", "(r c) -> c");

        AssertOneError(r, "--input-layout '(r c) -> c': ");
    }

    [Fact]
    public void Convert_WhenTheNormalizationFileIsMissing_ReportsFileNotFound()
    {
        string normalization = _temp.Combine("missing.json");

        CliResult r = Convert(Devkit.DigitsModel, Devkit.DigitsCalibration, "--normalization", normalization);

        AssertOneError(r, normalization + ": no such file (normalization JSON)");
    }

    [Theory]
    [InlineData("--out")]
    [InlineData("--calibration")]
    public void Convert_WhenARequiredOptionIsMissing_FailsWithAUsageError(string option)
    {
        string[] args = ["convert", Devkit.DigitsModel, "--calibration", Devkit.DigitsCalibration, "--out", OutDir];
        int at = Array.IndexOf(args, option);

        CliResult r = CliRun.Run([.. args[..at], .. args[(at + 2)..]]);

        Assert.True(r.ExitCode == ExitCodes.UsageError, r.ToString());
        Assert.Equal($"error: Option '{option}' is required (see 'edgemicro convert --help')", Assert.Single(r.StderrLines));
        AssertNoStackTrace(r);
        Assert.False(Directory.Exists(OutDir));
    }

    public void Dispose() => _temp.Dispose();

    private CliResult Convert(string model, string calibration, params string[] extra) =>
        CliRun.Run(["convert", model, "--calibration", calibration, "--out", OutDir, .. extra]);

    private void AssertOneError(CliResult r, params string[] expected)
    {
        Assert.True(r.ExitCode == ExitCodes.InputError, r.ToString());
        string[] errors = r.StderrLines.Where(l => l.StartsWith("error: ", StringComparison.Ordinal)).ToArray();
        Assert.True(errors.Length == 1, "expected exactly one 'error: ' line; " + r);

        // The message is the error line plus any indented detail lines right after it (e.g. one per unsupported node).
        string message = r.Stderr.ReplaceLineEndings("\n")[r.Stderr.ReplaceLineEndings("\n").IndexOf("error: ", StringComparison.Ordinal)..];
        foreach (string text in expected)
        {
            Assert.True(message.Contains(text, StringComparison.Ordinal), $"expected '{text}' in the error message; {r}");
        }

        AssertNoStackTrace(r);
        Assert.Equal(string.Empty, r.Stdout);
        Assert.False(Directory.Exists(OutDir), "no output directory may be written on error");
        Assert.Empty(Directory.GetDirectories(_temp.Path, ".out.staging*"));
    }

    private static void AssertNoStackTrace(CliResult r)
    {
        Assert.False(StackFrame().IsMatch(r.Stderr), "stack trace on stderr; " + r);
        Assert.DoesNotContain("Exception", r.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", r.Stderr, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^\s+at \S+\(", RegexOptions.Multiline)]
    private static partial Regex StackFrame();
}
