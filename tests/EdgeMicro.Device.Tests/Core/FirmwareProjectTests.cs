using System.Text.RegularExpressions;
using EdgeMicro.TestKit;

namespace EdgeMicro.Device.Tests.Core;

/// <summary>The firmware app's .nfproj and packages.config stay consistent (nothing can build them here).</summary>
public sealed partial class FirmwareProjectTests
{
    private static string Firmware(params string[] parts) => RepoPaths.Combine(["firmware", "EdgeMicro.Firmware", .. parts]);

    [Fact]
    public void Packages_WhenComparedWithTheNfprojHintPaths_AgreeOnEveryIdAndVersion()
    {
        var packages = PackageRegex().Matches(File.ReadAllText(Firmware("packages.config"))).Select(m => m.Groups[1].Value + "." + m.Groups[2].Value).Order().ToList();
        // Distinct: one package can ship several referenced assemblies (nanoFramework.M2Mqtt and .M2Mqtt.Core).
        var hints = HintRegex().Matches(File.ReadAllText(Firmware("EdgeMicro.Firmware.nfproj"))).Select(m => m.Groups[1].Value).Distinct().Order().ToList();

        Assert.Equal(packages, hints);
        Assert.Contains("nanoFramework.CoreLibrary.1.17.11", packages);
        Assert.Contains("<NFCoreLibraryVersion>1.17.11</NFCoreLibraryVersion>", File.ReadAllText(RepoPaths.Combine("nfproj.props")), StringComparison.Ordinal);
    }

    [Fact]
    public void Nfproj_WhenListingSources_CoversEveryFirmwareSourceFile()
    {
        string nfproj = File.ReadAllText(Firmware("EdgeMicro.Firmware.nfproj"));
        var patterns = CompileRegex().Matches(nfproj).Select(m => m.Groups[1].Value.Replace('\\', '/')).ToList();
        string root = Firmware();
        var files = Directory.GetFiles(root, "*.cs", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(root, f).Replace('\\', '/')).ToList();

        Assert.NotEmpty(files);
        Assert.All(files, f => Assert.Contains(patterns, p => p == f || (p.EndsWith("/*.cs", StringComparison.Ordinal) && Path.GetDirectoryName(f)!.Replace('\\', '/') == p[..^5])));
        Assert.Contains("..\\..\\nfproj.props", nfproj, StringComparison.Ordinal);
        Assert.Contains("..\\EdgeMicro.Core\\EdgeMicro.Core.nfproj", nfproj, StringComparison.Ordinal);
    }

    [GeneratedRegex("<package id=\"([^\"]+)\" version=\"([^\"]+)\"")]
    private static partial Regex PackageRegex();

    [GeneratedRegex(@"packages\\([^\\]+)\\lib\\")]
    private static partial Regex HintRegex();

    [GeneratedRegex("<Compile Include=\"([^\"]+)\"")]
    private static partial Regex CompileRegex();
}
