using EdgeMicro.TestKit;

namespace EdgeMicro.Conversion.Tests.Support;

/// <summary>
/// Golden files: text compared with a checked-in <c>Golden/&lt;name&gt;.verified.txt</c> (line ends normalized to LF).
/// On a difference the file is rewritten only when <c>EDGEMICRO_ACCEPT_GOLDEN=1</c> and <c>CI</c> is unset; otherwise
/// the test fails, naming the first differing line and a received copy in the temp directory to diff against.
/// </summary>
public static class Golden
{
    /// <summary>Environment variable that accepts new golden output.</summary>
    public const string AcceptVariable = "EDGEMICRO_ACCEPT_GOLDEN";

    /// <summary>Compares <paramref name="actual"/> with the golden file.</summary>
    /// <param name="name">Golden name (file name without .verified.txt).</param>
    /// <param name="actual">Produced text.</param>
    public static void Verify(string name, string actual)
    {
        string path = RepoPaths.Combine("tests", "EdgeMicro.Conversion.Tests", "Golden", name + ".verified.txt");
        string received = Normalize(actual);
        string? verified = File.Exists(path) ? Normalize(File.ReadAllText(path)) : null;
        if (verified == received)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1" && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("CI")))
        {
            File.WriteAllText(path, received);
            return;
        }

        string receivedPath = Path.Combine(Path.GetTempPath(), "edgemicro-golden", name + ".received.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(receivedPath)!);
        File.WriteAllText(receivedPath, received);
        string what = verified == null ? $"golden file {path} does not exist" : $"output differs from {path}: {FirstDifference(verified, received)}";
        Assert.Fail(
            $"{what}{Environment.NewLine}Received output: {receivedPath}{Environment.NewLine}" +
            $"Review with: diff -u '{path}' '{receivedPath}'{Environment.NewLine}" +
            $"If the change is intended, rerun the test with {AcceptVariable}=1 (and CI unset) and commit the updated golden file.");
    }

    /// <summary>Describes the first differing line.</summary>
    /// <param name="expected">Verified text.</param>
    /// <param name="actual">Received text.</param>
    /// <returns>Description.</returns>
    public static string FirstDifference(string expected, string actual)
    {
        string[] e = expected.Split('\n'), a = actual.Split('\n');
        for (int i = 0; i < Math.Max(e.Length, a.Length); i++)
        {
            string? el = i < e.Length ? e[i] : null, al = i < a.Length ? a[i] : null;
            if (el != al)
            {
                return $"line {i + 1}{Environment.NewLine}  verified: {el ?? "<end of file>"}{Environment.NewLine}  received: {al ?? "<end of file>"}";
            }
        }

        return "no line differs";
    }

    private static string Normalize(string text) => text.Replace("\r\n", "\n", StringComparison.Ordinal);
}
