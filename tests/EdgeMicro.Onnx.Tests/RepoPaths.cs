namespace EdgeMicro.Onnx.Tests;

/// <summary>Locates repository files (tests only read files inside the repository).</summary>
internal static class RepoPaths
{
    private static readonly Lazy<string> Root = new(FindRoot);

    /// <summary>Repository root: the first ancestor of the test binaries holding EdgeMicro.sln or models/DEVKIT.md.</summary>
    public static string RepoRoot => Root.Value;

    /// <summary>Path of a devkit model directory.</summary>
    /// <param name="model">Model name, e.g. "digits_mlp_dev".</param>
    /// <returns>The directory.</returns>
    public static string ModelDir(string model) => Path.Combine(RepoRoot, "models", model);

    private static string FindRoot()
    {
        string? sourceDir = typeof(RepoPaths).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .Cast<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "EdgeMicroSourceDir")?.Value;

        // The binaries first (the usual in-tree build), then the project source directory (--artifacts-path builds).
        foreach (string? start in new[] { AppContext.BaseDirectory, sourceDir })
        {
            for (DirectoryInfo? dir = start == null ? null : new(start); dir != null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "EdgeMicro.sln"))
                    || File.Exists(Path.Combine(dir.FullName, "models", "DEVKIT.md")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException($"Repository root not found above {AppContext.BaseDirectory} or {sourceDir}.");
    }
}
