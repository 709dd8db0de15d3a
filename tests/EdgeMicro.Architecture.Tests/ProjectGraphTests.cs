namespace EdgeMicro.Architecture.Tests;

/// <summary>
/// Who may reference whom. The command line is a thin shell over libraries split by job: the converter
/// (EdgeMicro.Conversion: ONNX, Roslyn, Cecil), the fleet/rig side (EdgeMicro.Fleet: SQLite, MQTT, serial), the
/// virtual device (EdgeMicro.Device), the serial link (EdgeMicro.Serial) and shared inputs (EdgeMicro.Data), all
/// over the firmware core.
/// </summary>
public sealed class ProjectGraphTests
{
    private static readonly ProjectGraph Graph = ProjectGraph.Load();

    [Fact]
    public void Cli_IsReferencedByNoProductionProject()
    {
        string[] offenders = [.. Graph.Projects.Where(p => p.IsProduction && p.ProjectReferences.Contains("EdgeMicro.Cli")).Select(p => p.Name)];
        Assert.Empty(offenders);
    }

    [Fact]
    public void FirmwareCoreDesktop_ReferencesNothing()
    {
        ProjectNode core = Graph["EdgeMicro.Core.Desktop"];
        Assert.Empty(core.ProjectReferences);
        Assert.Empty(core.Packages);
    }

    [Theory]
    [InlineData("EdgeMicro.Device")]
    [InlineData("EdgeMicro.Fleet")]
    [InlineData("EdgeMicro.Serial")]
    [InlineData("EdgeMicro.Data")]
    public void DeviceAndFleetSide_DoesNotReachTheConverter(string project)
    {
        IReadOnlySet<string> reached = Graph.Closure(project);
        Assert.DoesNotContain("EdgeMicro.Conversion", reached);
        Assert.DoesNotContain("EdgeMicro.Onnx", reached);
        Assert.DoesNotContain("EdgeMicro.IlCounting", reached);
        IReadOnlySet<string> packages = Graph.PackageClosure(project);
        Assert.DoesNotContain("Microsoft.CodeAnalysis.CSharp", packages);
        Assert.DoesNotContain("Mono.Cecil", packages);
        Assert.DoesNotContain("Google.Protobuf", packages);
    }

    [Fact]
    public void VirtualDevice_DoesNotReachFleetOrStore()
    {
        IReadOnlySet<string> reached = Graph.Closure("EdgeMicro.Device");
        Assert.DoesNotContain("EdgeMicro.Fleet", reached);
        Assert.DoesNotContain("Microsoft.Data.Sqlite", Graph.PackageClosure("EdgeMicro.Device"));
    }

    /// <summary>
    /// The small shared libraries reach only the core and each other, and no package except, for EdgeMicro.Serial,
    /// System.IO.Ports: the one serial port implementation for Linux, macOS and Windows hosts (it replaced the
    /// project's own Linux-only termios code).
    /// </summary>
    [Theory]
    [InlineData("EdgeMicro.Serial", "System.IO.Ports")]
    [InlineData("EdgeMicro.Data")]
    public void SmallSharedLibraries_ReachOnlyTheCoreAndEachOther(string project, params string[] allowedPackages)
    {
        Assert.All(Graph.Closure(project), r => Assert.Contains(r, new[] { "EdgeMicro.Core.Desktop", "EdgeMicro.Data" }));
        Assert.Equal(allowedPackages.Order(), Graph.PackageClosure(project).Order());
    }

    /// <summary>Host MQTT is MQTTnet behind one thin wrapper; the own MQTT client (EdgeMicro.Mqtt) is gone.</summary>
    [Fact]
    public void HostMqtt_IsMqttNetBehindTheMessagingLibraryOnly()
    {
        Assert.DoesNotContain(Graph.Projects, p => p.Name == "EdgeMicro.Mqtt" || p.Name == "EdgeMicro.Mqtt.Tests");
        Assert.Empty(Graph.Closure("EdgeMicro.Messaging"));
        Assert.Contains("MQTTnet", Graph.PackageClosure("EdgeMicro.Messaging"));
        string[] direct = [.. Graph.Projects.Where(p => p.IsProduction && p.Packages.Contains("MQTTnet")).Select(p => p.Name)];
        Assert.Equal(["EdgeMicro.Messaging"], direct);
        Assert.Contains("EdgeMicro.Messaging", Graph.Closure("EdgeMicro.Device"));
        Assert.Contains("EdgeMicro.Messaging", Graph.Closure("EdgeMicro.Fleet"));
    }

    [Fact]
    public void ProductionProjects_GrantInternalsOnlyToTheirOwnTestProject()
    {
        var grants = Graph.Projects.Where(p => p.IsProduction)
            .SelectMany(p => p.InternalsVisibleTo.Select(to => (p.Name, to)))
            .Where(g => g.to != g.Name + ".Tests")
            .Select(g => $"{g.Name} -> {g.to}")
            .ToArray();
        Assert.Empty(grants);
    }

    /// <summary>
    /// Test projects test libraries; only the projects whose tests run `edgemicro` commands end to end (in process,
    /// through EdgeMicroApp.Run) reference the executable.
    /// </summary>
    [Fact]
    public void TestProjects_ReferenceTheExecutable_OnlyToRunCommandsEndToEnd()
    {
        string[] endToEnd = ["EdgeMicro.Cli.Tests", "EdgeMicro.Serial.Tests", "EdgeMicro.Stats.Tests"];
        string[] offenders = [.. Graph.Projects
            .Where(p => !p.IsProduction && !endToEnd.Contains(p.Name) && p.ProjectReferences.Contains("EdgeMicro.Cli"))
            .Select(p => p.Name)];
        Assert.Empty(offenders);
        foreach (string name in endToEnd)
        {
            string[] sources = [.. Directory.EnumerateFiles(Path.GetDirectoryName(Graph[name].Path)!, "*.cs", SearchOption.AllDirectories)
                .Where(f => !f.Contains("/obj/", StringComparison.Ordinal))];
            Assert.True(
                sources.Any(f => File.ReadAllText(f).Contains("EdgeMicroApp.Run", StringComparison.Ordinal)),
                $"{name} references the executable but runs no command");
        }
    }

    [Fact]
    public void EveryProject_IsInTheSolution()
    {
        string sln = File.ReadAllText(RepoPaths.Combine("EdgeMicro.sln")).Replace('\\', '/');
        string[] missing = [.. Graph.Projects.Where(p => !sln.Contains(p.RelativePath, StringComparison.Ordinal)).Select(p => p.RelativePath)];
        Assert.Empty(missing);
    }
}
