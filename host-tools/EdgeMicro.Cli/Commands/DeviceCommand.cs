using System.CommandLine;
using EdgeMicro.Data;
using EdgeMicro.Device;
using EdgeMicro.Device.Fleet;

namespace EdgeMicro.Cli.Commands;

/// <summary><c>edgemicro device run|fleet</c>: the firmware's runtime on simulated hardware (desktop virtual devices).</summary>
internal sealed class DeviceCommand : Command
{
    public DeviceCommand()
        : base("device", "Run virtual devices: the firmware's own runtime with a CSV replay sensor, logged GPIO, I:\\ in a directory and MQTT to a real broker.")
    {
        Subcommands.Add(new RunCommand());
        Subcommands.Add(new FleetCommand());
        Subcommands.Add(new DeviceCmdCommand());
    }

    /// <summary>Options both subcommands share.</summary>
    private abstract class DeviceRunBase : Command
    {
        protected DeviceRunBase(string name, string description)
            : base(name, description)
        {
            foreach (Option o in new Option[] { Config, Replay, Model, Loop, NoLabels, Duration, Quiet })
            {
                Options.Add(o);
            }
        }

        protected Option<string> Config { get; } = new("--config") { Description = "Device configuration JSON (the firmware's I:\\device.json format).", Required = true, HelpName = "device.json" };

        protected Option<string> Replay { get; } = new("--replay") { Description = "CSV of samples to replay (model-input column order; a label column simulates the label button).", Required = true, HelpName = "CSV" };

        protected Option<string> Model { get; } = new("--model", "-m") { Description = "The firmware's compiled-in model: a .emm blob or a directory written by `edgemicro convert`.", Required = true, HelpName = "DIR|FILE.emm" };

        protected Option<bool> Loop { get; } = new("--loop") { Description = "Replay forever instead of stopping after the last row." };

        protected Option<bool> NoLabels { get; } = new("--no-labels") { Description = "Do not give the CSV labels as button presses." };

        protected Option<double?> Duration { get; } = new Option<double?>("--duration") { Description = "Stop after this many seconds.", HelpName = "SECONDS" }.Positive();

        protected Option<bool> Quiet { get; } = new("--quiet") { Description = "No device log on stderr." };

        protected VirtualDeviceOptions BuildOptions(ParseResult parse, string storage) => new()
        {
            // Files first (config, replay, model), then the device starts: a bad input never half-starts a fleet.
            Config = VirtualDeviceOptions.ReadConfig(parse.GetValue(Config)!),
            ReplayPath = parse.GetValue(Replay)!,
            CompiledModel = ModelFile.Load(parse.GetValue(Model)!).Bytes,
            StorageDirectory = storage,
            Loop = parse.GetValue(Loop),
            PressLabels = !parse.GetValue(NoLabels),
            StopWhenDone = !parse.GetValue(Loop),
            Log = parse.GetValue(Quiet) ? null : parse.InvocationConfiguration.Error,
        };

        protected static int RunAll(ParseResult parse, IReadOnlyList<VirtualDevice> devices, double? seconds)
        {
            using var stop = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) =>
            {
                e.Cancel = true;
                stop.Cancel();
            };
            Console.CancelKeyPress += onCancel;
            try
            {
                if (seconds is { } s)
                {
                    stop.CancelAfter(TimeSpan.FromSeconds(s));
                }

                FleetRunner.StartAllAsync(devices).GetAwaiter().GetResult();
                Task.WhenAll(devices.Select(d => d.WaitAsync(stop.Token))).GetAwaiter().GetResult();
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
                Task.WhenAll(devices.Select(d => d.StopAsync(graceful: true))).GetAwaiter().GetResult();
            }

            TextWriter output = parse.InvocationConfiguration.Output;
            foreach (VirtualDevice d in devices)
            {
                output.WriteLine($"{d.DeviceId}: {d.Runtime.SampleCount} samples, model {d.Runtime.Model.Model.ModelId} v{d.Runtime.Model.Model.ModelVersion} ({d.Runtime.Model.SourceName}), {d.Runtime.Published} published, {d.Runtime.Outbox.Count} queued, {d.Runtime.Outbox.Dropped} dropped");
            }

            // Boot publishes the retained status first: a device that published nothing never reached its broker.
            VirtualDevice[] unreached = [.. devices.Where(d => d.Link != null && d.Runtime.Published == 0)];
            if (unreached.Length > 0)
            {
                parse.InvocationConfiguration.Error.WriteLine(
                    $"error: {unreached.Length} of {devices.Count} device(s) never reached the MQTT broker at {unreached[0].Config.MqttHost}:{unreached[0].Config.MqttPort} (is it running? mqtt_host/mqtt_port in --config); their messages stayed queued");
                return ExitCodes.DeviceError;
            }

            return ExitCodes.Success;
        }
    }

    private sealed class RunCommand : DeviceRunBase
    {
        public RunCommand()
            : base("run", "Run one virtual device.")
        {
            Options.Add(Storage);
            Options.Add(Serial);
            SetAction(parse => CommandRunner.Guard(parse, () =>
            {
                string storage = parse.GetValue(Storage) ?? Path.Combine("virtual-devices", VirtualDeviceOptions.ReadConfig(parse.GetValue(Config)!).DeviceId);
                return RunAll(parse, [new VirtualDevice(BuildOptions(parse, storage) with { SerialPort = parse.GetValue(Serial) })], parse.GetValue(Duration));
            }));
        }

        private Option<string?> Serial { get; } = new("--serial", "-p") { Description = "Also serve the framed serial protocol (HELLO, INFER, GET_STATS, PUT_MODEL, ...) on this port, e.g. /dev/pts/N.", HelpName = "PORT" };

        private Option<string?> Storage { get; } = new("--storage") { Description = "Directory standing for the I:\\ drive (default: virtual-devices/<device id>).", HelpName = "DIR" };
    }

    private sealed class FleetCommand : DeviceRunBase
    {
        public FleetCommand()
            : base("fleet", "Run N virtual devices in one process (ids <device_id>-1..N).")
        {
            Options.Add(Count);
            Options.Add(StorageRoot);
            SetAction(parse => CommandRunner.Guard(parse, () =>
            {
                VirtualDeviceOptions template = BuildOptions(parse, "unused");
                return RunAll(parse, FleetRunner.Create(template, parse.GetValue(Count), parse.GetValue(StorageRoot)!), parse.GetValue(Duration));
            }));
        }

        private Option<int> Count { get; } = new Option<int>("--count") { Description = "Number of devices.", Required = true, HelpName = "N" }.Between(1, 100_000);

        private Option<string> StorageRoot { get; } = new("--storage-root") { Description = "Directory for the devices' I:\\ directories.", DefaultValueFactory = _ => "virtual-devices", HelpName = "DIR" };
    }
}
