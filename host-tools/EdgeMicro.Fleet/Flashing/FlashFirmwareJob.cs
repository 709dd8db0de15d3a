using System.Globalization;
using EdgeMicro.Data;

namespace EdgeMicro.Fleet.Flashing;

/// <summary>
/// <c>edgemicro flash firmware</c>: optionally updates nanoCLR (<c>nanoff --update --target T --serialport P</c>),
/// then builds the app's deployment image and deploys it (<c>nanoff --deploy --target T --serialport P --image
/// app.bin [--address A]</c>). Stops at the first nanoff failure and returns its exit code.
/// </summary>
public static class FlashFirmwareJob
{
    /// <summary>Runs the job.</summary>
    /// <param name="options">Options.</param>
    /// <param name="nanoff">The flasher.</param>
    /// <param name="log">Receives progress lines (ours and nanoff's).</param>
    /// <returns>0, or the exit code of the failing nanoff run.</returns>
    public static int Run(FlashFirmwareOptions options, NanoffRunner nanoff, Action<string> log)
    {
        Validate(options);
        if (options.Update)
        {
            string[] update = ["--update", "--target", options.Target, "--serialport", options.Port];
            int code = RunStep("Updating nanoCLR", update, nanoff, log);
            if (code != 0)
            {
                return code;
            }
        }

        if (options.AppDirectory == null)
        {
            return 0;
        }

        var (references, app) = DeploymentImage.FromDirectory(options.AppDirectory, options.AppName);
        byte[] image = DeploymentImage.Build(references, app);
        string imagePath = options.ImagePath ?? Path.Combine(Directory.CreateTempSubdirectory("edgemicro-flash-").FullName, Path.GetFileNameWithoutExtension(app.Name) + ".bin");
        File.WriteAllBytes(imagePath, image);
        log($"Deployment image {imagePath}: {image.Length.ToString(CultureInfo.InvariantCulture)} bytes ({string.Join(", ", references.Select(r => r.Name))}, then {app.Name})");
        var deploy = new List<string> { "--deploy", "--target", options.Target, "--serialport", options.Port, "--image", imagePath };
        if (options.Address != null)
        {
            deploy.AddRange(["--address", options.Address]);
        }

        return RunStep("Deploying the app", deploy, nanoff, log);
    }

    /// <summary>Runs one nanoff step with logging.</summary>
    /// <param name="title">What it does.</param>
    /// <param name="arguments">nanoff arguments.</param>
    /// <param name="nanoff">The flasher.</param>
    /// <param name="log">Progress.</param>
    /// <returns>nanoff's exit code.</returns>
    internal static int RunStep(string title, IReadOnlyList<string> arguments, NanoffRunner nanoff, Action<string> log)
    {
        log(title + ": " + NanoffRunner.Describe(arguments));
        int code = nanoff.Run(arguments, line => log("  nanoff: " + line));
        if (code != 0)
        {
            log($"{title} failed: nanoff exited with code {code.ToString(CultureInfo.InvariantCulture)}");
        }

        return code;
    }

    /// <summary>Checks every option and file before anything runs (also before nanoff is looked up).</summary>
    /// <param name="o">Options.</param>
    /// <exception cref="InputDataException">The first problem found.</exception>
    public static void Validate(FlashFirmwareOptions o)
    {
        if (!o.Update && o.AppDirectory == null)
        {
            throw new InputDataException("nothing to flash: pass --update (nanoCLR firmware) and/or --app DIR (the firmware app's .pe files)");
        }

        if (string.IsNullOrWhiteSpace(o.Target) || !o.Target.All(c => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '-'))
        {
            throw new InputDataException($"--target '{o.Target}' is not a nanoFramework target name (e.g. ESP32_REV3, ESP32_PSRAM_REV3, ESP32_S3; list them with: nanoff --listtargets --platform esp32)");
        }

        if (o.Address != null && !(o.Address.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && uint.TryParse(o.Address.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out _)))
        {
            throw new InputDataException($"--address '{o.Address}' is not a hexadecimal flash address like 0x1B0000");
        }

        if (o.AppDirectory != null)
        {
            InputFiles.RequireDirectory(o.AppDirectory, "--app");
            DeploymentImage.FromDirectory(o.AppDirectory, o.AppName);
        }

        if (o.ImagePath != null && (File.Exists(o.ImagePath) || Directory.Exists(o.ImagePath)))
        {
            throw new InputDataException($"{o.ImagePath}: exists; --image-out never replaces a file (choose a new path)");
        }
    }
}
