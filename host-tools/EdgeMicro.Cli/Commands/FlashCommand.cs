using System.CommandLine;
using EdgeMicro.Data;
using EdgeMicro.Fleet.Flashing;
using EdgeMicro.Serial;

namespace EdgeMicro.Cli.Commands;

/// <summary><c>edgemicro flash firmware|model</c>: drives nanoff to flash nanoCLR, the firmware app and model files.</summary>
internal sealed class FlashCommand : Command
{
    public FlashCommand()
        : base("flash", "Flash a device over USB with nanoff (install: " + NanoffRunner.InstallCommand + "): nanoCLR and the firmware app, or a model blob on the I: drive.")
    {
        Subcommands.Add(new FirmwareCommand());
        Subcommands.Add(new ModelCommand());
    }

    /// <summary>nanoff's own exit code goes into the message; the command exits with <see cref="ExitCodes.DeviceError"/>.</summary>
    private static int NanoffResult(ParseResult parse, int nanoffExitCode)
    {
        if (nanoffExitCode == 0)
        {
            return ExitCodes.Success;
        }

        parse.InvocationConfiguration.Error.WriteLine($"error: nanoff failed with exit code {nanoffExitCode} (its output is above; is the board connected and in download mode?)");
        return ExitCodes.DeviceError;
    }

    private static Option<bool> JsonOption() => new("--json") { Description = "Print what was flashed as JSON on stdout (nanoff's log stays on stderr)." };

    private static void WriteJson(ParseResult parse, Option<bool> json, int code, object result)
    {
        if (code == ExitCodes.Success && parse.GetValue(json))
        {
            parse.InvocationConfiguration.Output.WriteLine(System.Text.Json.JsonSerializer.Serialize(result, new System.Text.Json.JsonSerializerOptions { WriteIndented = true }));
        }
    }

    private static Option<string> PortOption() => new("--port", "-p") { Description = "The device's USB serial port (e.g. /dev/ttyUSB0, COM5; see: edgemicro devices).", Required = true, HelpName = "PORT" };

    private sealed class FirmwareCommand : Command
    {
        public FirmwareCommand()
            : base("firmware", "Update nanoCLR (--update) and/or deploy the firmware app's .pe files (--app DIR) as one deployment image.")
        {
            foreach (Option o in new Option[] { Port, Target, App, AppName, Update, Address, Image, Json })
            {
                Options.Add(o);
            }

            SetAction(parse => CommandRunner.Guard(parse, () =>
            {
                var options = new FlashFirmwareOptions
                {
                    Port = parse.GetValue(Port)!,
                    Target = parse.GetValue(Target)!,
                    AppDirectory = parse.GetValue(App),
                    AppName = parse.GetValue(AppName),
                    Update = parse.GetValue(Update),
                    Address = parse.GetValue(Address),
                    ImagePath = parse.GetValue(Image),
                };
                TextWriter log = parse.InvocationConfiguration.Error;
                FlashFirmwareJob.Validate(options);
                int code = NanoffResult(parse, FlashFirmwareJob.Run(options, NanoffRunner.Locate(), log.WriteLine));
                WriteJson(parse, Json, code, new { port = options.Port, target = options.Target, updated_nanoclr = options.Update, app = options.AppDirectory, image = options.ImagePath });
                return code;
            }));
        }

        private Option<string> Port { get; } = PortOption();

        private Option<bool> Json { get; } = JsonOption();

        private Option<string> Target { get; } = new("--target") { Description = "nanoFramework target, e.g. ESP32_REV3, ESP32_PSRAM_REV3, ESP32_S3 (nanoff --listtargets --platform esp32).", Required = true, HelpName = "TARGET" };

        private Option<string?> App { get; } = new("--app") { Description = "Build output directory of the firmware app (its .pe files and the app .exe).", HelpName = "DIR" };

        private Option<string?> AppName { get; } = new("--app-name") { Description = "Application assembly name when the directory has no single .exe.", HelpName = "NAME" };

        private Option<bool> Update { get; } = new("--update") { Description = "Update nanoCLR (the firmware) before deploying." };

        private Option<string?> Address { get; } = new("--address") { Description = "Deployment region address (hex), when it differs from nanoff's default for the target.", HelpName = "0xADDRESS" };

        private Option<string?> Image { get; } = new("--image-out") { Description = "Also keep the deployment image (.bin) at this path.", HelpName = "FILE.bin" };
    }

    private sealed class ModelCommand : Command
    {
        public ModelCommand()
            : base("model", "Write a model blob (and optionally the device config) to the device's I: drive with nanoff --filedeployment, then verify the device reports it; or (--serial PORT --key FILE) upload it over the serial test link as a signed PUT_MODEL the device's update gate checks.")
        {
            Arguments.Add(Model);
            foreach (Option o in new Option[] { Port, Serial, Key, Config, VerifyPort, Baud, VerifyTimeout, Json })
            {
                Options.Add(o);
            }

            SetAction(parse => CommandRunner.Guard(parse, () =>
            {
                if (parse.GetValue(Serial) is { } serialPort)
                {
                    return OverSerial(parse, serialPort);
                }

                if (parse.GetValue(Key) != null)
                {
                    throw new InputDataException("--key signs an upload over the serial test link: give --serial PORT (nanoff's file deployment over --port is not signed)");
                }

                string? verifyPort = parse.GetValue(VerifyPort);
                int baud = parse.GetValue(Baud);
                var options = new FlashModelOptions
                {
                    ModelPath = parse.GetValue(Model)!,
                    Port = parse.GetValue(Port) ?? throw new InputDataException("give --port PORT (nanoff over USB) or --serial PORT --key FILE (signed upload over the test link)"),
                    ConfigPath = parse.GetValue(Config),
                    OpenVerifyPort = verifyPort == null ? null : () => SystemSerialPort.Open(verifyPort, baud),
                    VerifyTimeout = TimeSpan.FromSeconds(parse.GetValue(VerifyTimeout)),
                };
                TextWriter log = parse.InvocationConfiguration.Error;
                EdgeMicro.Data.ModelFile model = FlashModelJob.Validate(options);
                int code = NanoffResult(parse, FlashModelJob.Run(options, NanoffRunner.Locate(), log.WriteLine));
                WriteJson(parse, Json, code, new
                {
                    port = options.Port, model_id = model.ModelId, model_version = model.ModelVersion, model_crc = $"0x{model.ModelCrc:X8}",
                    model_destination = FileDeployment.ModelDestination, config_destination = options.ConfigPath == null ? null : FileDeployment.ConfigDestination,
                    verified = verifyPort != null,
                });
                return code;
            }));
        }

        /// <summary>flash model --serial PORT --key FILE: every input checked, then the signed upload.</summary>
        private int OverSerial(ParseResult parse, string serialPort)
        {
            if (parse.GetValue(Port) != null || parse.GetValue(Config) != null || parse.GetValue(VerifyPort) != null)
            {
                throw new InputDataException("--serial uploads over the test link: it takes no --port, --config or --verify-port (those are for nanoff's file deployment)");
            }

            string keyFile = parse.GetValue(Key) ?? throw new InputDataException("--serial needs --key FILE: the device refuses unsigned uploads");
            EdgeMicro.Data.ModelFile model = EdgeMicro.Data.ModelFile.Load(parse.GetValue(Model)!);
            byte[] key = EdgeMicro.Fleet.Publishing.FleetKeyFile.Read(keyFile);
            TextWriter log = parse.InvocationConfiguration.Error;
            log.WriteLine($"Model {model.Describe}, {model.Bytes.Length} bytes, from {model.Path}");
            using ISerialPort port = SystemSerialPort.Open(serialPort, parse.GetValue(Baud));
            var client = new DeviceClient(port);
            Action<string, double> step = CommandRunner.StepPrinter(log);
            EdgeMicro.Core.Protocol.DeviceInfo info = SerialModelUpload.Install(client, model, key, (sent, total) => step("Uploading over the test link", (double)sent / total));
            log.WriteLine($"Verified: device {info.DeviceId} runs {model.Describe}");
            WriteJson(parse, Json, ExitCodes.Success, new { serial = port.Name, device = info.DeviceId, model_id = model.ModelId, model_version = model.ModelVersion, model_crc = $"0x{model.ModelCrc:X8}", signed = true, verified = true });
            return ExitCodes.Success;
        }

        private Option<string?> Serial { get; } = new("--serial") { Description = "Upload over the device's serial test link (second UART) instead of nanoff: a signed PUT_MODEL (needs --key).", HelpName = "PORT" };

        private Option<string?> Key { get; } = new("--key", "-k") { Description = "Fleet key file (hex, as for model publish) that signs the --serial upload.", HelpName = "FILE" };

        private Argument<string> Model { get; } = new("MODEL") { Description = "A .emm model blob, or the directory edgemicro convert wrote.", HelpName = "DIR|FILE.emm" };

        private Option<string?> Port { get; } = new("--port", "-p") { Description = "The device's USB serial port nanoff writes through (e.g. /dev/ttyUSB0, COM5; see: edgemicro devices).", HelpName = "PORT" };

        private Option<bool> Json { get; } = JsonOption();

        private Option<string?> Config { get; } = new("--config") { Description = "Device configuration JSON to write as " + FileDeployment.ConfigDestination + ".", HelpName = "device.json" };

        private Option<string?> VerifyPort { get; } = new("--verify-port") { Description = "The device's serial test link (second UART) to check it reports the new model.", HelpName = "PORT" };

        private Option<int> Baud { get; } = new Option<int>("--baud") { Description = "Baud rate of the serial test link.", DefaultValueFactory = _ => 115200, HelpName = "BAUD" }.AtLeast(300);

        private Option<int> VerifyTimeout { get; } = new Option<int>("--verify-timeout") { Description = "Seconds to wait for the device to report the new model.", DefaultValueFactory = _ => 30, HelpName = "SECONDS" }.AtLeast(1);
    }
}
