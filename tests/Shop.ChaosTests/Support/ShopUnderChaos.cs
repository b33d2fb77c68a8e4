using System.Net.Http.Json;
using System.Text.Json;
using Shop.Testing;
using StackExchange.Redis;

namespace Shop.ChaosTests.Support;

/// <summary>
/// One test's whole world: its own <c>redis-server</c> (AOF on, as in production), or its own Redis Cluster, and the
/// three services as real processes against it, configured for fast failure handling (<see cref="ReclaimAfter"/>) so
/// faults resolve in seconds.
/// </summary>
public sealed class ShopUnderChaos : IAsyncDisposable
{
    public static readonly TimeSpan ReclaimAfter = TimeSpan.FromSeconds(3);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly string _directory;
    private readonly List<Guid> _accepted = [];
    private readonly Lock _lock = new();

    private readonly LocalRedisServer? _redis;

    private ShopUnderChaos(
        LocalRedisServer? redis, LocalRedisCluster? cluster, int partitions, ShopProcesses services, string directory, ConnectionMultiplexer connection)
    {
        _redis = redis;
        Cluster = cluster;
        Partitions = partitions;
        Services = services;
        _directory = directory;
        Connection = connection;
    }

    /// <summary>The one redis-server (not on a cluster shop).</summary>
    public LocalRedisServer Redis => _redis ?? throw new InvalidOperationException("This shop runs on a Redis Cluster: use Cluster.");

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
    public static async Task<ShopUnderChaos> StartAsync(int inventoryInstances = 1, IReadOnlyDictionary<string, string>? settings = null)
    {
        var redis = await LocalRedisServer.StartAsync(appendOnly: true);
        return await StartServicesAsync(redis, null, redis.ConnectionString, partitions: 1, inventoryInstances, settings);
    }

    /// <summary>On a 3-primary Redis Cluster with one replica each, every stream in <paramref name="partitions"/> partitions.</summary>
    public static async Task<ShopUnderChaos> StartOnClusterAsync(int partitions = 3)
    {
        var cluster = await LocalRedisCluster.StartAsync();
        // allowAdmin: Aspire's Redis health check asks a cluster for CLUSTER INFO, which StackExchange.Redis sends only then.
        return await StartServicesAsync(null, cluster, $"{cluster.ConnectionString},allowAdmin=true", partitions, inventoryInstances: 1, settings: null);
    }

    private static async Task<ShopUnderChaos> StartServicesAsync(
        LocalRedisServer? redis, LocalRedisCluster? cluster, string connectionString, int partitions, int inventoryInstances,
        IReadOnlyDictionary<string, string>? settings)
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

        var services = ShopProcesses.Create(connectionString, directory, inventoryInstances, environment);
        await services.StartAsync();
        var connection = await ConnectionMultiplexer.ConnectAsync($"{connectionString},abortConnect=false");
        return new ShopUnderChaos(redis, cluster, partitions, services, directory, connection);
    }

    public HttpClient Client(ServiceProcess service) => new() { BaseAddress = service.BaseAddress, Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>Places an order; returns its id when OrderService accepted it (202), null when it could not be reached.</summary>
    public async Task<Guid?> TryPlaceOrderAsync(string sku, int quantity)
    {
        using var orders = Client(Services.Orders);
        try
        {
            using var response = await orders.PostAsJsonAsync("/orders", new { customerId = "chaos", items = new[] { new { sku, quantity } } });
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
        using var inventory = Client(Services.Inventory.First(instance => instance.ProcessId is not null));
        var products = await inventory.GetFromJsonAsync<JsonElement>("/products", Json);
        return products.EnumerateArray().ToDictionary(
            product => product.GetProperty("sku").GetString()!,
            product => (product.GetProperty("available").GetInt32(), product.GetProperty("reserved").GetInt32()));
    }

    public async Task<JsonElement> OrderAsync(Guid orderId)
    {
        using var orders = Client(Services.Orders);
        return await orders.GetFromJsonAsync<JsonElement>($"/orders/{orderId}", Json);
    }

    public async Task<JsonElement[]> NotificationsAsync(Guid orderId)
    {
        using var notifications = Client(Services.Notifications);
        var list = await notifications.GetFromJsonAsync<JsonElement>($"/notifications?orderId={orderId}", Json);
        return [.. list.EnumerateArray()];
    }

    public string DatabaseFile(string name) => Path.Combine(_directory, name);

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
        RunFolder.Remove(_directory);
    }
}
