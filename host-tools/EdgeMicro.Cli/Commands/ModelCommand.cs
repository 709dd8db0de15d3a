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
            foreach (Option o in new Option[] { Mqtt, Devices, All, Key, Timeout, ChunkSize })
            {
                Options.Add(o);
            }

            SetAction(parse => CommandRunner.Guard(parse, () => Execute(parse)));
        }

        private Argument<string> Blob { get; } = new("DIR|model.emm") { Description = "The .emm blob, or the directory `edgemicro convert` wrote." };

        private Option<string> Mqtt { get; } = new("--mqtt") { Description = "Broker HOST[:PORT].", Required = true };

        private Option<string[]> Devices { get; } = new("--device") { Description = "Target device id (repeatable).", AllowMultipleArgumentsPerToken = true };

        private Option<bool> All { get; } = new("--all") { Description = "Every device whose retained status says online." };

        private Option<string> Key { get; } = new("--key") { Description = "File holding the fleet key as hex.", Required = true };

        private Option<double> Timeout { get; } = new("--timeout") { Description = "Seconds to wait for each device's verdict.", DefaultValueFactory = _ => 30 };

        private Option<int> ChunkSize { get; } = new("--chunk-size") { Description = "Bytes per chunk.", DefaultValueFactory = _ => UpdatePackage.DefaultChunkSize };

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
            foreach (UpdateVerdict v in verdicts)
            {
                stdout.WriteLine(v.Accepted ? $"{v.DeviceId}: accepted (update {v.UpdateId})" : $"{v.DeviceId}: REJECTED {v.Reason}: {v.Detail}");
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
