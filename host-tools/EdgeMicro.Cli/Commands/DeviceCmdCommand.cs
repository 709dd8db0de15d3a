using System.CommandLine;
using System.Text.Json;
using EdgeMicro.Core.Device.Messaging;
using EdgeMicro.Fleet.Publishing;

namespace EdgeMicro.Cli.Commands;

/// <summary><c>edgemicro device cmd NAME</c>: send a command to devices over MQTT and wait for each device's reply.</summary>
internal sealed class DeviceCmdCommand : Command
{
    public DeviceCmdCommand()
        : base("cmd", "Send a command (" + string.Join(", ", DeviceCommands.All) + ") to devices over MQTT and wait for each reply.")
    {
        Arguments.Add(CommandName);
        foreach (Option o in new Option[] { Mqtt, Devices, All, PeriodMs, Timeout, Json })
        {
            Options.Add(o);
        }

        SetAction(parse => CommandRunner.Guard(parse, () => Execute(parse)));
    }

    private Argument<string> CommandName { get; } = new Argument<string>("COMMAND") { Description = "The command: " + string.Join(", ", DeviceCommands.All) + "." }
        .AcceptOnlyFromAmong(DeviceCommands.All);

    private Option<string> Mqtt { get; } = new("--mqtt") { Description = "Broker HOST[:PORT].", Required = true, HelpName = "HOST[:PORT]" };

    private Option<string[]> Devices { get; } = new("--device") { Description = "Target device id (repeatable).", AllowMultipleArgumentsPerToken = true, HelpName = "ID" };

    private Option<bool> All { get; } = new("--all") { Description = "Every device whose retained status says online." };

    private Option<int> PeriodMs { get; } = new Option<int>("--period-ms") { Description = "New sampling period for set-period, milliseconds.", HelpName = "MS" }.Between(0, 86_400_000);

    private Option<double> Timeout { get; } = new Option<double>("--timeout") { Description = "Seconds to wait for each device's reply.", DefaultValueFactory = _ => 10, HelpName = "SECONDS" }.Positive();

    private Option<bool> Json { get; } = new("--json") { Description = "Print each device's reply as JSON." };

    private int Execute(ParseResult parse)
    {
        string name = parse.GetValue(CommandName)!;
        string[] devices = parse.GetValue(Devices) ?? [];
        bool all = parse.GetValue(All);
        if (devices.Length == 0 == !all)
        {
            throw new EdgeMicro.Data.InputDataException("give either --device ID (one or more) or --all");
        }

        int period = parse.GetValue(PeriodMs);
        if ((name == DeviceCommands.SetPeriod) != (period > 0))
        {
            throw new EdgeMicro.Data.InputDataException(name == DeviceCommands.SetPeriod ? "set-period needs --period-ms MS (greater than 0)" : "--period-ms goes only with set-period");
        }

        (string host, int port) = FleetKeyFile.ParseBroker(parse.GetValue(Mqtt)!);
        IReadOnlyList<CommandReply> replies = CommandSender.SendAsync(new CommandRequest
        {
            Host = host, Port = port, Command = name, PeriodMs = period, DeviceIds = devices, AllDevices = all,
            ReplyTimeout = TimeSpan.FromSeconds(parse.GetValue(Timeout)),
        }).GetAwaiter().GetResult();

        TextWriter stdout = parse.InvocationConfiguration.Output;
        if (parse.GetValue(Json))
        {
            stdout.WriteLine(JsonSerializer.Serialize(
                replies.Select(r => new { device = r.DeviceId, command = r.Command, id = r.Id, answered = r.Answered, ok = r.Ok, detail = r.Detail }),
                new JsonSerializerOptions { WriteIndented = true }));
        }
        else
        {
            foreach (CommandReply r in replies)
            {
                stdout.WriteLine($"{r.DeviceId}: {(r.Answered ? (r.Ok ? "ok" : "FAILED") : "NO REPLY")} {r.Command}{(r.Detail.Length > 0 ? ": " + r.Detail : string.Empty)}");
            }
        }

        if (replies.Count == 0)
        {
            parse.InvocationConfiguration.Error.WriteLine("error: no device online (retained status) to send the command to");
            return ExitCodes.CheckFailed;
        }

        return replies.All(r => r.Answered) ? (replies.All(r => r.Ok) ? ExitCodes.Success : ExitCodes.CheckFailed) : ExitCodes.DeviceError;
    }
}
