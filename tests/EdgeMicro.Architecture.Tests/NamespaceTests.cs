using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace EdgeMicro.Architecture.Tests;

/// <summary>Namespaces follow folders: a reader finds a type's file from its namespace, and the other way round.</summary>
public sealed partial class NamespaceTests
{
    /// <summary>
    /// Stand-ins that must carry the namespaces of the real nanoFramework assemblies they mirror, whatever their
    /// folder (they compile the firmware adapters in CI).
    /// </summary>
    private static readonly string[] MirroredNamespaceFolders = ["tests/EdgeMicro.Firmware.Build.Tests/Stubs/"];

    public static TheoryData<string> Projects()
    {
        var data = new TheoryData<string>();
        foreach (string file in ProjectFiles())
        {
            data.Add(Path.GetRelativePath(RepoPaths.Root, file).Replace('\\', '/'));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Projects))]
    public void EverySourceFile_DeclaresTheNamespaceOfItsFolder(string project)
    {
        string file = RepoPaths.Combine(project);
        string directory = Path.GetDirectoryName(file)!;
        string root = RootNamespace(file);
        var wrong = new List<string>();
        foreach (string source in Directory.EnumerateFiles(directory, "*.cs", SearchOption.AllDirectories))
        {
            string relative = Path.GetRelativePath(directory, source).Replace('\\', '/');
            string fromRoot = Path.GetRelativePath(RepoPaths.Root, source).Replace('\\', '/');
            if (relative.StartsWith("obj/", StringComparison.Ordinal) || relative.StartsWith("bin/", StringComparison.Ordinal)
                || MirroredNamespaceFolders.Any(f => fromRoot.StartsWith(f, StringComparison.Ordinal)))
            {
                continue;
            }

            string folder = Path.GetDirectoryName(relative)!.Replace('/', '.');
            string expected = folder.Length == 0 ? root : root + "." + folder;
            foreach (Match m in NamespaceDeclaration().Matches(File.ReadAllText(source)))
            {
                if (m.Groups[1].Value != expected)
                {
                    wrong.Add($"{relative}: namespace {m.Groups[1].Value}, folder says {expected}");
                }
            }
        }

        Assert.Empty(wrong);
    }

    private static IEnumerable<string> ProjectFiles()
    {
        foreach (string top in new[] { "firmware", "host-tools", "tests" })
        {
            foreach (string file in Directory.EnumerateFiles(RepoPaths.Combine(top), "*.*proj*", SearchOption.AllDirectories))
            {
                bool project = file.EndsWith(".csproj", StringComparison.Ordinal) || file.EndsWith(".nfproj", StringComparison.Ordinal) || file.EndsWith(".projitems", StringComparison.Ordinal);
                string name = Path.GetFileNameWithoutExtension(file);
                if (!project || file.Contains("/obj/", StringComparison.Ordinal))
                {
                    continue;
                }

                // The desktop build and the device project of the core compile the .projitems' sources (checked there).
                if (name == "EdgeMicro.Core.Desktop" || (name == "EdgeMicro.Core" && file.EndsWith(".nfproj", StringComparison.Ordinal)))
                {
                    continue;
                }

                // A test project that only links the firmware's sources has none of its own.
                if (!Directory.EnumerateFiles(Path.GetDirectoryName(file)!, "*.cs", SearchOption.AllDirectories).Any(f => !f.Contains("/obj/", StringComparison.Ordinal)))
                {
                    continue;
                }

                yield return file;
            }
        }
    }

    private static string RootNamespace(string projectFile)
    {
        if (projectFile.EndsWith(".projitems", StringComparison.Ordinal))
        {
            return Path.GetFileNameWithoutExtension(projectFile);
        }

        XDocument xml = XDocument.Load(projectFile);
        string? declared = xml.Descendants().FirstOrDefault(e => e.Name.LocalName == "RootNamespace")?.Value;
        return string.IsNullOrWhiteSpace(declared) ? Path.GetFileNameWithoutExtension(projectFile) : declared;
    }

    [GeneratedRegex(@"^\s*namespace\s+([\w.]+)", RegexOptions.Multiline)]
    private static partial Regex NamespaceDeclaration();
}
