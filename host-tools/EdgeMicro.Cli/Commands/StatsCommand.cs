using System.CommandLine;
using System.Globalization;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Stats;
using Spectre.Console;

namespace EdgeMicro.Cli.Commands;

/// <summary><c>edgemicro stats pull|show</c>: collect device statistics into the store (SQLite or PostgreSQL) and inspect them.</summary>
internal sealed class StatsCommand : Command
{
    public StatsCommand()
        : base("stats", "Collect device statistics (counters, histograms, informative samples) into a SQLite file or a PostgreSQL database and show them.")
    {
        Subcommands.Add(new PullCommand());
        Subcommands.Add(new ShowCommand());
        Subcommands.Add(new BenchCommand());
        Subcommands.Add(new SimulateCommand());
    }

    internal static Option<string> Store()
    {
        var option = new Option<string>("--store", "-s")
        {
            Description = $"Statistics store: a SQLite file, or postgres://USER@HOST[:PORT]/DATABASE (password from PGPASSWORD or ~/.pgpass, never here). Default: ${StoreLocation.EnvironmentVariable}, else {StatsStore.DefaultPath}.",
            DefaultValueFactory = _ => StoreLocation.Default(), HelpName = "FILE.db|postgres://...",
        };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && StoreLocation.CommandLineProblem(r.Tokens[0].Value) is { } problem)
            {
                r.AddError(problem);
            }
        });
        return option;
    }

    /// <summary>The --since option of the readers: ISO 8601 (UTC unless an offset is given) or a duration back from now.</summary>
    internal static Option<string?> Since()
    {
        var option = new Option<string?>("--since") { Description = "Only reports that arrived since this time: 2026-12-01T08:00Z (UTC unless an offset is given) or a duration back from now: 90m, 24h, 7d.", HelpName = "TIME|DURATION" };
        option.Validators.Add(r =>
        {
            if (r.Tokens.Count > 0 && StatsQuery.ParseSince(r.Tokens[0].Value, DateTime.UtcNow) == null)
            {
                r.AddError($"--since {r.Tokens[0].Value}: expected a time (2026-12-01T08:00Z) or a duration (90m, 24h, 7d)");
            }
        });
        return option;
    }

    /// <summary>The --devices option of the readers: a comma-separated list of device ids.</summary>
    internal static Option<string?> Devices() => new("--devices") { Description = "Only these devices (comma-separated ids).", HelpName = "ID,ID..." };

    /// <summary>Splits a --devices value.</summary>
    internal static IReadOnlyList<string>? DeviceList(string? value) => value?.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);

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
        private readonly Option<bool> _json = new("--json") { Description = "Print the pull's per-device account as JSON." };
        private readonly Option<string?> _shareGroup = ShareGroup();

        public PullCommand()
            : base("pull", "Subscribe to edgemicro/<id>/stats, results and events; store every report, result, label and event once, then acknowledge it to the broker and the device. Exit 2 when the pull ends with gaps or disconnected.")
        {
            foreach (Option o in new Option[] { _mqtt, _serial, _device, _all, _store, _idle, _duration, _clientId, _shareGroup, _json })
            {
                Options.Add(o);
            }

            SetAction(parse => CommandRunner.Guard(parse, () =>
            {
                StoreLocation store = StoreLocation.Parse(parse.GetValue(_store)!);
                store.Check(mustExist: false);
                return store.Path is { } path ? StoreFile.RemoveIfCreatedAndFailed(path, () => Execute(parse, store)) : Execute(parse, store);
            }));
        }

        private static Option<string?> ShareGroup()
        {
            var option = new Option<string?>("--share-group") { Description = "Share the fleet with the other pullers of this group (MQTT 5 shared subscription $share/NAME/edgemicro/+/...): each message goes to one of them. Give each puller its own --client-id.", HelpName = "NAME" };
            option.Validators.Add(r =>
            {
                if (r.Tokens.Count > 0 && StatsPuller.ShareGroupProblem(r.Tokens[0].Value) is { } problem)
                {
                    r.AddError(problem);
                }
            });
            return option;
        }

        private int PullSerial(ParseResult parse, StoreLocation location, string serial, TextWriter stdout, TextWriter stderr)
        {
            if (parse.GetValue(_mqtt) != null)
            {
                throw new InputDataException("--serial and --mqtt exclude each other");
            }

            using IStatsStore store = location.Open();
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
            stdout.WriteLine($"stored {r.Stored} new reports, {r.Duplicates} already stored, from {string.Join(", ", r.Devices)}; store {store.Location}: {reports} reports, {samples} samples");
            return ExitCodes.Success;
        }

        private int Execute(ParseResult parse, StoreLocation location)
        {
            TextWriter stdout = parse.InvocationConfiguration.Output, stderr = parse.InvocationConfiguration.Error;
            if (parse.GetValue(_serial) is { } serial)
            {
                return PullSerial(parse, location, serial, stdout, stderr);
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
                Host = host, Port = port, DeviceId = device, ClientId = parse.GetValue(_clientId)!, ShareGroup = parse.GetValue(_shareGroup),
                Idle = TimeSpan.FromSeconds(parse.GetValue(_idle)), Duration = duration is { } d ? TimeSpan.FromSeconds(d) : null,
            };
            using IStatsStore store = location.Open();
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                cancel.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                bool json = parse.GetValue(_json);
                PullResult r = StatsPuller.PullAsync(options, store, json ? null : line => stderr.WriteLine("  " + line), cancel.Token).GetAwaiter().GetResult();
                var (reports, samples) = store.Count();
                if (json)
                {
                    stdout.WriteLine(r.ToJson());
                }
                else
                {
                    foreach (DeviceAccount a in r.Accounts)
                    {
                        stdout.WriteLine($"  {a.DeviceId}: received {a.Received}, stored {a.Stored}, duplicates {a.Duplicates}, invalid {a.Invalid}, gaps {a.Gaps}");
                    }

                    stdout.WriteLine($"received {r.Received}, stored {r.Stored} new, {r.Duplicates} already stored, {r.Invalid} invalid, gaps {r.Gaps}, connections lost {r.ConnectionsLost}, from {r.Devices.Count} devices; store {store.Location}: {reports} reports, {samples} samples, {store.CountMessages()} messages");
                }

                if (r.Problem() is { } problem)
                {
                    stderr.WriteLine("error: " + problem);
                    return ExitCodes.CheckFailed;
                }
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }

            return ExitCodes.Success;
        }
    }

    private sealed class BenchCommand : Command
    {
        private readonly Option<string?> _mqtt = new("--mqtt") { Description = "MQTT broker HOST[:PORT].", Required = true, HelpName = "HOST[:PORT]" };
        private readonly Option<int> _devices = new Option<int>("--devices") { Description = "Simulated devices publishing at once.", DefaultValueFactory = _ => 100, HelpName = "N" }.Between(1, 100_000);
        private readonly Option<int> _reports = new Option<int>("--reports") { Description = "Reports per device.", DefaultValueFactory = _ => 50, HelpName = "N" }.Between(1, 1_000_000);
        private readonly Option<string?> _store = new("--store") { Description = "An empty PostgreSQL database (postgres://USER@HOST/DB) to ingest into instead of a fresh SQLite file.", HelpName = "postgres://..." };

        public BenchCommand()
            : base("bench", "Ingest benchmark: devices publish statistics reports as fast as they can while the puller stores them in a fresh SQLite store (or an empty PostgreSQL database).")
        {
            Options.Add(_mqtt);
            Options.Add(_devices);
            Options.Add(_reports);
            Options.Add(_store);
            _store.Validators.Add(r =>
            {
                if (r.Tokens.Count > 0 && (StoreLocation.CommandLineProblem(r.Tokens[0].Value) ?? (StoreLocation.IsPostgresValue(r.Tokens[0].Value) ? null : "--store: stats bench takes a PostgreSQL URL (without it, a fresh SQLite file)")) is { } problem)
                {
                    r.AddError(problem);
                }
            });
            SetAction(parse => CommandRunner.Guard(parse, () =>
            {
                var (host, port) = Endpoint(parse.GetValue(_mqtt)!);
                int devices = parse.GetValue(_devices), reports = parse.GetValue(_reports);
                string dir = Directory.CreateTempSubdirectory("edgemicro-bench-").FullName;
                try
                {
                    StoreLocation store = StoreLocation.Parse(parse.GetValue(_store) ?? Path.Combine(dir, "bench.db"));
                    IngestResult r = IngestBenchmark.RunAsync(host, port, devices, reports, store).GetAwaiter().GetResult();
                    parse.InvocationConfiguration.Output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{r.Stored} of {r.Reports} reports ({r.ReportBytes} bytes each) from {r.Devices} devices stored in {r.Seconds:F2} s (published in {r.PublishSeconds:F2} s): {r.ReportsPerSecond:F0} reports/s"));
                    return r.Stored == r.Reports ? ExitCodes.Success : ExitCodes.CheckFailed;
                }
                finally
                {
                    Directory.Delete(dir, recursive: true); // the fresh temp directory made above: only the bench store
                }
            }));
        }
    }

    private sealed class ShowCommand : Command
    {
        private readonly Option<string?> _device = new("--device") { Description = "Show only this device (and its merge).", HelpName = "ID" };
        private readonly Option<string?> _devices = Devices();
        private readonly Option<string?> _since = Since();
        private readonly Option<string> _store = Store();
        private readonly Option<bool> _json = new("--json") { Description = "Print JSON instead of tables." };

        public ShowCommand()
            : base("show", "Show stored statistics per device and merged over all devices, per model version (read from the store's aggregated windows).")
        {
            Options.Add(_device);
            Options.Add(_devices);
            Options.Add(_since);
            Options.Add(_store);
            Options.Add(_json);
            SetAction(parse => CommandRunner.Guard(parse, () => Execute(parse)));
        }

        private int Execute(ParseResult parse)
        {
            TextWriter stdout = parse.InvocationConfiguration.Output;
            StoreLocation location = StoreLocation.Parse(parse.GetValue(_store)!);
            location.Check(mustExist: true);
            IReadOnlyList<string>? devices = DeviceList(parse.GetValue(_devices));
            if (parse.GetValue(_device) is { } device)
            {
                devices = devices == null ? [device] : throw new InputDataException("--device and --devices exclude each other");
            }

            var query = new StatsQuery { Devices = devices, Since = parse.GetValue(_since) is { } since ? StatsQuery.ParseSince(since, DateTime.UtcNow) : null };
            using IStatsStore store = location.Open();
            IReadOnlyList<DeviceSummary> rows = StatsSummary.Build(store.Windows(query));
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
