using System.CommandLine;
using System.Globalization;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Stats;
using Spectre.Console;

namespace EdgeMicro.Cli.Commands;

/// <summary><c>edgemicro stats pull|show</c>: collect device statistics into the SQLite store and inspect them.</summary>
internal sealed class StatsCommand : Command
{
    public StatsCommand()
        : base("stats", "Collect device statistics (counters, histograms, informative samples) into a SQLite store and show them.")
    {
        Subcommands.Add(new PullCommand());
        Subcommands.Add(new ShowCommand());
    }

    internal static Option<string> Store() => new("--store", "-s") { Description = "SQLite store file.", DefaultValueFactory = _ => StatsStore.DefaultPath, HelpName = "FILE.db" };

    /// <summary>Splits HOST[:PORT].</summary>
    internal static (string Host, int Port) Endpoint(string value)
    {
        int colon = value.LastIndexOf(':');
        if (colon < 0)
        {
            return (value, 1883);
        }

        return int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out int port) && port is > 0 and < 65536
            ? (value[..colon], port)
            : throw new InputDataException($"--mqtt {value}: expected HOST[:PORT]");
    }

    private sealed class PullCommand : Command
    {
        private readonly Option<string?> _mqtt = new("--mqtt") { Description = "MQTT broker HOST[:PORT] (default port 1883).", HelpName = "HOST[:PORT]" };
        private readonly Option<string?> _serial = new("--serial", "-p") { Description = "Serial port of a test rig (framed serial protocol): pull that one device's report instead of MQTT.", HelpName = "PORT" };
        private readonly Option<string?> _device = new("--device") { Description = "Pull only this device id.", HelpName = "ID" };
        private readonly Option<bool> _all = new("--all") { Description = "Pull every device (the default)." };
        private readonly Option<string> _store = Store();
        private readonly Option<double> _idle = new Option<double>("--idle") { Description = "Stop after this many seconds without a report.", DefaultValueFactory = _ => 5, HelpName = "SECONDS" }.Positive();
        private readonly Option<double?> _duration = new Option<double?>("--duration") { Description = "Stop after this many seconds in any case.", HelpName = "SECONDS" }.Positive();
        private readonly Option<string> _clientId = new("--client-id") { Description = "MQTT client id (a persistent session under this id queues reports between pulls).", DefaultValueFactory = _ => "edgemicro-stats-pull", HelpName = "ID" };

        public PullCommand()
            : base("pull", "Subscribe to edgemicro/<id>/stats and store every report (idempotent on device id + report sequence).")
        {
            foreach (Option o in new Option[] { _mqtt, _serial, _device, _all, _store, _idle, _duration, _clientId })
            {
                Options.Add(o);
            }

            SetAction(parse => CommandRunner.Guard(parse, () =>
            {
                string store = parse.GetValue(_store)!;
                StoreFile.Check(store, mustExist: false);
                return StoreFile.RemoveIfCreatedAndFailed(store, () => Execute(parse));
            }));
        }

        private int PullSerial(ParseResult parse, string serial, TextWriter stdout, TextWriter stderr)
        {
            if (parse.GetValue(_mqtt) != null)
            {
                throw new InputDataException("--serial and --mqtt exclude each other");
            }

            using var store = new StatsStore(parse.GetValue(_store)!);
            using var port = EdgeMicro.Serial.SystemSerialPort.Open(serial);
            PullResult r;
            try
            {
                r = SerialStatsPuller.Pull(port, store, parse.GetValue(_device), line => stderr.WriteLine("  " + line));
            }
            catch (EdgeMicro.Serial.DeviceLinkException e)
            {
                throw new InputDataException($"{serial}: {e.Message}", e);
            }

            var (reports, samples) = store.Count();
            stdout.WriteLine($"stored {r.Stored} new reports, {r.Duplicates} already stored, from {string.Join(", ", r.Devices)}; store {store.FilePath}: {reports} reports, {samples} samples");
            return ExitCodes.Success;
        }

        private int Execute(ParseResult parse)
        {
            TextWriter stdout = parse.InvocationConfiguration.Output, stderr = parse.InvocationConfiguration.Error;
            if (parse.GetValue(_serial) is { } serial)
            {
                return PullSerial(parse, serial, stdout, stderr);
            }

            string mqtt = parse.GetValue(_mqtt) ?? throw new InputDataException("give the broker with --mqtt HOST[:PORT]");
            string? device = parse.GetValue(_device);
            if (device != null && parse.GetValue(_all))
            {
                throw new InputDataException("--device and --all exclude each other");
            }

            var (host, port) = Endpoint(mqtt);
            double? duration = parse.GetValue(_duration);
            var options = new PullOptions
            {
                Host = host, Port = port, DeviceId = device, ClientId = parse.GetValue(_clientId)!,
                Idle = TimeSpan.FromSeconds(parse.GetValue(_idle)), Duration = duration is { } d ? TimeSpan.FromSeconds(d) : null,
            };
            using var store = new StatsStore(parse.GetValue(_store)!);
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                cancel.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                PullResult r = StatsPuller.PullAsync(options, store, line => stderr.WriteLine("  " + line), cancel.Token).GetAwaiter().GetResult();
                var (reports, samples) = store.Count();
                stdout.WriteLine($"received {r.Received}, stored {r.Stored} new reports, {r.Duplicates} already stored, {r.Invalid} invalid, from {r.Devices.Count} devices; store {store.FilePath}: {reports} reports, {samples} samples");
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }

            return ExitCodes.Success;
        }
    }

    private sealed class ShowCommand : Command
    {
        private readonly Option<string?> _device = new("--device") { Description = "Show only this device (and its merge).", HelpName = "ID" };
        private readonly Option<string> _store = Store();
        private readonly Option<bool> _json = new("--json") { Description = "Print JSON instead of tables." };

        public ShowCommand()
            : base("show", "Show stored statistics per device and merged over all devices, per model version.")
        {
            Options.Add(_device);
            Options.Add(_store);
            Options.Add(_json);
            SetAction(parse => CommandRunner.Guard(parse, () => Execute(parse)));
        }

        private int Execute(ParseResult parse)
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            string path = parse.GetValue(_store)!;
            StoreFile.Check(path, mustExist: true);
            using var store = new StatsStore(path);
            IReadOnlyList<DeviceSummary> rows = StatsSummary.Build(store.Reports(parse.GetValue(_device)));
            if (parse.GetValue(_json))
            {
                stdout.WriteLine(StatsSummary.ToJson(rows));
                return ExitCodes.Success;
            }

            IAnsiConsole console = CommandRunner.Console(stdout);
            foreach (var model in rows.GroupBy(r => (r.ModelId, r.ModelVersion)))
            {
                var table = new Table().Title($"{model.Key.ModelId} v{model.Key.ModelVersion}")
                    .AddColumns("device", "reports", "inferences", "labels", "accuracy (labelled)", "mean conf.", "drift alarms", "samples", "predicted classes");
                foreach (DeviceSummary s in model)
                {
                    table.AddRow(Markup.Escape(s.DeviceId), s.Reports.ToString(CultureInfo.InvariantCulture), s.Counters.InferenceCount.ToString("N0", CultureInfo.InvariantCulture),
                        s.Counters.LabelCount.ToString(CultureInfo.InvariantCulture), s.LabelledAccuracy?.ToString("P1", CultureInfo.InvariantCulture) ?? "-", s.MeanConfidence.ToString("F3", CultureInfo.InvariantCulture),
                        s.DriftAlarms.ToString(CultureInfo.InvariantCulture), s.Samples.ToString(CultureInfo.InvariantCulture), string.Join(" ", s.Counters.Predicted));
                }

                console.Write(table);
            }

            if (rows.Count == 0)
            {
                stdout.WriteLine("no statistics stored");
            }

            return ExitCodes.Success;
        }
    }
}
