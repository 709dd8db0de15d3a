using EdgeMicro.Data;
using Microsoft.Data.Sqlite;

namespace EdgeMicro.Fleet.Stats;

/// <summary>
/// Checks on a statistics store path before any work: a store is a new path, or a SQLite database that holds the
/// EdgeMicro tables (or none yet). Anything else (a directory, an empty file, a file that is not SQLite, another
/// application's database) is refused, so no command turns the user's file into a store. A store a failed command
/// created and left empty is removed again.
/// </summary>
public static class StoreFile
{
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    /// <summary>Checks the path.</summary>
    /// <param name="path">Store file.</param>
    /// <param name="mustExist">True for commands that read a store (stats show, balance).</param>
    /// <exception cref="InputDataException">One line saying what is wrong.</exception>
    public static void Check(string path, bool mustExist)
    {
        if (Directory.Exists(path))
        {
            throw new InputDataException($"{path}: is a directory; --store names a SQLite file");
        }

        if (!File.Exists(path))
        {
            if (mustExist)
            {
                throw new InputDataException($"{path}: no statistics store (run 'edgemicro stats pull' first)");
            }

            return;
        }

        byte[] head = new byte[SqliteHeader.Length];
        int read;
        using (FileStream f = File.OpenRead(path))
        {
            read = f.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        }

        if (read == 0)
        {
            throw new InputDataException($"{path}: empty file, not a statistics store (remove it, or choose another --store)");
        }

        if (read < head.Length || !head.AsSpan().SequenceEqual(SqliteHeader))
        {
            throw new InputDataException($"{path}: not a SQLite database, so not a statistics store; it is left as it is (choose another --store)");
        }

        // immutable=1: read without taking locks or creating -wal/-shm files next to a file that may not be ours.
        string uri = "file:" + Uri.EscapeDataString(Path.GetFullPath(path)).Replace("%2F", "/", StringComparison.Ordinal) + "?immutable=1";
        var tables = new List<string>();
        try
        {
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = uri, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            connection.Open();
            using SqliteCommand command = connection.CreateCommand();
            command.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'";
            using SqliteDataReader r = command.ExecuteReader();
            while (r.Read())
            {
                tables.Add(r.GetString(0));
            }
        }
        catch (SqliteException e)
        {
            throw new InputDataException($"{path}: a SQLite file that cannot be read ({e.Message}); not used as a statistics store", e);
        }

        if (tables.Count > 0 && !tables.Contains("reports"))
        {
            throw new InputDataException($"{path}: a SQLite database of something else (tables {string.Join(", ", tables.Take(3))}); not used as a statistics store");
        }
    }

    /// <summary>Runs a command that may create the store; if it fails and the store it created holds nothing, removes it.</summary>
    /// <param name="path">Store file.</param>
    /// <param name="work">The command.</param>
    /// <returns>The command's exit code.</returns>
    public static int RemoveIfCreatedAndFailed(string path, Func<int> work)
    {
        bool existed = File.Exists(path);
        bool ok = false;
        try
        {
            int code = work();
            ok = code == 0;
            return code;
        }
        finally
        {
            if (!existed && !ok && File.Exists(path) && IsEmptyStore(path))
            {
                SqliteConnection.ClearAllPools();
                foreach (string f in new[] { path, path + "-wal", path + "-shm" })
                {
                    File.Delete(f); // created by this failed run, holding no data
                }
            }
        }
    }

    private static bool IsEmptyStore(string path)
    {
        try
        {
            using var store = new StatsStore(path);
            return store.Count().Reports == 0;
        }
        catch (SqliteException)
        {
            return false;
        }
    }
}
