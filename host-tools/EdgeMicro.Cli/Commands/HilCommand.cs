using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Flashing;
using EdgeMicro.Fleet.Hil;
using EdgeMicro.Serial;
using EdgeMicro.Device.Serial;

namespace EdgeMicro.Cli.Commands;

/// <summary><c>edgemicro hil</c>: device versus host twin on every test vector, over the serial test link.</summary>
internal sealed class HilCommand : Command
{
    private static readonly JsonSerializerOptions JsonOptions = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public HilCommand()
        : base("hil", "Hardware-in-the-loop: run every test vector on the device over its serial test link and require results identical to the host twin; reports accuracy, agreement and on-device latency.")
    {
        foreach (Option o in new Option[] { Port, Virtual, VirtualModel, Model, Test, LabelColumn, Key, Baud, TimeoutMs, Retries, MaxMismatches, Json })
        {
            Options.Add(o);
        }

        SetAction(parse => CommandRunner.Guard(parse, () => Execute(parse)));
    }

    private Option<string?> Port { get; } = new("--port", "-p") { Description = "The device's serial test link (second UART, e.g. /dev/ttyUSB1), not the USB debugger port.", HelpName = "PORT" };

    private Option<bool> Virtual { get; } = new("--virtual") { Description = "Run against an in-process virtual device (the firmware's runtime, model slots and update gate, no broker) instead of hardware." };

    private Option<string?> VirtualModel { get; } = new("--virtual-model") { Description = "Model the virtual device runs (default: --model).", Hidden = true };

    private Option<string> Model { get; } = new("--model", "-m") { Description = "The converter's output directory or a .emm blob: the host twin.", Required = true, HelpName = "DIR|FILE.emm" };

    private Option<string> Test { get; } = new("--test", "-t") { Description = "Test CSV (features in model-input order; label column optional).", Required = true, HelpName = "CSV" };

    private Option<string> LabelColumn { get; } = new("--label-column") { Description = "Name of the label column.", DefaultValueFactory = _ => "label", HelpName = "NAME" };

    private Option<string?> Key { get; } = new("--key", "-k") { Description = "Fleet key file (hex, as for model publish): a device that does not run --model gets it first over the test link, as a signed PUT_MODEL its update gate checks. Without it hil only compares.", HelpName = "FILE" };

    private Option<int> Baud { get; } = new Option<int>("--baud") { Description = "Baud rate.", DefaultValueFactory = _ => 115200, HelpName = "BAUD" }.AtLeast(300);

    private Option<int> TimeoutMs { get; } = new Option<int>("--timeout-ms") { Description = "Response timeout per attempt until round trips are measured, and the longest (then it adapts; a NAK or a corrupted response is resent at once).", DefaultValueFactory = _ => 1000, HelpName = "MS" }.AtLeast(1);

    private Option<int> Retries { get; } = new Option<int>("--retries") { Description = "Retransmissions after a timeout.", DefaultValueFactory = _ => 3, HelpName = "N" }.Between(0, 100);

    private Option<int> MaxMismatches { get; } = new Option<int>("--max-mismatches") { Description = "How many mismatches to list.", DefaultValueFactory = _ => 10, HelpName = "N" }.AtLeast(0);

    private Option<bool> Json { get; } = new("--json") { Description = "Print the report as JSON." };

    private int Execute(ParseResult parse)
    {
        TextWriter stdout = parse.InvocationConfiguration.Output, stderr = parse.InvocationConfiguration.Error;
        string? portName = parse.GetValue(Port);
        bool isVirtual = parse.GetValue(Virtual);
        if ((portName == null) == !isVirtual)
        {
            throw new InputDataException("pass exactly one of --port PORT (a device) and --virtual (the in-process virtual device)");
        }

        if (portName != null && (Directory.Exists(portName) || (File.Exists(portName) && !portName.StartsWith("/dev/", StringComparison.Ordinal))))
        {
            throw new InputDataException($"{portName}: is a {(Directory.Exists(portName) ? "directory" : "regular file")}, not a serial port (--port; see: edgemicro devices)");
        }

        var options = new HilOptions
        {
            ModelPath = parse.GetValue(Model)!,
            TestPath = parse.GetValue(Test)!,
            LabelColumn = parse.GetValue(LabelColumn)!,
            MaxListedMismatches = parse.GetValue(MaxMismatches),
            FleetKey = parse.GetValue(Key) is { } keyFile ? EdgeMicro.Fleet.Publishing.FleetKeyFile.Read(keyFile) : null,
        };
        var inputs = HilRunner.LoadInputs(options); // every file checked before a port is opened or a device started
        var clientOptions = new DeviceClientOptions { TimeoutMs = parse.GetValue(TimeoutMs), Retries = parse.GetValue(Retries) };
        SerialVirtualDevice? device = null;
        ISerialPort port;
        if (isVirtual)
        {
            var (hostEnd, deviceEnd) = MemorySerialPair.Create();
            byte[] blob = ModelFile.Load(parse.GetValue(VirtualModel) ?? options.ModelPath).Bytes;
            device = SerialVirtualDevice.Start(deviceEnd, blob, options.TestPath, options.LabelColumn, fleetKey: options.FleetKey);
            port = hostEnd;
        }
        else
        {
            port = SystemSerialPort.Open(portName!, parse.GetValue(Baud));
        }

        HilReport report;
        try
        {
            var client = new DeviceClient(port, clientOptions);
            Action<string, double> step = CommandRunner.StepPrinter(stderr);
            report = HilRunner.Run(options, client, isVirtual ? "virtual" : port.Name, (done, total) => step("Running test vectors on the device", (double)done / total), inputs);
        }
        finally
        {
            device?.Dispose();
            port.Dispose();
        }

        if (parse.GetValue(Json))
        {
            stdout.WriteLine(JsonSerializer.Serialize(report, JsonOptions));
        }
        else
        {
            Print(stdout, report);
        }

        return report.Passed ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    private static void Print(TextWriter o, HilReport r)
    {
        static string Pct(double? v) => v == null ? "-" : (v.Value * 100).ToString("F2", CultureInfo.InvariantCulture) + " %";
        static string Ms(double v) => v.ToString("F3", CultureInfo.InvariantCulture) + " ms";
        o.WriteLine($"device      {r.DeviceId} on {r.Port}, firmware {r.Firmware}");
        if (r.Installed != null)
        {
            o.WriteLine($"installed    {r.Installed}");
        }

        o.WriteLine($"device model {r.DeviceModel}");
        o.WriteLine($"host model   {r.HostModel}{(r.SameModel ? string.Empty : "   <-- DIFFERENT MODEL")}");
        o.WriteLine($"vectors      {r.Compared} of {r.Vectors} compared, {r.MismatchCount} mismatches");
        o.WriteLine($"accuracy     device {Pct(r.DeviceAccuracy)}, host twin {Pct(r.HostAccuracy)}");
        o.WriteLine($"agreement    class {Pct(r.Agreement)}, bit-exact {Pct(r.ExactMatch)}");
        o.WriteLine($"latency      p50 {Ms(r.LatencyP50Ms)}, p95 {Ms(r.LatencyP95Ms)}, max {Ms(r.LatencyMaxMs)} (on-device ticks)");
        o.WriteLine($"link         {r.LinkFailures} vectors failed on the link, {r.LinkRetries} retries ({r.LinkFastResends} at once after {r.LinkNaks} NAKs or corrupted responses, {r.LinkTimeouts} after timeouts), {r.CorruptFrames} corrupted frames, INFER round trip {r.InferRoundTripMs.ToString("F1", CultureInfo.InvariantCulture)} ms, {r.Seconds.ToString("F1", CultureInfo.InvariantCulture)} s");
        if (r.Problem != null)
        {
            o.WriteLine("problem      " + r.Problem);
        }

        foreach (HilMismatch m in r.FirstMismatches)
        {
            o.WriteLine($"mismatch #{m.Index}{(m.Label >= 0 ? " (label " + m.Label + ")" : string.Empty)} in {m.Field}: host {m.Host} | device {m.Device}");
        }

        o.WriteLine(r.Passed ? "PASS: the device matches the host twin on every vector"
            : !r.SameModel ? "FAIL: the device runs a different model than --model"
            : r.MismatchCount > 0 ? $"FAIL: the device differs from the host twin{(r.LinkFailures > 0 ? $" ({r.LinkFailures} more vectors failed on the link)" : string.Empty)}"
            : r.LinkFailures > 0 ? $"FAIL: {r.LinkFailures} vectors failed on the link (not compared); every compared vector matched"
            : "FAIL: the device differs from the host twin");
    }
}
