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
/// (<see cref="LocalPostgresServer"/>). With none of them the tests fail saying what to install.
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

    public async ValueTask InitializeAsync()
    {
        if (Environment.GetEnvironmentVariable(ConnectionStringVariable) is { Length: > 0 } configured)
        {
            (AdminConnectionString, Origin) = (configured, ConnectionStringVariable);
        }
        else if (await TryStartContainerAsync() is { } container)
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
            throw new InvalidOperationException(
                "The PostgreSQL tests need a real PostgreSQL and found none. Install Docker (the tests then start a PostgreSQL " +
                "container), or install PostgreSQL's server (Debian/Ubuntu: 'sudo apt-get install -y postgresql'; macOS: " +
                $"'brew install postgresql@17'), or set {ConnectionStringVariable} to a superuser's connection string.");
        }

        TestDatabases.Use(this);
    }

    /// <summary>A new, empty database of one test's own; its connection string (as the superuser).</summary>
    public string CreateDatabase(string prefix) => PostgresDatabases.Create(AdminConnectionString, prefix);

    /// <summary>Drops a database <see cref="CreateDatabase"/> made.</summary>
    public Task DropDatabaseAsync(string connectionString) => PostgresDatabases.DropAsync(AdminConnectionString, connectionString);

    public async ValueTask DisposeAsync()
    {
        TestDatabases.Use(null);
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

    private static async Task<PostgreSqlContainer?> TryStartContainerAsync()
    {
        if (Environment.GetEnvironmentVariable("SHOP_TEST_NO_DOCKER") == "1" && !RedisFixture.DockerRequired)
        {
            return null;
        }

        try
        {
            var container = new PostgreSqlBuilder("postgres:17-alpine").WithCommand("-c", "max_connections=500", "-c", "fsync=off").Build();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            await container.StartAsync(timeout.Token);
            return container;
        }
#pragma warning disable CA1031 // Any failure here means "no usable Docker"; the next option is tried, unless Docker is required.
        catch (Exception) when (!RedisFixture.DockerRequired)
#pragma warning restore CA1031
        {
            return null;
        }
    }
}
