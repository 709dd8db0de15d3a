using System.Text.RegularExpressions;

namespace EdgeMicro.Firmware.Build.Tests;

/// <summary>
/// The device's file names are defined once (firmware/EdgeMicro.Core/Device/Storage/DeviceFiles.cs): the firmware app
/// names none of its own, so what flashing deploys (FileDeployment, which uses the same constants) is what boot reads.
/// </summary>
public sealed partial class DeviceFilesTests
{
    private static string Program => File.ReadAllText(RepoPaths.Combine("firmware", "EdgeMicro.Firmware", "Program.cs"));

    [Fact]
    public void Program_WhenBooting_ReadsTheConfigurationNamedByDeviceFiles()
    {
        Assert.Contains("new FileStorage(DeviceFiles.Drive)", Program, StringComparison.Ordinal);
        Assert.Contains("DeviceConfigLoader.Load(storage, DeviceFiles.Config,", Program, StringComparison.Ordinal);
    }

    [Fact]
    public void FirmwareApp_NamesNoDriveFileOfItsOwn()
    {
        string[] literals = [.. Directory.EnumerateFiles(RepoPaths.Combine("firmware", "EdgeMicro.Firmware"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal))
            .SelectMany(f => FileLiteral().Matches(File.ReadAllText(f)).Select(m => Path.GetFileName(f) + ": " + m.Value))];
        Assert.Empty(literals);
    }

    [GeneratedRegex("\"[^\"\\n]*\\.(json|emm|cnt|tmp)\"")]
    private static partial Regex FileLiteral();
}
