
using EdgeMicro.TestKit.Il;
using Microsoft.CodeAnalysis;
using Xunit.Abstractions;

namespace EdgeMicro.Firmware.Build.Tests;

/// <summary>
/// The device build, checked on Linux: the stub assemblies, the portable core (with the generated weight table and
/// kernel of the app's Models/) and the firmware app compile against the real nanoFramework mscorlib 1.17.11 with the
/// .nfproj's settings and 0 errors, 0 warnings; what compiles also stays inside what the v1 interpreter runs.
/// </summary>
public sealed class FirmwareBuildTests
{
    private readonly ITestOutputHelper _output;

    public FirmwareBuildTests(ITestOutputHelper output)
    {
        _output = output;
    }

    public static TheoryData<string> StubNames => new(NanoBuild.StubReferences.Keys);

    [Theory]
    [MemberData(nameof(StubNames))]
    public void Stub_WhenCompiledAgainstTheRealMscorlib_HasNoDiagnostics(string assemblyName)
    {
        NanoBuild.Result stub = NanoBuild.Stub(assemblyName);

        _output.WriteLine(stub.Report);
        Assert.True(stub.Diagnostics.IsEmpty, stub.Report);
        Assert.True(stub.SourceCount > 0);
    }

    [Fact]
    public void Core_WhenCompiledAgainstTheRealMscorlib_HasNoDiagnostics()
    {
        NanoBuild.Result core = NanoBuild.Core();

        _output.WriteLine(core.Report + "\n(" + core.SourceCount + " files)");
        Assert.True(core.Diagnostics.IsEmpty, core.Report);
        Assert.True(core.SourceCount > 50, "the .projitems wildcard found only " + core.SourceCount + " files");
    }

    [Fact]
    public void App_WhenCompiledAgainstTheRealMscorlibAndTheStubs_HasNoDiagnostics()
    {
        NanoBuild.Result app = NanoBuild.App(NanoBuild.Core());

        _output.WriteLine(app.Report + "\n(" + app.SourceCount + " files)");
        Assert.True(app.Diagnostics.IsEmpty, app.Report);
        Assert.Contains(NanoBuild.Nfproj.Load(Path.Combine(NanoBuild.FirmwareDirectory, "EdgeMicro.Firmware", "EdgeMicro.Firmware.nfproj")).SourceFiles, f => f.EndsWith("Model.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void CoreAndApp_WhenScanned_UseNoConstructTheV1InterpreterCannotRun()
    {
        NanoBuild.Result core = NanoBuild.Core();
        NanoBuild.Result app = NanoBuild.App(core);

        foreach (NanoBuild.Result built in new[] { core, app })
        {
            Assert.NotEmpty(built.Image);
            string path = Path.Combine(Path.GetTempPath(), "edgemicro-nano-" + Environment.ProcessId + "-" + built.Name + ".dll");
            File.WriteAllBytes(path, built.Image);
            try
            {
                SubsetScanner scan = SubsetScanner.Scan(path);
                Assert.True(scan.Violations.Count == 0, built.Name + " uses constructs nanoFramework v1 cannot run:\n" + string.Join("\n", scan.Violations));
                Assert.NotEmpty(scan.UsedByCode);
            }
            finally
            {
                File.Delete(path);
            }
        }
    }

    [Theory]
    [InlineData("MqttReasonCode c = MqttReasonCode.IdentifierRejected;")]
    [InlineData("MqttReasonCode c = MqttReasonCode.BadUsernameOrPassword;")]
    [InlineData("Parity p = Parity.Mark;")]
    [InlineData("StopBits s = StopBits.None;")]
    [InlineData("GpioPin p = new GpioPin();")]
    [InlineData("AdcChannel c = new AdcChannel();")]
    [InlineData("MqttMsgPublishEventArgs e = new MqttMsgPublishEventArgs();")]
    [InlineData("SpanByte b = new SpanByte(new byte[1]); byte[] noFileWriteAll = null; File.WriteAllText(\"x\", \"y\");")]
    [InlineData("byte d = (byte)MqttQoSLevel.AtLeastOnce; MqttClient.MqttMsgPublishEventHandler h = null;")]
    public void AppCode_WhenUsingApiTheRealLibrariesLack_FailsToCompile(string statement)
    {
        string source = "using System; using System.IO; using System.IO.Ports; using System.Device.Gpio; using System.Device.Adc;"
            + " using nanoFramework.M2Mqtt; using nanoFramework.M2Mqtt.Messages;"
            + " static class Canary { static void Use() { " + statement + " } }";
        string file = Path.Combine(Path.GetTempPath(), "edgemicro-canary-" + Guid.NewGuid().ToString("N") + ".cs");
        File.WriteAllText(file, source);
        try
        {
            var references = new List<MetadataReference> { NanoBuild.Mscorlib };
            references.AddRange(NanoBuild.StubReferences.Keys.Select(n => NanoBuild.Stub(n).Reference));
            NanoBuild.Result canary = NanoBuild.Compile("Canary", [file], references, OutputKind.DynamicallyLinkedLibrary, ["NANOFRAMEWORK_1_0"], DocumentationMode.Parse);

            _output.WriteLine(canary.Report);
            Assert.Contains(canary.Diagnostics, d => d.Severity == DiagnosticSeverity.Error);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
