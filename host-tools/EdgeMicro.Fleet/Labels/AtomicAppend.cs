using System.Security.Cryptography;
using System.Text;
using EdgeMicro.Data;

namespace EdgeMicro.Fleet.Labels;

/// <summary>
/// Appends lines to a file the user owns without ever rewriting what is there: the new content is written to a temp
/// copy in the same directory, the copy's prefix is checked byte for byte (SHA-256) against the original as read, the
/// original is checked unchanged since, and the copy replaces it by one rename.
/// </summary>
public static class AtomicAppend
{
    /// <summary>Appends lines.</summary>
    /// <param name="path">The file (need not exist: then it is created with exactly the lines).</param>
    /// <param name="original">The bytes read before the work started (empty for a new file).</param>
    /// <param name="lines">Lines to append, without line breaks.</param>
    /// <returns>SHA-256 (hex) of the original and of the new file.</returns>
    public static (string Before, string After) Append(string path, byte[] original, IReadOnlyList<string> lines)
    {
        ArgumentNullException.ThrowIfNull(original);
        ArgumentNullException.ThrowIfNull(lines);
        string before = Convert.ToHexString(SHA256.HashData(original));
        if (lines.Count == 0)
        {
            return (before, before);
        }

        string newline = LineBreak(original);
        var block = new StringBuilder();
        if (original.Length > 0 && original[^1] != (byte)'\n')
        {
            block.Append(newline);
        }

        foreach (string l in lines)
        {
            block.Append(l).Append(newline);
        }

        string full = Path.GetFullPath(path);
        string temp = Path.Combine(Path.GetDirectoryName(full)!, "." + Path.GetFileName(full) + ".import-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write))
            {
                stream.Write(original);
                stream.Write(new UTF8Encoding(false).GetBytes(block.ToString()));
                stream.Flush(flushToDisk: true);
            }

            byte[] written = File.ReadAllBytes(temp);
            if (written.Length < original.Length || Convert.ToHexString(SHA256.HashData(written.AsSpan(0, original.Length))) != before)
            {
                throw new InputDataException($"{path}: the copy's first {original.Length} bytes differ from the original; nothing changed");
            }

            bool exists = File.Exists(full);
            if (exists && Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(full))) != before)
            {
                throw new InputDataException($"{path}: changed while importing (another program wrote it); nothing changed, run the import again");
            }

            if (exists && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(temp, File.GetUnixFileMode(full));
            }

            File.Move(temp, full, overwrite: true);
            return (before, Convert.ToHexString(SHA256.HashData(written)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InputDataException($"{path}: cannot write: {e.Message}; nothing changed", e);
        }
        finally
        {
            if (File.Exists(temp))
            {
                File.Delete(temp);
            }
        }
    }

    /// <summary>The file's line break (CRLF when its first line ends so, LF otherwise).</summary>
    /// <param name="bytes">File content.</param>
    /// <returns>The line break.</returns>
    public static string LineBreak(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        int n = Array.IndexOf(bytes, (byte)'\n');
        return n > 0 && bytes[n - 1] == (byte)'\r' ? "\r\n" : "\n";
    }
}
