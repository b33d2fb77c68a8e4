using Shop.Messaging.Functions;
using StackExchange.Redis;
using Testcontainers.Redis;
using Xunit;

namespace Shop.Testing;

/// <summary>
/// One real Redis for a whole test assembly (<c>[assembly: AssemblyFixture(typeof(RedisFixture))]</c>), found in
/// this order: the connection string in <c>SHOP_TEST_REDIS</c>; a Testcontainers Redis when a Docker engine
/// answers; a <c>redis-server</c> started here on a free loopback port. With none of them the tests fail with a
/// message saying what to install: they never skip silently and never fake Redis. Tests isolate themselves by
/// unique stream and group names, so they share the server and run in parallel.
/// <para>
/// A test assembly marked <see cref="RedisClusterTestsAttribute"/> gets a Redis Cluster instead (from
/// <c>SHOP_TEST_REDIS_CLUSTER</c>, else three primaries with a replica each started here from <c>redis-server</c>),
/// and <see cref="Partitions"/> tells the bus under test how many partitions each stream has there.
/// </para>
/// </summary>
public sealed class RedisFixture : IAsyncLifetime
{
    public const string ConnectionStringVariable = "SHOP_TEST_REDIS";
    public const string ClusterConnectionStringVariable = "SHOP_TEST_REDIS_CLUSTER";

    /// <summary>
    /// <c>SHOP_TEST_REQUIRE_DOCKER=1</c>: the Docker path or nothing — a Redis container that does not start fails the run
    /// instead of falling back to <c>redis-server</c>, and the end-to-end tests run the AppHost with
    /// <c>Redis:Mode=Container</c>. What <c>eng/docker-offline.sh test</c> sets, so that a green run proves that path.
    /// </summary>
    public static bool DockerRequired { get; } = Environment.GetEnvironmentVariable("SHOP_TEST_REQUIRE_DOCKER") == "1";

    private RedisContainer? _container;
    private LocalRedisServer? _localServer;
    private LocalRedisCluster? _cluster;
    private ConnectionMultiplexer? _connection;

    /// <summary>The StackExchange.Redis connection string of the server.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>Where the server came from, for the test log.</summary>
    public string Origin { get; private set; } = "";

    /// <summary>A connection for the tests' own arrangements and assertions.</summary>
    public IConnectionMultiplexer Connection => _connection ?? throw new InvalidOperationException("The fixture is not initialized.");

    public IDatabase Database => Connection.GetDatabase();

    /// <summary>True when the tests run against a Redis Cluster.</summary>
    public bool IsCluster { get; private set; }

    /// <summary>Partitions per stream for the bus under test: 1 on a single server, the assembly's choice on a cluster.</summary>
    public int Partitions { get; private set; } = 1;

    /// <summary>The cluster this fixture started, for tests that fail one of its nodes; null when it was given or there is none.</summary>
    public LocalRedisCluster? Cluster => _cluster;

    public async ValueTask InitializeAsync()
    {
        var configured = Environment.GetEnvironmentVariable(ConnectionStringVariable);
        if (System.Reflection.Assembly.GetEntryAssembly()?.GetCustomAttributes(typeof(RedisClusterTestsAttribute), false) is [RedisClusterTestsAttribute cluster])
        {
            (IsCluster, Partitions) = (true, cluster.Partitions);
            configured = Environment.GetEnvironmentVariable(ClusterConnectionStringVariable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                (ConnectionString, Origin) = (configured, ClusterConnectionStringVariable);
            }
            else if (LocalRedisServer.IsInstalled())
            {
                _cluster = await LocalRedisCluster.StartAsync();
                (ConnectionString, Origin) = (_cluster.ConnectionString, "a local Redis Cluster (3 primaries, 3 replicas)");
            }
            else
            {
                throw new InvalidOperationException(
                    "The cluster tests start a Redis Cluster from redis-server and found none: install redis-server " +
                    $"(Debian/Ubuntu: 'sudo apt-get install -y redis-server'), or set {ClusterConnectionStringVariable} to a cluster's endpoints.");
            }
        }
        else if (!string.IsNullOrWhiteSpace(configured))
        {
            (ConnectionString, Origin) = (configured, ConnectionStringVariable);
        }
        else if (await DockerContainers.TryStartAsync(() => new RedisBuilder("redis:7.4-alpine").WithCommand("--databases", "1024").Build()) is { } container)
        {
            _container = container;
            (ConnectionString, Origin) = (container.GetConnectionString(), "Testcontainers");
        }
        else if (LocalRedisServer.IsInstalled())
        {
            _localServer = await LocalRedisServer.StartAsync();
            (ConnectionString, Origin) = (_localServer.ConnectionString, $"redis-server (pid {_localServer.ProcessId})");
        }
        else
        {
            throw new InvalidOperationException(
                "The tests need a real Redis and found none. Install Docker (the tests then start a Redis container), " +
                "or install redis-server (Debian/Ubuntu: 'sudo apt-get install -y redis-server'; macOS: 'brew install redis'), " +
                $"or set {ConnectionStringVariable} to the connection string of a Redis you run yourself.");
        }

        // Admin: tests inspect clients (CLIENT LIST) the way an operator would.
        var options = ConfigurationOptions.Parse(ConnectionString);
        options.AllowAdmin = true;
        _connection = await ConnectionMultiplexer.ConnectAsync(options);
        // What the AppHost does on a Redis of its own before any service starts.
        await MessagingFunctions.EnsureLoadedAsync(_connection);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is not null)
        {
            await _connection.DisposeAsync();
        }

        if (_container is not null)
        {
            await _container.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }

        _localServer?.Dispose();
    }

    private static int _lastDatabase;

    /// <summary>
    /// A Redis database no other test uses (1 to 1023), for tests whose stream names the contract fixes. Only on a
    /// server with more than the default 16 databases: the ones this fixture starts have 1,024.
    /// </summary>
    public int UniqueDatabase() => Interlocked.Increment(ref _lastDatabase) is var database and < 1024
        ? database
        : throw new InvalidOperationException("More than 1,023 tests asked for a database of their own.");

    /// <summary>The connection string pointed at <paramref name="database"/>.</summary>
    public string ConnectionStringFor(int database) => $"{ConnectionString},defaultDatabase={database}";

    /// <summary>A name no other test uses, for streams and groups.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
