using System.Data.Common;

namespace Shop.ServiceDefaults;

/// <summary>The databases a Shop service runs on: SQLite (the embedded default) or PostgreSQL.</summary>
public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Tells the provider from a connection string, so that one setting (the string itself) chooses it.</summary>
public static class DatabaseProviders
{
    /// <summary>
    /// <c>Host=…</c> (or <c>Server=…</c>) is PostgreSQL, <c>Data Source=…</c> (or <c>Filename=…</c>) is SQLite; the keys
    /// each provider's own connection string builder takes. Anything else is refused with what was expected.
    /// </summary>
    public static DatabaseProvider Of(string connectionString)
    {
        var keys = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (keys.ContainsKey("Host") || keys.ContainsKey("Server"))
        {
            return DatabaseProvider.Postgres;
        }

        if (keys.ContainsKey("Data Source") || keys.ContainsKey("DataSource") || keys.ContainsKey("Filename"))
        {
            return DatabaseProvider.Sqlite;
        }

        throw new InvalidOperationException(
            "A service's connection string must name a PostgreSQL server (Host=…) or a SQLite file (Data Source=…); this one names neither.");
    }
}
