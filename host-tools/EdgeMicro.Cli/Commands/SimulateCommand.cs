using System.CommandLine;
using System.Globalization;
using EdgeMicro.Fleet.Stats;

namespace EdgeMicro.Cli.Commands;

/// <summary><c>edgemicro stats simulate</c>: lightweight virtual devices publishing statistics reports, for scale runs.</summary>
internal sealed class SimulateCommand : Command
{
    private readonly Option<string?> _mqtt = new("--mqtt") { Description = "MQTT broker HOST[:PORT].", Required = true, HelpName = "HOST[:PORT]" };
    private readonly Option<int> _devices = new Option<int>("--devices") { Description = "Virtual devices (one MQTT connection each).", DefaultValueFactory = _ => 1000, HelpName = "N" }.Between(1, 100_000);
    private readonly Option<int> _first = new Option<int>("--first-device") { Description = "Index of the first device (ids PREFIX-NNNNN), so several processes do not overlap.", DefaultValueFactory = _ => 0, HelpName = "N" }.Between(0, 10_000_000);
    private readonly Option<int> _reports = new Option<int>("--reports") { Description = "Reports per device.", DefaultValueFactory = _ => 5, HelpName = "N" }.Between(1, 1_000_000);
    private readonly Option<string> _prefix = new("--prefix") { Description = "Device id prefix.", DefaultValueFactory = _ => "sim", HelpName = "TEXT" };
    private readonly Option<int> _classes = new Option<int>("--classes") { Description = "Classes of the simulated model.", DefaultValueFactory = _ => ReportShape.Digits.Classes, HelpName = "K" }.Between(2, 64);
    private readonly Option<int> _features = new Option<int>("--features") { Description = "Features of the simulated model.", DefaultValueFactory = _ => ReportShape.Digits.Features, HelpName = "D" }.Between(1, 1024);
    private readonly Option<int> _samples = new Option<int>("--samples") { Description = "Buffered samples per report.", DefaultValueFactory = _ => ReportShape.Digits.Samples, HelpName = "N" }.Between(0, 1024);

    public SimulateCommand()
        : base("simulate", "Scale runs: N virtual devices (each its own MQTT connection) publish M statistics reports each (QoS 1, PUBACK awaited) as fast as the broker takes them.")
    {
        foreach (Option o in new Option[] { _mqtt, _devices, _first, _reports, _prefix, _classes, _features, _samples })
        {
            Options.Add(o);
        }

        SetAction(parse => CommandRunner.Guard(parse, () =>
        {
            var (host, port) = StatsCommand.Endpoint(parse.GetValue(_mqtt)!);
            var shape = new ReportShape(parse.GetValue(_classes), parse.GetValue(_features), parse.GetValue(_samples));
            SimulationResult r = FleetSimulator.RunAsync(host, port, parse.GetValue(_prefix)!, parse.GetValue(_first), parse.GetValue(_devices), parse.GetValue(_reports), shape, CancellationToken.None).GetAwaiter().GetResult();
            parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"published {r.Reports} reports ({r.ReportBytes} bytes each) from {r.Devices} devices: connected in {r.ConnectSeconds:F1} s, published in {r.Seconds - r.ConnectSeconds:F1} s ({r.Reports / Math.Max(0.001, r.Seconds - r.ConnectSeconds):F0} reports/s)"));
            return ExitCodes.Success;
        }));
    }
}
