using EdgeMicro.Data;
using Npgsql;

namespace EdgeMicro.Fleet.Stats;

/// <summary>
/// Where the statistics live: a SQLite file (any path; the default <see cref="StatsStore.DefaultPath"/>), or a
/// PostgreSQL database given as <c>postgres://[USER@]HOST[:PORT]/DATABASE[?KEY=VALUE...]</c> or as an Npgsql
/// connection string (<c>Host=...;Database=...</c>). The password never goes on the command line: it comes from
/// <c>PGPASSWORD</c>, a <c>.pgpass</c> file (<c>PGPASSFILE</c>), or the <see cref="EnvironmentVariable"/>, which may
/// hold a whole URL or connection string. Npgsql also reads the other libpq variables (<c>PGHOST</c>, <c>PGUSER</c>...).
/// </summary>
public sealed record StoreLocation
{
    /// <summary>Environment variable naming the store when <c>--store</c> is not given.</summary>
    public const string EnvironmentVariable = "EDGEMICRO_STORE";

    private StoreLocation(string? path, string? connectionString, string display)
    {
        Path = path;
        ConnectionString = connectionString;
        Display = display;
    }

    /// <summary>Gets the SQLite file, or null for PostgreSQL.</summary>
    public string? Path { get; }

    /// <summary>Gets the Npgsql connection string, or null for SQLite.</summary>
    public string? ConnectionString { get; }

    /// <summary>Gets the location for messages (never a password).</summary>
    public string Display { get; }

    /// <summary>Gets a value indicating whether this is a PostgreSQL store.</summary>
    public bool IsPostgres => ConnectionString != null;

    /// <summary>The store named by the environment (<see cref="EnvironmentVariable"/>), else the default SQLite file.</summary>
    /// <returns>The value, as <c>--store</c> would take it.</returns>
    public static string Default() => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } v ? v : StatsStore.DefaultPath;

    /// <summary>Tells whether a value looks like a PostgreSQL store rather than a file path.</summary>
    /// <param name="value">A <c>--store</c> value.</param>
    /// <returns>True for a postgres:// URL or a keyword connection string.</returns>
    public static bool IsPostgresValue(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || value.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || (value.Contains('=', StringComparison.Ordinal) && value.TrimStart().StartsWith("host", StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Why a <c>--store</c> value must not be given on the command line, or null when it may.</summary>
    /// <param name="value">The value.</param>
    /// <returns>One line, or null.</returns>
    public static string? CommandLineProblem(string value)
    {
        if (!IsPostgresValue(value))
        {
            return null;
        }

        bool password;
        try
        {
            password = Read(value).HasPassword;
        }
        catch (InputDataException e)
        {
            return e.Message;
        }

        return password
            ? "--store: a password on the command line is readable by every user of the machine (ps, shell history); give it in PGPASSWORD, a .pgpass file, or the whole URL in " + EnvironmentVariable
            : null;
    }

    /// <summary>Parses a <c>--store</c> value.</summary>
    /// <param name="value">A file path, a postgres:// URL or an Npgsql connection string.</param>
    /// <returns>The location.</returns>
    /// <exception cref="InputDataException">A URL or connection string that cannot be read.</exception>
    public static StoreLocation Parse(string value) => Read(value).Location;

    /// <summary>Opens (creating or migrating) the store.</summary>
    /// <param name="clock">Arrival clock (null: the system clock).</param>
    /// <returns>The store.</returns>
    /// <exception cref="StoreUnavailableException">A PostgreSQL server that cannot be reached or refused the login.</exception>
    public IStatsStore Open(TimeProvider? clock = null) => IsPostgres ? new PostgresStatsStore(ConnectionString!, Display, clock) : new StatsStore(Path!, clock);

    /// <summary>Checks a SQLite path before any work (<see cref="StoreFile.Check"/>); a PostgreSQL store is checked when opened.</summary>
    /// <param name="mustExist">True for commands that only read.</param>
    public void Check(bool mustExist)
    {
        if (Path != null)
        {
            StoreFile.Check(Path, mustExist);
        }
    }

    private static (StoreLocation Location, bool HasPassword) Read(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        if (!IsPostgresValue(value))
        {
            return (new StoreLocation(value, null, value), false);
        }

        NpgsqlConnectionStringBuilder b;
        try
        {
            b = value.Contains("://", StringComparison.Ordinal) ? FromUrl(value) : new NpgsqlConnectionStringBuilder(value);
        }
        catch (Exception e) when (e is ArgumentException or FormatException or UriFormatException or KeyNotFoundException)
        {
            throw new InputDataException($"--store: not a PostgreSQL URL (postgres://USER@HOST:PORT/DATABASE) or connection string: {e.Message}", e);
        }

        bool password = !string.IsNullOrEmpty(b.Password);
        string display = $"postgres://{(b.Username is { Length: > 0 } u ? u + "@" : string.Empty)}{b.Host}{(b.Port != NpgsqlConnection.DefaultPort ? ":" + b.Port.ToString(System.Globalization.CultureInfo.InvariantCulture) : string.Empty)}/{b.Database}";
        b.ApplicationName ??= "edgemicro";
        return (new StoreLocation(null, b.ConnectionString, display), password);
    }

    private static NpgsqlConnectionStringBuilder FromUrl(string value)
    {
        var uri = new Uri(value);
        var b = new NpgsqlConnectionStringBuilder();
        if (uri.Host.Length > 0)
        {
            b.Host = uri.Host;
        }

        if (uri.Port > 0)
        {
            b.Port = uri.Port;
        }

        string[] user = uri.UserInfo.Split(':', 2);
        if (user[0].Length > 0)
        {
            b.Username = Uri.UnescapeDataString(user[0]);
        }

        if (user.Length == 2)
        {
            b.Password = Uri.UnescapeDataString(user[1]);
        }

        string database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            b.Database = database;
        }

        foreach (string pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] kv = pair.Split('=', 2);
            string key = Uri.UnescapeDataString(kv[0]);
            b[LibpqNames.GetValueOrDefault(key, key)] = kv.Length == 2 ? Uri.UnescapeDataString(kv[1]) : string.Empty;
        }

        return b;
    }

    /// <summary>libpq URL parameters under their Npgsql names.</summary>
    private static readonly Dictionary<string, string> LibpqNames = new(StringComparer.OrdinalIgnoreCase)
    {
        ["sslmode"] = "SSL Mode", ["application_name"] = "Application Name", ["connect_timeout"] = "Timeout", ["host"] = "Host", ["port"] = "Port",
        ["user"] = "Username", ["dbname"] = "Database", ["password"] = "Password",
    };
}
