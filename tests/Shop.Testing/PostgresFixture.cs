using Npgsql;
using Shop.AppHost.Database;
using Testcontainers.PostgreSql;
using Xunit;

namespace Shop.Testing;

/// <summary>
/// One real PostgreSQL server for a whole test assembly (<c>[assembly: AssemblyFixture(typeof(PostgresFixture))]</c>):
/// what makes that assembly's services run on PostgreSQL instead of SQLite (see <see cref="TestDatabases"/>). Found in
/// this order, as Redis is (<see cref="RedisFixture"/>): the superuser connection string in <c>SHOP_TEST_POSTGRES</c>; a
/// Testcontainers PostgreSQL when a Docker engine answers; a server started here from PostgreSQL's binaries
/// (<see cref="LocalPostgresServer"/>). With none of them each test is skipped saying what to install (failed, where
/// <see cref="PostgresAvailability.Required"/>).
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public const string ConnectionStringVariable = "SHOP_TEST_POSTGRES";

    private PostgreSqlContainer? _container;

    /// <summary>The server this fixture started, for tests that kill and restart it; null when it was given or is a container.</summary>
    public LocalPostgresServer? LocalServer { get; private set; }

    /// <summary>The superuser's connection string.</summary>
    public string AdminConnectionString { get; private set; } = "";

    /// <summary>Where the server came from, for the test log.</summary>
    public string Origin { get; private set; } = "";

    /// <summary>False on a machine without any PostgreSQL: the assembly's tests are then skipped (<see cref="PostgresAvailability"/>).</summary>
    public bool Available { get; private set; }

    public async ValueTask InitializeAsync()
    {
        TestDatabases.Use(this);
        if (PostgresAvailability.Refused)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } configured)
        {
            (AdminConnectionString, Origin) = (configured, ConnectionStringVariable);
        }
        else if (await DockerContainers.TryStartAsync(() =>
                     new PostgreSqlBuilder("postgres:17-alpine").WithCommand("-c", "max_connections=500", "-c", "fsync=off").Build()) is { } container)
        {
            _container = container;
            (AdminConnectionString, Origin) = (container.GetConnectionString(), "Testcontainers");
        }
        else if (PostgresBinaries.Find() is not null)
        {
            LocalServer = await LocalPostgresServer.StartAsync();
            (AdminConnectionString, Origin) = (LocalServer.AdminConnectionString, $"postgres (pid {LocalServer.ProcessId})");
        }
        else
        {
            // No server: each test says so when it asks for a database (skipped, or failed where one is required).
            return;
        }

        Available = true;
    }

    /// <summary>A new, empty database of one test's own; its connection string (as the superuser).</summary>
    public string CreateDatabase(string prefix)
    {
        PostgresAvailability.SkipUnless(Available);
        return PostgresDatabases.Create(AdminConnectionString, prefix);
    }

    /// <summary>Drops a database <see cref="CreateDatabase"/> made.</summary>
    public Task DropDatabaseAsync(string connectionString) => PostgresDatabases.DropAsync(AdminConnectionString, connectionString);

    public async ValueTask DisposeAsync()
    {
        TestDatabases.Use(null);
        if (!Available)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        if (_container is not null)
        {
            await _container.DisposeAsync();
        }

        if (LocalServer is not null)
        {
            await LocalServer.DisposeAsync();
        }
    }
}
