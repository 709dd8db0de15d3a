using System.Xml.Linq;

namespace EdgeMicro.Architecture.Tests;

/// <summary>One project file of the solution: its references and grants, read from the XML.</summary>
public sealed class ProjectNode
{
    private ProjectNode(string path, string name, IReadOnlyList<string> projectReferences, IReadOnlyList<string> packages, IReadOnlyList<string> visibleTo, XDocument xml)
    {
        Path = path;
        Name = name;
        ProjectReferences = projectReferences;
        Packages = packages;
        InternalsVisibleTo = visibleTo;
        Xml = xml;
    }

    /// <summary>Absolute path of the project file.</summary>
    public string Path { get; }

    /// <summary>File name without extension, e.g. EdgeMicro.Fleet.</summary>
    public string Name { get; }

    /// <summary>Names of directly referenced projects.</summary>
    public IReadOnlyList<string> ProjectReferences { get; }

    /// <summary>Directly referenced packages.</summary>
    public IReadOnlyList<string> Packages { get; }

    /// <summary>Assemblies granted InternalsVisibleTo.</summary>
    public IReadOnlyList<string> InternalsVisibleTo { get; }

    /// <summary>The project XML.</summary>
    public XDocument Xml { get; }

    /// <summary>Gets a value indicating whether the project ships (under firmware/ or host-tools/).</summary>
    public bool IsProduction => RelativePath.StartsWith("firmware/", StringComparison.Ordinal) || RelativePath.StartsWith("host-tools/", StringComparison.Ordinal);

    /// <summary>Path relative to the repository root, with forward slashes.</summary>
    public string RelativePath => System.IO.Path.GetRelativePath(RepoPaths.Root, Path).Replace('\\', '/');

    /// <summary>Reads a project file.</summary>
    /// <param name="path">Path of the .csproj.</param>
    /// <returns>The node.</returns>
    public static ProjectNode Read(string path)
    {
        XDocument xml = XDocument.Load(path);
        List<string> Items(string kind) => [.. xml.Descendants(kind).Select(e => (string?)e.Attribute("Include")).OfType<string>()];
        List<string> projects = [.. Items("ProjectReference").Select(p => System.IO.Path.GetFileNameWithoutExtension(p.Replace('\\', '/')))];
        return new ProjectNode(path, System.IO.Path.GetFileNameWithoutExtension(path), projects, Items("PackageReference"), Items("InternalsVisibleTo"), xml);
    }
}

/// <summary>Every SDK-style project of the repository and the references between them.</summary>
public sealed class ProjectGraph
{
    private readonly Dictionary<string, ProjectNode> _nodes;

    private ProjectGraph(Dictionary<string, ProjectNode> nodes) => _nodes = nodes;

    /// <summary>All projects.</summary>
    public IEnumerable<ProjectNode> Projects => _nodes.Values;

    /// <summary>Reads every .csproj under firmware/, host-tools/ and tests/.</summary>
    /// <returns>The graph.</returns>
    public static ProjectGraph Load()
    {
        var nodes = new Dictionary<string, ProjectNode>(StringComparer.Ordinal);
        foreach (string top in new[] { "firmware", "host-tools", "tests" })
        {
            foreach (string file in Directory.EnumerateFiles(RepoPaths.Combine(top), "*.csproj", SearchOption.AllDirectories))
            {
                if (file.Contains("/obj/", StringComparison.Ordinal) || file.Contains("/bin/", StringComparison.Ordinal))
                {
                    continue;
                }

                ProjectNode node = ProjectNode.Read(file);
                nodes.Add(node.Name, node);
            }
        }

        return new ProjectGraph(nodes);
    }

    /// <summary>Gets a project by name.</summary>
    /// <param name="name">Project name.</param>
    /// <returns>The node.</returns>
    public ProjectNode this[string name] => _nodes[name];

    /// <summary>Every project reachable from <paramref name="name"/> through project references (itself excluded).</summary>
    /// <param name="name">Project name.</param>
    /// <returns>Names.</returns>
    public IReadOnlySet<string> Closure(string name)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var stack = new Stack<string>(_nodes[name].ProjectReferences);
        while (stack.Count > 0)
        {
            string next = stack.Pop();
            if (seen.Add(next) && _nodes.TryGetValue(next, out ProjectNode? node))
            {
                foreach (string r in node.ProjectReferences)
                {
                    stack.Push(r);
                }
            }
        }

        return seen;
    }

    /// <summary>Every package referenced by <paramref name="name"/> or a project it reaches.</summary>
    /// <param name="name">Project name.</param>
    /// <returns>Package ids.</returns>
    public IReadOnlySet<string> PackageClosure(string name)
    {
        var packages = new HashSet<string>(_nodes[name].Packages, StringComparer.Ordinal);
        foreach (string p in Closure(name))
        {
            if (_nodes.TryGetValue(p, out ProjectNode? node))
            {
                packages.UnionWith(node.Packages);
            }
        }

        return packages;
    }
}
