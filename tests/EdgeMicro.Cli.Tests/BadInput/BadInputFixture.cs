using EdgeMicro.Cli.Tests.Support;
using Microsoft.Data.Sqlite;

namespace EdgeMicro.Cli.Tests.BadInput;

/// <summary>
/// Read-only inputs shared by every bad-input case: a converted wine model, its CSVs, a valid empty statistics store,
/// a valid device configuration and fleet key. Each case gets its own work directory (see <see cref="NewWork"/>)
/// holding the user's files that a command must leave unchanged.
/// </summary>
public sealed class BadInputFixture : IDisposable
{
    private readonly TempDirectory _root = new("edgemicro-badinput");

    public BadInputFixture()
    {
        Wine = _root.Combine("wine");
        CliResult r = CliRun.Run("convert", Devkit.WineModel, "--calibration", Devkit.WineCalibration, "--name", "Wine", "--out", Wine, "-v", "quiet");
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException("fixture conversion failed: " + r);
        }

        Store = _root.Combine("store.db");
        using (var store = new EdgeMicro.Fleet.Stats.StatsStore(Store))
        {
            // A valid store with the EdgeMicro schema and no reports.
        }

        OtherDatabase = _root.Combine("other.db");
        using (var c = new SqliteConnection("Data Source=" + OtherDatabase + ";Pooling=False"))
        {
            c.Open();
            using SqliteCommand cmd = c.CreateCommand();
            cmd.CommandText = "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL); INSERT INTO invoices (total) VALUES (12.5);";
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Directory `edgemicro convert` wrote for the wine model.</summary>
    public string Wine { get; }

    /// <summary>A statistics store with the schema and no reports.</summary>
    public string Store { get; }

    /// <summary>Another application's SQLite database.</summary>
    public string OtherDatabase { get; }

    /// <summary>Creates a fresh work directory with the user's files every case can point at.</summary>
    /// <returns>The directory.</returns>
    public TempDirectory NewWork()
    {
        var work = new TempDirectory("edgemicro-badinput-case");
        work.WriteLines("user.txt", "the user's notes, not an ONNX model, not a CSV");
        work.WriteLines("empty.csv");
        File.WriteAllBytes(work.Combine("empty.db"), []);
        work.WriteLines("notsqlite.db", "SQLite? no: a text file");
        File.WriteAllBytes(work.Combine("corrupt.db"), [.. "SQLite format 3\0"u8.ToArray(), .. Enumerable.Repeat((byte)0xA5, 4080)]);
        File.Copy(OtherDatabase, work.Combine("other.db"));
        File.Copy(Store, work.Combine("store.db"));
        Directory.CreateDirectory(work.Combine("dir"));
        work.WriteLines(Path.Combine("dir", "inside.txt"), "a user file in a directory");
        Directory.CreateDirectory(work.Combine("project"));
        work.WriteLines(Path.Combine("project", "Program.cs"), "class Program {}");
        File.WriteAllBytes(work.Combine("notmodel.emm"), [1, 2, 3, 4, 5, 6, 7, 8]);
        Directory.CreateDirectory(work.Combine("twomodels"));
        File.Copy(Path.Combine(Wine, "wine.emm"), work.Combine("twomodels", "a.emm"));
        File.Copy(Path.Combine(Wine, "wine.emm"), work.Combine("twomodels", "b.emm"));
        File.Copy(RepoPaths.Combine("models", "virtual-device", "device.json"), work.Combine("device.json"));
        work.WriteLines("badconfig.json", "{ \"device_id\": ");
        work.WriteLines("unknownkey.json", "{\"deviceId\":\"esp32-1\"}");
        File.Copy(RepoPaths.Combine("models", "virtual-device", "fleet.key"), work.Combine("fleet.key"));
        work.WriteLines("bad.key", "not hex at all");
        work.WriteLines("norm.json", "{ not json");
        work.WriteLines("shortnorm.json", "{\"mean\":[1,2],\"std\":[1,1]}");
        work.WriteLines("manifest.json", "[ this is not a manifest");
        string[] wine = File.ReadAllLines(Devkit.WineTest);
        work.WriteLines("winebad.csv", wine[0], wine[1], "13.5,x" + wine[2][wine[2].IndexOf(',', wine[2].IndexOf(',') + 1)..]);
        work.WriteLines("winenolabel.csv", [.. File.ReadAllLines(Devkit.WineTest).Select(l => l[..l.LastIndexOf(',')])]);
        File.Copy(Devkit.WineTest, work.Combine("wtrain.csv"));
        const string provenance = ",src_device,src_boot,src_window,src_seq,src_time_ms,src_received_utc";
        work.WriteLines("wbadlabel.csv", wine[0] + provenance, wine[1][..wine[1].LastIndexOf(',')] + ",merlot,dev01,0,3,17,1200,2026-01-01T00:00:00Z");
        work.WriteLines("wextracol.csv", wine[0] + ",notes", wine[1] + ",looks odd");
        work.WriteLines("badontology.json", "{\"riesling\": \"white\"}");
        work.WriteLines("dupontology.json", "{\"a\": \"0\",\n \"a\": \"1\"}");
        File.WriteAllBytes(work.Combine("image.bin"), [9, 9, 9]);
        Directory.CreateDirectory(work.Combine("nope-app"));
        work.WriteLines(Path.Combine("nope-app", "readme.txt"), "no .pe files here");
        return work;
    }

    public void Dispose() => _root.Dispose();
}
