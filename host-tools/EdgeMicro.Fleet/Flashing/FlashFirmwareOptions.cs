namespace EdgeMicro.Fleet.Flashing;

/// <summary>Options of <c>edgemicro flash firmware</c>.</summary>
public sealed class FlashFirmwareOptions
{
    /// <summary>Gets or sets the device's USB serial port (e.g. /dev/ttyUSB0, COM5).</summary>
    public required string Port { get; set; }

    /// <summary>Gets or sets the nanoFramework target name (e.g. ESP32_REV3, ESP32_S3).</summary>
    public required string Target { get; set; }

    /// <summary>Gets or sets the firmware app's build output directory with its .pe files, or null to deploy no app.</summary>
    public string? AppDirectory { get; set; }

    /// <summary>Gets or sets the application assembly name (default: the directory's only .exe).</summary>
    public string? AppName { get; set; }

    /// <summary>Gets or sets a value indicating whether nanoCLR is updated first (nanoff --update).</summary>
    public bool Update { get; set; }

    /// <summary>Gets or sets the deployment region address (hex, e.g. 0x1B0000), or null for nanoff's default.</summary>
    public string? Address { get; set; }

    /// <summary>Gets or sets where the deployment image is written (default: a temporary file).</summary>
    public string? ImagePath { get; set; }
}
