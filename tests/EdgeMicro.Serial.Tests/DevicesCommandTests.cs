using EdgeMicro.Fleet.Flashing;
using EdgeMicro.Serial.Tests.Support;

namespace EdgeMicro.Serial.Tests;

public sealed class DevicesCommandTests
{
    [Fact]
    public void Scan_WhenGivenAFakeSysfsTree_FindsTheEsp32BridgesOnly()
    {
        using var sys = FakeSysfs();

        IReadOnlyList<SerialPortCandidate> ports = UsbSerialScanner.Scan(Path.Combine(sys.Path, "class", "tty"));

        Assert.Equal(["/dev/ttyACM0", "/dev/ttyUSB0", "/dev/ttyUSB1", "/dev/ttyUSB2"], ports.Select(p => p.DevicePath));
        Assert.Equal([true, true, false, true], ports.Select(p => p.LooksLikeEsp32));
        SerialPortCandidate cp2102 = ports[1];
        Assert.Equal(("10c4", "ea60", "Silicon Labs CP210x USB-UART", "0001"), (cp2102.VendorId, cp2102.ProductId, cp2102.Bridge, cp2102.SerialNumber));
        Assert.StartsWith("Espressif", ports[0].Bridge, StringComparison.Ordinal);
        Assert.Equal("FTDI FT232R USB-UART", ports[3].Bridge);
    }

    [Fact]
    public void Devices_WhenRun_ListsEsp32PortsAndWithAllEveryUsbPort()
    {
        using var sys = FakeSysfs();
        string tty = Path.Combine(sys.Path, "class", "tty");

        var (code, output, _) = CliRunner.Run("devices", "--sysfs", tty);
        var all = CliRunner.Run("devices", "--sysfs", tty, "--all");

        Assert.Equal(0, code);
        Assert.Equal(3, output.Trim().Split('\n').Length);
        Assert.Contains("/dev/ttyUSB0\t10c4:ea60\tSilicon Labs CP210x USB-UART\tSilicon Labs CP2102 USB to UART Bridge Controller\tserial 0001", output, StringComparison.Ordinal);
        Assert.DoesNotContain("ttyUSB1", output, StringComparison.Ordinal);
        Assert.Contains("/dev/ttyUSB1\t067b:2303\tnot a known ESP32 USB bridge", all.Out, StringComparison.Ordinal);
    }

    /// <summary>A sysfs-like tree: class/tty entries whose 'device' links point into devices/, like the kernel's.</summary>
    private static TempDir FakeSysfs()
    {
        var dir = new TempDir();
        Usb(dir, "ttyACM0", "usb1/1-2", "1-2:1.0", null, "303a", "1001", "Espressif", "USB JTAG/serial debug unit", null);
        Usb(dir, "ttyUSB0", "usb1/1-1", "1-1:1.0", "ttyUSB0", "10c4", "ea60", "Silicon Labs", "CP2102 USB to UART Bridge Controller", "0001");
        Usb(dir, "ttyUSB1", "usb1/1-3", "1-3:1.0", "ttyUSB1", "067b", "2303", "Prolific", "USB-Serial Controller", null);
        Usb(dir, "ttyUSB2", "usb2/2-1", "2-1:1.0", "ttyUSB2", "0403", "6001", "FTDI", "FT232R USB UART", "A50285BI");
        Link(dir, "ttyS0", Directory.CreateDirectory(dir.File("devices/platform/serial8250/tty/ttyS0")).FullName);
        Directory.CreateDirectory(dir.File("class/tty/tty0"));
        return dir;
    }

    private static void Usb(TempDir dir, string name, string device, string iface, string? port, string vid, string pid, string maker, string product, string? serial)
    {
        string usb = Directory.CreateDirectory(dir.File("devices/" + device)).FullName;
        File.WriteAllText(Path.Combine(usb, "idVendor"), vid + "\n");
        File.WriteAllText(Path.Combine(usb, "idProduct"), pid + "\n");
        File.WriteAllText(Path.Combine(usb, "manufacturer"), maker + "\n");
        File.WriteAllText(Path.Combine(usb, "product"), product + "\n");
        if (serial != null)
        {
            File.WriteAllText(Path.Combine(usb, "serial"), serial + "\n");
        }

        string target = Directory.CreateDirectory(Path.Combine(usb, iface, port ?? string.Empty)).FullName;
        Link(dir, name, target);
    }

    private static void Link(TempDir dir, string name, string target)
    {
        string entry = Directory.CreateDirectory(dir.File("class/tty/" + name)).FullName;
        Directory.CreateSymbolicLink(Path.Combine(entry, "device"), target);
    }
}
