using System.CommandLine;
using System.Text.Json;
using EdgeMicro.Fleet.Flashing;

namespace EdgeMicro.Cli.Commands;

/// <summary><c>edgemicro devices</c>: serial ports that look like ESP32 boards.</summary>
internal sealed class DevicesCommand : Command
{
    public DevicesCommand()
        : base("devices", "List serial ports that look like ESP32 boards (USB vendor/product ids from sysfs).")
    {
        Options.Add(All);
        Options.Add(SysfsRoot);
        Options.Add(Json);
        SetAction(parse => CommandRunner.Guard(parse, () =>
        {
            TextWriter output = parse.InvocationConfiguration.Output;
            bool all = parse.GetValue(All);
            var ports = UsbSerialScanner.Scan(parse.GetValue(SysfsRoot)!).Where(p => all || p.LooksLikeEsp32).ToList();
            if (parse.GetValue(Json))
            {
                output.WriteLine(JsonSerializer.Serialize(
                    ports.Select(p => new { port = p.DevicePath, vendor_id = p.VendorId, product_id = p.ProductId, bridge = p.Bridge, manufacturer = p.Manufacturer, product = p.Product, serial_number = p.SerialNumber, looks_like_esp32 = p.LooksLikeEsp32 }),
                    new JsonSerializerOptions { WriteIndented = true }));
                return ExitCodes.Success;
            }

            if (ports.Count == 0)
            {
                parse.InvocationConfiguration.Error.WriteLine(all ? "No USB serial ports found." : "No ESP32-like USB serial ports found (try --all; is the board plugged in with a data cable?).");
                return ExitCodes.Success;
            }

            foreach (SerialPortCandidate p in ports)
            {
                string id = p.VendorId == null ? "----:----" : p.VendorId + ":" + p.ProductId;
                string what = p.Bridge ?? "not a known ESP32 USB bridge";
                string product = string.Join(" ", new[] { p.Manufacturer, p.Product }.Where(s => !string.IsNullOrEmpty(s)));
                output.WriteLine($"{p.DevicePath}\t{id}\t{what}{(product.Length > 0 ? "\t" + product : string.Empty)}{(p.SerialNumber != null ? "\tserial " + p.SerialNumber : string.Empty)}");
            }

            return ExitCodes.Success;
        }));
    }

    private Option<bool> Json { get; } = new("--json") { Description = "Print the ports as a JSON array (empty when none)." };

    private Option<bool> All { get; } = new("--all") { Description = "Also list USB serial ports with unknown vendor/product ids." };

    private Option<string> SysfsRoot { get; } = new("--sysfs") { Description = "The tty class directory to scan.", DefaultValueFactory = _ => "/sys/class/tty", Hidden = true };
}
