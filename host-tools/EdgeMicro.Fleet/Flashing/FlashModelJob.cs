using EdgeMicro.Core.Protocol;
using EdgeMicro.Data;
using EdgeMicro.Serial;

namespace EdgeMicro.Fleet.Flashing;

/// <summary>Options of <c>edgemicro flash model</c>.</summary>
public sealed class FlashModelOptions
{
    /// <summary>Gets or sets the .emm file or the converter's output directory.</summary>
    public required string ModelPath { get; set; }

    /// <summary>Gets or sets the device's USB (debugger) port nanoff writes through.</summary>
    public required string Port { get; set; }

    /// <summary>Gets or sets a device configuration JSON file to deploy as I:\device.json, or null.</summary>
    public string? ConfigPath { get; set; }

    /// <summary>Gets or sets where deploy.json is written (default: a temporary directory).</summary>
    public string? WorkDirectory { get; set; }

    /// <summary>Gets or sets the device's serial test link (second UART) used to verify the new model, or null to skip.</summary>
    public Func<ISerialPort>? OpenVerifyPort { get; set; }

    /// <summary>Gets or sets how long to wait for the device to report the new model.</summary>
    public TimeSpan VerifyTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// <c>edgemicro flash model</c>: validates the blob with the firmware's own <c>ModelBlobReader</c>, writes nanoff's
/// file-deployment JSON (model to I:\model.emm, optional config to I:\device.json), runs <c>nanoff --serialport P
/// --filedeployment deploy.json</c>, then (with a verify port) polls HELLO until the device reports the new model's
/// id, version and CRC.
/// </summary>
public static class FlashModelJob
{
    /// <summary>Runs the job.</summary>
    /// <param name="options">Options.</param>
    /// <param name="nanoff">The flasher.</param>
    /// <param name="log">Progress lines.</param>
    /// <returns>0, nanoff's non-zero exit code, or throws when verification fails.</returns>
    /// <exception cref="InputDataException">Bad model/config, or the device does not report the new model.</exception>
    public static int Run(FlashModelOptions options, NanoffRunner nanoff, Action<string> log)
    {
        ModelFile model = Validate(options);
        log($"Model {model.Describe}, {model.Bytes.Length} bytes, from {model.Path}");
        var files = new List<(string, string)> { (FileDeployment.ModelDestination, model.Path) };
        if (options.ConfigPath != null)
        {
            files.Add((FileDeployment.ConfigDestination, Path.GetFullPath(options.ConfigPath)));
        }

        string dir = options.WorkDirectory ?? Directory.CreateTempSubdirectory("edgemicro-deploy-").FullName;
        Directory.CreateDirectory(dir);
        string json = Path.Combine(dir, "deploy.json");
        File.WriteAllText(json, FileDeployment.ToJson(options.Port, files));
        int code = FlashFirmwareJob.RunStep("Writing files to the device", ["--serialport", options.Port, "--filedeployment", json], nanoff, log);
        if (code != 0)
        {
            return code;
        }

        if (options.OpenVerifyPort == null)
        {
            log("Not verified: pass --verify-port (the device's serial test link) to check the device runs the new model");
            return 0;
        }

        Verify(model, options.OpenVerifyPort, options.VerifyTimeout, log);
        return 0;
    }

    /// <summary>Checks the port name, the model blob and the configuration before anything runs.</summary>
    /// <param name="options">Options.</param>
    /// <returns>The validated model.</returns>
    /// <exception cref="InputDataException">The first problem found.</exception>
    public static ModelFile Validate(FlashModelOptions options)
    {
        if (string.IsNullOrWhiteSpace(options.Port))
        {
            throw new InputDataException("--port is required (the device's USB port, e.g. /dev/ttyUSB0 or COM5)");
        }

        ModelFile model = ModelFile.Load(options.ModelPath);
        if (options.ConfigPath != null)
        {
            ValidateConfig(options.ConfigPath);
        }

        return model;
    }

    /// <summary>Polls HELLO until the device reports <paramref name="model"/>.</summary>
    /// <param name="model">The expected model.</param>
    /// <param name="open">Opens the device's serial test link.</param>
    /// <param name="timeout">How long to wait (the device may reboot to load the model).</param>
    /// <param name="log">Progress.</param>
    /// <exception cref="VerificationException">The device does not report the model in time.</exception>
    public static void Verify(ModelFile model, Func<ISerialPort> open, TimeSpan timeout, Action<string> log)
    {
        long deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        string last = "no answer";
        using ISerialPort port = open();
        var client = new DeviceClient(port, new DeviceClientOptions { TimeoutMs = 500, Retries = 0 });
        while (true)
        {
            try
            {
                DeviceInfo info = client.Hello();
                if (info.ModelId == model.ModelId && info.ModelVersion == model.ModelVersion && info.ModelCrc == model.ModelCrc)
                {
                    log($"Verified: device {info.DeviceId} runs {model.Describe}");
                    return;
                }

                last = $"device {info.DeviceId} reports {(info.ModelId.Length == 0 ? "no model" : $"{info.ModelId} v{info.ModelVersion} (model CRC 0x{info.ModelCrc:X8})")}";
            }
            catch (DeviceLinkException e)
            {
                last = e.Message;
            }

            if (Environment.TickCount64 >= deadline)
            {
                throw new VerificationException($"the device did not report the new model {model.Describe} within {timeout.TotalSeconds:F0} s on {port.Name}: {last}");
            }

            Thread.Sleep(200);
        }
    }

    private static void ValidateConfig(string path)
    {
        InputFiles.RequireFile(path, "--config");
        try
        {
            // The firmware's own parser: what boot would reject is refused here, before anything is written.
            EdgeMicro.Core.Device.Config.DeviceConfigParser.Parse(File.ReadAllBytes(path));
        }
        catch (EdgeMicro.Core.Device.Config.DeviceFormatException e)
        {
            throw new InputDataException($"{path}: not a valid device configuration: {e.Message}", e);
        }
    }
}
