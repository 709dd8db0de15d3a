using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace EdgeMicro.Firmware.Build.Tests;

/// <summary>
/// packages.config, the .nfproj's References and HintPaths, and the stub assemblies agree: every reference points
/// into a package of packages.config at its version, every stub is an assembly the .nfproj references, and each stub
/// was written from the tag of the package version packages.config names.
/// </summary>
public sealed partial class FirmwareReferencesTests
{
    private static string AppDirectory => Path.Combine(NanoBuild.FirmwareDirectory, "EdgeMicro.Firmware");

    private static NanoBuild.Nfproj App => NanoBuild.Nfproj.Load(Path.Combine(AppDirectory, "EdgeMicro.Firmware.nfproj"));

    private static Dictionary<string, string> Packages() =>
        XDocument.Load(Path.Combine(AppDirectory, "packages.config")).Descendants("package")
            .ToDictionary(p => p.Attribute("id")!.Value, p => p.Attribute("version")!.Value, StringComparer.Ordinal);

    [Fact]
    public void NfprojReferences_WhenComparedWithPackagesConfig_PointIntoItsPackagesAtTheirVersions()
    {
        Dictionary<string, string> packages = Packages();
        var used = new HashSet<string>(StringComparer.Ordinal);

        foreach ((string name, string hint) in App.References)
        {
            (string package, string assembly) = NanoBuild.Nfproj.ParseHint(hint);
            Assert.Equal(name, assembly);
            Assert.Contains(packages, p => p.Key + "." + p.Value == package);
            used.Add(package);
        }

        Assert.Equal(packages.Select(p => p.Key + "." + p.Value).Order(StringComparer.Ordinal), used.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Stubs_WhenComparedWithTheNfproj_AreEachAReferencedAssembly()
    {
        var referenced = App.References.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);
        string[] folders = Directory.GetDirectories(NanoBuild.StubsDirectory).Select(Path.GetFileName).OfType<string>().Order(StringComparer.Ordinal).ToArray();

        Assert.Equal(NanoBuild.StubReferences.Keys.Order(StringComparer.Ordinal), folders);
        Assert.All(folders, f => Assert.Contains(f, referenced));
        Assert.DoesNotContain("mscorlib", folders);
        Assert.Contains("nanoFramework.M2Mqtt.Core", referenced);
    }

    [Fact]
    public void StubHeaders_WhenComparedWithPackagesConfig_NameTheRepositoryAndTheTagOfTheReferencedVersion()
    {
        Dictionary<string, string> packages = Packages();
        var packageOf = App.References.ToDictionary(r => r.Name, r => NanoBuild.Nfproj.ParseHint(r.HintPath).Package, StringComparer.Ordinal);

        foreach (string folder in NanoBuild.StubReferences.Keys)
        {
            string package = packageOf[folder];
            string version = packages.Single(p => package == p.Key + "." + p.Value).Value;
            foreach (string file in Directory.GetFiles(Path.Combine(NanoBuild.StubsDirectory, folder), "*.cs"))
            {
                string header = string.Join("\n", File.ReadLines(file).TakeWhile(l => l.StartsWith("//", StringComparison.Ordinal)));
                Assert.Matches(SourceRegex(), header);
                Assert.Contains("tag v" + version + ":", header.Replace("tag v" + version + ",", "tag v" + version + ":", StringComparison.Ordinal), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public void Packages_WhenChecked_AreVersionsBuiltForMscorlib117()
    {
        // nanoCLR matches assembly references on major.minor: a library built against mscorlib 1.15 does not load
        // next to mscorlib 1.17. System.Device.Adc 1.1.11 was such a build; 1.1.24 is the first for 1.17.11.
        Dictionary<string, string> packages = Packages();

        Assert.Equal("1.17.11", packages["nanoFramework.CoreLibrary"]);
        Assert.True(Version.Parse(packages["nanoFramework.System.Device.Adc"]) >= new Version(1, 1, 24), "System.Device.Adc " + packages["nanoFramework.System.Device.Adc"] + " targets mscorlib 1.15");
        Assert.DoesNotContain(packages.Values, v => v.Contains("preview", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"Source: github\.com/nanoframework/[\w.]+, tag v\d+\.\d+\.\d+")]
    private static partial Regex SourceRegex();
}
