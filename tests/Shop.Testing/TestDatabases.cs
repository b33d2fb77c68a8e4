namespace Shop.Testing;

/// <summary>
/// Where a service under test keeps its state: a SQLite file in the test's own folder, or — in a test assembly with a
/// <see cref="PostgresFixture"/> — a PostgreSQL database of its own on that fixture's server. The same test files
/// compile into a SQLite and a PostgreSQL assembly (tests/Shop.Services.PostgresTests), and this is the one place
/// where they differ.
/// </summary>
public static class TestDatabases
{
    private static PostgresFixture? s_postgres;

    /// <summary>True when this assembly's services run on PostgreSQL.</summary>
    public static bool OnPostgres => s_postgres is not null;

    /// <summary>The PostgreSQL server of this assembly; null on SQLite.</summary>
    public static PostgresFixture? Postgres => s_postgres;

    /// <summary>A new database named after <paramref name="name"/>: its connection string.</summary>
    /// <param name="name">The service's database name (<c>orderdb</c>, …).</param>
    /// <param name="directory">The test's own folder, where a SQLite file goes.</param>
    public static string Create(string name, string directory) =>
        s_postgres is { } postgres ? postgres.CreateDatabase(name) : $"Data Source={Path.Combine(directory, name + ".db")}";

    /// <summary>Removes a database <see cref="Create"/> made on PostgreSQL (a SQLite file goes with its test's folder).</summary>
    public static async Task DropAsync(string connectionString)
    {
        if (s_postgres is { Available: true } postgres)
        {
            await postgres.DropDatabaseAsync(connectionString);
        }
    }

    /// <summary>Set by the assembly's <see cref="PostgresFixture"/> before any test runs, cleared after the last.</summary>
    internal static void Use(PostgresFixture? postgres) => s_postgres = postgres;
}
