namespace EdgeMicro.Fleet.Flashing;

/// <summary>A serial port found in sysfs, with its USB identity when it is a USB device.</summary>
/// <param name="DevicePath">/dev path.</param>
/// <param name="VendorId">USB vendor id (4 hex digits, lower case) or null.</param>
/// <param name="ProductId">USB product id or null.</param>
/// <param name="Manufacturer">USB manufacturer string or null.</param>
/// <param name="Product">USB product string or null.</param>
/// <param name="SerialNumber">USB serial number or null.</param>
/// <param name="Bridge">What the VID/PID says (e.g. "Silicon Labs CP210x USB-UART"), or null when unknown.</param>
public sealed record SerialPortCandidate(string DevicePath, string? VendorId, string? ProductId, string? Manufacturer, string? Product, string? SerialNumber, string? Bridge)
{
    /// <summary>Gets a value indicating whether the VID/PID is one ESP32 boards use.</summary>
    public bool LooksLikeEsp32 => Bridge != null;
}

/// <summary>
/// Lists serial ports that look like ESP32 boards by USB vendor/product id, read from sysfs:
/// <c>/sys/class/tty/NAME/device</c> links to the USB interface (ttyACM) or to a port node below it (ttyUSB); the
/// USB device directory with <c>idVendor</c>/<c>idProduct</c>/<c>manufacturer</c>/<c>product</c>/<c>serial</c> is
/// found by walking up from there. Known ids: Espressif native USB (303a:*), Silicon Labs CP210x (10c4:ea60),
/// WCH CH340 (1a86:7523), WCH CH9102 (1a86:55d4), FTDI FT232R (0403:6001).
/// </summary>
public static class UsbSerialScanner
{
    private static readonly (string Vid, string? Pid, string Name)[] Known =
    [
        ("303a", null, "Espressif native USB (ESP32-S2/S3/C3/C6 USB-Serial-JTAG or CDC)"),
        ("10c4", "ea60", "Silicon Labs CP210x USB-UART"),
        ("1a86", "7523", "WCH CH340 USB-UART"),
        ("1a86", "55d4", "WCH CH9102 USB-UART"),
        ("0403", "6001", "FTDI FT232R USB-UART"),
    ];

    /// <summary>Scans sysfs.</summary>
    /// <param name="ttyClassDirectory">The tty class directory (default /sys/class/tty; tests pass a fake tree).</param>
    /// <param name="deviceDirectory">Where device nodes live (default /dev).</param>
    /// <returns>Every USB serial port, sorted by path; <see cref="SerialPortCandidate.LooksLikeEsp32"/> marks the likely boards.</returns>
    public static IReadOnlyList<SerialPortCandidate> Scan(string ttyClassDirectory = "/sys/class/tty", string deviceDirectory = "/dev")
    {
        if (!Directory.Exists(ttyClassDirectory))
        {
            return [];
        }

        var found = new List<SerialPortCandidate>();
        foreach (string entry in Directory.GetFileSystemEntries(ttyClassDirectory).Order(StringComparer.Ordinal))
        {
            string device = Path.Combine(entry, "device");
            if (!Directory.Exists(device))
            {
                continue; // virtual consoles, ptys: no device link
            }

            string? usb = FindUsbDevice(device);
            if (usb == null)
            {
                continue; // on-board UARTs (ttyS*) are not USB boards
            }

            string? vid = ReadId(usb, "idVendor"), pid = ReadId(usb, "idProduct");
            found.Add(new SerialPortCandidate(
                Path.Combine(deviceDirectory, Path.GetFileName(entry)), vid, pid,
                ReadText(usb, "manufacturer"), ReadText(usb, "product"), ReadText(usb, "serial"), Identify(vid, pid)));
        }

        return found;
    }

    /// <summary>Names a USB bridge ESP32 boards use, or null.</summary>
    /// <param name="vid">Vendor id.</param>
    /// <param name="pid">Product id.</param>
    /// <returns>Description or null.</returns>
    public static string? Identify(string? vid, string? pid) =>
        Known.FirstOrDefault(k => k.Vid == vid && (k.Pid == null || k.Pid == pid)).Name;

    private static string? FindUsbDevice(string deviceLink)
    {
        DirectoryInfo? dir = new(ResolvePath(deviceLink));
        for (int depth = 0; dir != null && depth < 4; depth++, dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "idVendor")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static string ResolvePath(string path)
    {
        var info = new DirectoryInfo(path);
        FileSystemInfo? target = info.LinkTarget != null ? info.ResolveLinkTarget(returnFinalTarget: true) : null;
        return target?.FullName ?? info.FullName;
    }

    private static string? ReadId(string dir, string file) => ReadText(dir, file)?.ToLowerInvariant();

    private static string? ReadText(string dir, string file)
    {
        try
        {
            string path = Path.Combine(dir, file);
            return File.Exists(path) ? File.ReadAllText(path).Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
