using System.Net.Http.Json;
using System.Text.Json;
using Shop.Testing;
using StackExchange.Redis;

namespace Shop.ChaosTests.Support;

/// <summary>
/// One test's whole world: its own <c>redis-server</c> (AOF on, as in production), or its own Redis Cluster; the
/// services' databases (SQLite files, or — in an assembly marked <see cref="ChaosOnPostgresAttribute"/> — databases on a
/// PostgreSQL server of its own); and the three services as real processes against them, configured for fast failure
/// handling (<see cref="ReclaimAfter"/>) so faults resolve in seconds.
/// </summary>
public sealed class ShopUnderChaos : IAsyncDisposable
{
    public static readonly TimeSpan ReclaimAfter = TimeSpan.FromSeconds(3);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _directory;
    private readonly List<Guid> _accepted = [];
    private readonly Lock _lock = new();

    private readonly LocalRedisServer? _redis;
    private readonly IReadOnlyDictionary<string, string>? _databases;
    private int _nextInstance;

    private ShopUnderChaos(
        LocalRedisServer? redis, LocalRedisCluster? cluster, int partitions, ShopProcesses services, string directory, ConnectionMultiplexer connection,
        LocalPostgresServer? postgres, IReadOnlyDictionary<string, string>? databases)
    {
        _redis = redis;
        Postgres = postgres;
        _databases = databases;
        Cluster = cluster;
        Partitions = partitions;
        Services = services;
        _directory = directory;
        Connection = connection;
    }

    /// <summary>The one redis-server (not on a cluster shop).</summary>
    public LocalRedisServer Redis => _redis ?? throw new InvalidOperationException("This shop runs on a Redis Cluster: use Cluster.");

    /// <summary>The services' PostgreSQL server (in the PostgreSQL assembly); null when they run on SQLite files.</summary>
    public LocalPostgresServer? Postgres { get; }

    /// <summary>True in the assembly that runs the suite on PostgreSQL.</summary>
    public static bool OnPostgres { get; } = typeof(ShopUnderChaos).Assembly.IsDefined(typeof(ChaosOnPostgresAttribute), inherit: false);

    /// <summary>The Redis Cluster, on a shop started with <see cref="StartOnClusterAsync"/>.</summary>
    public LocalRedisCluster? Cluster { get; }

    /// <summary>The partitions of every stream (Messaging:Partitions): 1 on one server.</summary>
    public int Partitions { get; }

    /// <summary>The keys of <paramref name="stream"/> as the contract names them: the stream itself, or <c>stream:{0}</c> … with partitions.</summary>
    public IReadOnlyList<string> KeysOf(string stream) =>
        Partitions == 1 ? [stream] : [.. Enumerable.Range(0, Partitions).Select(partition => $"{stream}:{{{partition}}}")];

    public ShopProcesses Services { get; }

    /// <summary>The test's own view of Redis (to inspect streams and inject entries), not used by the services.</summary>
    public ConnectionMultiplexer Connection { get; }

    public IDatabase Database => Connection.GetDatabase();

    /// <summary>Orders OrderService refused with 503, <c>Retry-After</c> and a ProblemDetails: its database was down.</summary>
    public int RefusedAsUnavailable => Volatile.Read(ref _refusedAsUnavailable);

    private int _refusedAsUnavailable;

    /// <summary>Every order the OrderService answered 202 for.</summary>
    public IReadOnlyList<Guid> AcceptedOrders
    {
        get
        {
            lock (_lock)
            {
                return [.. _accepted];
            }
        }
    }

    /// <param name="inventoryInstances">InventoryService processes sharing one database.</param>
    /// <param name="settings">More settings for every service (environment variable names), over the defaults below.</param>
    /// <param name="instancesOfEach">OrderService and NotificationService processes, each sharing its service's database.</param>
    public static async Task<ShopUnderChaos> StartAsync(int inventoryInstances = 1, IReadOnlyDictionary<string, string>? settings = null, int instancesOfEach = 1)
    {
        var redis = await LocalRedisServer.StartAsync(appendOnly: true);
        return await StartServicesAsync(redis, null, redis.ConnectionString, partitions: 1, inventoryInstances, settings, instancesOfEach);
    }

    /// <summary>On a 3-primary Redis Cluster with one replica each, every stream in <paramref name="partitions"/> partitions.</summary>
    public static async Task<ShopUnderChaos> StartOnClusterAsync(int partitions = 3)
    {
        var cluster = await LocalRedisCluster.StartAsync();
        // allowAdmin: Aspire's Redis health check asks a cluster for CLUSTER INFO, which StackExchange.Redis sends only then.
        return await StartServicesAsync(null, cluster, $"{cluster.ConnectionString},allowAdmin=true", partitions, inventoryInstances: 1, settings: null, instancesOfEach: 1);
    }

    private static async Task<ShopUnderChaos> StartServicesAsync(
        LocalRedisServer? redis, LocalRedisCluster? cluster, string connectionString, int partitions, int inventoryInstances,
        IReadOnlyDictionary<string, string>? settings, int instancesOfEach)
    {
        var directory = RunFolder.Create("shop-chaos-");
        var environment = new Dictionary<string, string>
        {
            ["Messaging__ReclaimAfter"] = ReclaimAfter.ToString("c", System.Globalization.CultureInfo.InvariantCulture),
            ["Messaging__BlockTimeout"] = "00:00:01",
            ["Messaging__StatsInterval"] = "00:00:01",
            ["Messaging__Outbox__SweepInterval"] = "00:00:01",
            ["Messaging__Outbox__LeaseDuration"] = "00:00:03",
            ["Messaging__Outbox__MaxRetryBackoff"] = "00:00:01",
            ["Messaging__Partitions"] = partitions.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // The saga's deadlines, scaled like ReclaimAfter: an order left without an answer is re-driven after 10 s.
            ["Orders__ReservationTimeout"] = "00:00:10",
            ["Orders__DeadlineScanInterval"] = "00:00:00.500",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        // On PostgreSQL a server of the test's own, like its redis-server: a test may kill it.
        if (OnPostgres)
        {
            PostgresAvailability.SkipUnless(PostgresAvailability.BinariesInstalled);
        }

        var postgres = OnPostgres ? await LocalPostgresServer.StartAsync() : null;
        var databases = postgres is null ? null : new[] { "orderdb", "inventorydb", "notificationdb" }
            .ToDictionary(name => name, name => PostgresDatabases.Create(postgres.AdminConnectionString, name));
        var services = ShopProcesses.Create(connectionString, directory, inventoryInstances, environment, instancesOfEach, instancesOfEach,
            databases is null ? null : name => databases[name]);
        await services.StartAsync();
        var connection = await ConnectionMultiplexer.ConnectAsync($"{connectionString},abortConnect=false");
        return new ShopUnderChaos(redis, cluster, partitions, services, directory, connection, postgres, databases);
    }

    public HttpClient Client(ServiceProcess service) => new() { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>A running instance of a service, taken in turn, as a load balancer would: a killed one is skipped.</summary>
    public ServiceProcess Live(IReadOnlyList<ServiceProcess> instances)
    {
        var running = instances.Where(instance => instance.ProcessId is not null).ToList();
        return running.Count == 0 ? instances[0] : running[Interlocked.Increment(ref _nextInstance) % running.Count];
    }

    /// <summary>
    /// Places an order; returns its id when OrderService accepted it (202), null when it could not be reached or said it
    /// cannot take orders now (503: its database is down).
    /// </summary>
    public async Task<Guid?> TryPlaceOrderAsync(string sku, int quantity)
    {
        using var orders = Client(Live(Services.OrderInstances));
        try
        {
            using var response = await orders.PostAsJsonAsync("/orders", new { customerId = "chaos", items = new[] { new { sku, quantity } } });
            if (response.StatusCode == System.Net.HttpStatusCode.ServiceUnavailable && response.Headers.RetryAfter is not null
                && response.Content.Headers.ContentType?.MediaType == "application/problem+json")
            {
                Interlocked.Increment(ref _refusedAsUnavailable);
                return null;
            }

            if (response.StatusCode != System.Net.HttpStatusCode.Accepted)
            {
                throw new InvalidOperationException($"POST /orders answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }

            var placed = await response.Content.ReadFromJsonAsync<JsonElement>(Json);
            var orderId = placed.GetProperty("orderId").GetGuid();
            lock (_lock)
            {
                _accepted.Add(orderId);
            }

            return orderId;
        }
        catch (HttpRequestException)
        {
            // The service is down (killed by the test): the order was not accepted, so nothing is owed for it.
            return null;
        }
    }

    /// <summary>
    /// <paramref name="count"/> orders, a few at a time, over the catalog: mostly small, every seventh larger than the
    /// stock of SKU-006 so that some are rejected. <paramref name="midway"/> runs once, after the first third.
    /// </summary>
    public async Task PlaceBurstAsync(int count, Func<Task>? midway = null)
    {
        string[] skus = ["SKU-001", "SKU-002", "SKU-003", "SKU-004", "SKU-005", "SKU-006"];
        for (var i = 0; i < count; i += 4)
        {
            await Task.WhenAll(Enumerable.Range(i, Math.Min(4, count - i)).Select(n =>
                n % 7 == 6 ? TryPlaceOrderAsync("SKU-006", 50) : TryPlaceOrderAsync(skus[n % skus.Length], 1 + (n % 3))));
            if (midway is not null && i <= count / 3 && i + 4 > count / 3)
            {
                await midway();
            }
        }
    }

    public async Task<Dictionary<string, (int Available, int Reserved)>> ProductsAsync()
    {
        using var inventory = Client(Live(Services.Inventory));
        var products = await inventory.GetFromJsonAsync<JsonElement>("/products", Json);
        return products.EnumerateArray().ToDictionary(
            product => product.GetProperty("sku").GetString()!,
            product => (product.GetProperty("available").GetInt32(), product.GetProperty("reserved").GetInt32()));
    }

    public async Task<JsonElement> OrderAsync(Guid orderId)
    {
        using var orders = Client(Live(Services.OrderInstances));
        return await orders.GetFromJsonAsync<JsonElement>($"/orders/{orderId}", Json);
    }

    public async Task<JsonElement[]> NotificationsAsync(Guid orderId)
    {
        using var notifications = Client(Live(Services.NotificationInstances));
        var list = await notifications.GetFromJsonAsync<JsonElement>($"/notifications?orderId={orderId}", Json);
        return [.. list.EnumerateArray()];
    }

    /// <summary>
    /// Holds the inventory database's write lock from another connection until disposed: every InventoryService handler
    /// that writes stock blocks meanwhile (SQLite's busy timeout; PostgreSQL's lock queue).
    /// </summary>
    public async Task<IAsyncDisposable> HoldInventoryWriteLockAsync()
    {
        System.Data.Common.DbConnection connection = Postgres is null
            ? new Microsoft.Data.Sqlite.SqliteConnection(ShopProcesses.SqliteFile(_directory, "inventorydb"))
            : new Npgsql.NpgsqlConnection(_databases!["inventorydb"]);
        await connection.OpenAsync();
        var transaction = await connection.BeginTransactionAsync();
        // SQLite: Microsoft.Data.Sqlite begins with BEGIN IMMEDIATE, which takes the write lock at once. PostgreSQL: a
        // lock on the products table that lets readers read and makes every writer wait.
        if (Postgres is not null)
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "LOCK TABLE products IN EXCLUSIVE MODE";
            await command.ExecuteNonQueryAsync();
        }

        return new WriteLock(connection, transaction);
    }

    private sealed class WriteLock(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await transaction.RollbackAsync();
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Services.DisposeAsync();
        await Connection.DisposeAsync();
        _redis?.Dispose();
        if (Cluster is not null)
        {
            await Cluster.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Postgres is not null)
        {
            Npgsql.NpgsqlConnection.ClearAllPools();
            await Postgres.DisposeAsync();
        }

        RunFolder.Remove(_directory);
    }
}
