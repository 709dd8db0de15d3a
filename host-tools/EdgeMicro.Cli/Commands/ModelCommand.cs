using System.CommandLine;
using EdgeMicro.Data;
using EdgeMicro.Device;
using EdgeMicro.Fleet.Publishing;

namespace EdgeMicro.Cli.Commands;

/// <summary><c>edgemicro model publish</c>: over-the-air model update to devices over MQTT.</summary>
internal sealed class ModelCommand : Command
{
    public ModelCommand()
        : base("model", "Model updates over the air.")
    {
        Subcommands.Add(new PublishCommand());
    }

    private sealed class PublishCommand : Command
    {
        public PublishCommand()
            : base("publish", "Send a model blob (manifest signed with the fleet key, chunks, commit) and wait for each device's accepted/rejected event.")
        {
            Arguments.Add(Blob);
            foreach (Option o in new Option[] { Mqtt, Devices, All, Key, DowngradeFrom, Timeout, ChunkSize, Json })
            {
                Options.Add(o);
            }

            SetAction(parse => CommandRunner.Guard(parse, () => Execute(parse)));
        }

        private Argument<string> Blob { get; } = new("MODEL") { Description = "The .emm blob, or the directory `edgemicro convert` wrote.", HelpName = "DIR|FILE.emm" };

        private Option<string> Mqtt { get; } = new("--mqtt") { Description = "Broker HOST[:PORT].", Required = true, HelpName = "HOST[:PORT]" };

        private Option<string[]> Devices { get; } = new("--device") { Description = "Target device id (repeatable).", AllowMultipleArgumentsPerToken = true, HelpName = "ID" };

        private Option<bool> All { get; } = new("--all") { Description = "Every device whose retained status says online." };

        private Option<string> Key { get; } = new("--key", "-k") { Description = "File holding the fleet key as hex.", Required = true, HelpName = "FILE" };

        private Option<int> DowngradeFrom { get; } = new Option<int>("--downgrade-from") { Description = "Allow one deliberate downgrade: a device whose anti-rollback floor is exactly this version accepts this older model once (the floor is signed into the manifest). Default: no downgrade.", HelpName = "VERSION" }.AtLeast(1);

        private Option<double> Timeout { get; } = new Option<double>("--timeout") { Description = "Seconds to wait for each device's verdict.", DefaultValueFactory = _ => 30, HelpName = "SECONDS" }.Positive();

        private Option<bool> Json { get; } = new("--json") { Description = "Print each device's verdict as JSON." };

        private Option<int> ChunkSize { get; } = new Option<int>("--chunk-size") { Description = "Bytes per chunk.", DefaultValueFactory = _ => UpdatePackage.DefaultChunkSize, HelpName = "BYTES" }.Between(16, UpdatePackage.MaxChunkSize);

        private int Execute(ParseResult parse)
        {
            string[] devices = parse.GetValue(Devices) ?? [];
            bool all = parse.GetValue(All);
            if (devices.Length == 0 == !all)
            {
                throw new EdgeMicro.Data.InputDataException("give either --device ID (one or more) or --all.");
            }

            (string host, int port) = FleetKeyFile.ParseBroker(parse.GetValue(Mqtt)!);
            var request = new PublishRequest
            {
                Host = host, Port = port, Blob = ModelFile.Load(parse.GetValue(Blob)!).Bytes, FleetKey = FleetKeyFile.Read(parse.GetValue(Key)!),
                DeviceIds = devices, AllDevices = all, VerdictTimeout = TimeSpan.FromSeconds(parse.GetValue(Timeout)), ChunkSize = parse.GetValue(ChunkSize),
                DowngradeFrom = parse.GetResult(DowngradeFrom) == null ? 0u : (uint)parse.GetValue(DowngradeFrom),
            };
            TextWriter stdout = parse.InvocationConfiguration.Output, stderr = parse.InvocationConfiguration.Error;
            var progress = new SynchronousProgress(p =>
            {
                if (p.Stage != "sending" || p.ChunksSent == p.ChunkCount || p.ChunksSent % Math.Max(1, p.ChunkCount / 4) == 0)
                {
                    stderr.WriteLine($"  {p.DeviceId}: {p.Stage} {p.ChunksSent}/{p.ChunkCount} chunks");
                }
            });
            IReadOnlyList<UpdateVerdict> verdicts = ModelPublisher.PublishAsync(request, progress).GetAwaiter().GetResult();
            if (parse.GetValue(Json))
            {
                stdout.WriteLine(System.Text.Json.JsonSerializer.Serialize(
                    verdicts.Select(v => new { device = v.DeviceId, update = v.UpdateId, accepted = v.Accepted, reason = v.Reason, detail = v.Detail }),
                    new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
            }
            else
            {
                foreach (UpdateVerdict v in verdicts)
                {
                    stdout.WriteLine(v.Accepted ? $"{v.DeviceId}: accepted (update {v.UpdateId})" : $"{v.DeviceId}: REJECTED {v.Reason}: {v.Detail}");
                }
            }

            if (verdicts.Count == 0)
            {
                stderr.WriteLine("no devices found");
            }

            return verdicts.Count > 0 && verdicts.All(v => v.Accepted) ? ExitCodes.Success : ExitCodes.CheckFailed;
        }

        private sealed class SynchronousProgress(Action<PublishProgress> report) : IProgress<PublishProgress>
        {
            private readonly Lock _gate = new();

            public void Report(PublishProgress value)
            {
                lock (_gate)
                {
                    report(value);
                }
            }
        }
    }
}
