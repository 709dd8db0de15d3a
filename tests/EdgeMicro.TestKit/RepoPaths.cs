using System.Reflection;
using System.Runtime.CompilerServices;

namespace EdgeMicro.TestKit;

/// <summary>Locates the repository root for tests.</summary>
public static class RepoPaths
{
    /// <summary>Optional environment variable that names the repository root explicitly.</summary>
    public const string RootVariable = "EDGEMICRO_REPO_ROOT";

    /// <summary>Assembly metadata key a project may set to its repository root (works with --artifacts-path).</summary>
    public const string RootMetadataKey = "EdgeMicro.RepoRoot";

    private static readonly Lazy<string> LazyRoot = new(() => FindRoot());

    /// <summary>
    /// Absolute path of the repository root: the first directory holding <c>EdgeMicro.sln</c> (or <c>.slnx</c>) or
    /// <c>models/DEVKIT.md</c>, walking up from, in order: $EDGEMICRO_REPO_ROOT, <see cref="AppContext.BaseDirectory"/>,
    /// the <c>EdgeMicro.RepoRoot</c> assembly metadata, this source file's compile-time path, the working directory.
    /// The fallbacks matter when build outputs live outside the repository (dotnet build --artifacts-path /tmp/...).
    /// </summary>
    public static string Root => LazyRoot.Value;

    /// <summary>Joins path parts onto <see cref="Root"/>.</summary>
    /// <param name="parts">Relative path parts, e.g. "models", "digits_mlp_dev".</param>
    /// <returns>The absolute path.</returns>
    public static string Combine(params string[] parts) => Path.Combine([Root, .. parts]);

    private static string FindRoot([CallerFilePath] string sourceFile = "")
    {
        string? metadata = typeof(RepoPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == RootMetadataKey)?.Value;
        string?[] starts =
        [
            Environment.GetEnvironmentVariable(RootVariable), AppContext.BaseDirectory, metadata,
            Path.GetDirectoryName(sourceFile), Environment.CurrentDirectory,
        ];
        foreach (string start in starts.OfType<string>().Where(Path.IsPathRooted))
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "EdgeMicro.sln"))
                    || File.Exists(Path.Combine(dir.FullName, "EdgeMicro.slnx"))
                    || File.Exists(Path.Combine(dir.FullName, "models", "DEVKIT.md")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new InvalidOperationException(
            $"Repository root (EdgeMicro.sln or models/DEVKIT.md) not found above any of: {string.Join(", ", starts.OfType<string>())}. " +
            $"Set {RootVariable} or add <AssemblyMetadata Include=\"{RootMetadataKey}\" Value=\"$(MSBuildThisFileDirectory)\" /> to the test project.");
    }
}
