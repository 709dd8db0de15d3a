using System.Globalization;
using System.Text;

namespace EdgeMicro.Fleet.Labels;

/// <summary>
/// The one definition of the labelling files: the provenance columns that samples-to-label.csv carries after the
/// training CSV's own columns, the provenance side file the import keeps next to the training CSV, and the CSV cell
/// rules both use (RFC 4180 quoting on read, invariant shortest round-trip numbers on write).
/// </summary>
public static class LabelFiles
{
    /// <summary>Prefix of every provenance column: a column starting with it is never a training column.</summary>
    public const string ProvenancePrefix = "src_";

    /// <summary>Provenance columns of samples-to-label.csv, in order: device id, boot (the number of times the
    /// device's window numbering restarted before this report, in arrival order), window (report sequence), the
    /// sample's sequence number, its device timestamp in ms, and when the host received the report (UTC).</summary>
    public static readonly string[] ProvenanceColumns = ["src_device", "src_boot", "src_window", "src_seq", "src_time_ms", "src_received_utc"];

    /// <summary>Columns of the provenance side file (<see cref="ProvenancePath"/>).</summary>
    public static readonly string[] SideFileColumns = ["train_line", "label", "fine_label", .. ProvenanceColumns, "samples_file", "imported_utc"];

    /// <summary>The provenance side file of a training CSV: <c>NAME.provenance.csv</c> beside <c>NAME.csv</c>.</summary>
    /// <param name="trainPath">Training CSV.</param>
    /// <returns>Side file path.</returns>
    public static string ProvenancePath(string trainPath)
    {
        ArgumentNullException.ThrowIfNull(trainPath);
        string dir = Path.GetDirectoryName(Path.GetFullPath(trainPath)) ?? ".";
        return Path.Combine(dir, Path.GetFileNameWithoutExtension(trainPath) + ".provenance.csv");
    }

    /// <summary>Formats a feature value as the training CSV and the samples file carry it (shortest round trip).</summary>
    /// <param name="value">Value in physical units.</param>
    /// <returns>Text.</returns>
    public static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Quotes a cell when it holds a comma, quote or line break.</summary>
    /// <param name="value">Cell.</param>
    /// <returns>CSV text.</returns>
    public static string Cell(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>Splits one CSV line (RFC 4180 quotes; cells trimmed), as spreadsheet tools save it.</summary>
    /// <param name="line">Line without its line break.</param>
    /// <returns>Cells.</returns>
    public static string[] Split(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var cells = new List<string>();
        var cell = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    cell.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    cell.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                cells.Add(cell.ToString().Trim());
                cell.Clear();
            }
            else
            {
                cell.Append(ch);
            }
        }

        cells.Add(cell.ToString().Trim());
        return [.. cells];
    }
}
