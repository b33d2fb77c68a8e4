using Shop.Messaging.Functions;
using StackExchange.Redis;

namespace Shop.Testing;

/// <summary>
/// The three services as real OS processes against one Redis, each service with its own database (SQLite files in the
/// folder given to <see cref="Create"/>, or the databases a test gives), configured through environment variables with
/// the setting names docs/settings.md gives. Any service may run several instances: consumers of one group,
/// each with its own name, sharing the service's database.
/// </summary>
public sealed class ShopProcesses : IAsyncDisposable
{
    private readonly string _redisConnectionString;
    private readonly List<ServiceProcess> _all = [];

    private ShopProcesses(string redisConnectionString) => _redisConnectionString = redisConnectionString;

    /// <summary>The first OrderService instance.</summary>
    public ServiceProcess Orders => OrderInstances[0];

    public IReadOnlyList<ServiceProcess> OrderInstances { get; private set; } = [];

    /// <summary>Every InventoryService instance.</summary>
    public IReadOnlyList<ServiceProcess> Inventory { get; private set; } = [];

    /// <summary>The first NotificationService instance.</summary>
    public ServiceProcess Notifications => NotificationInstances[0];

    public IReadOnlyList<ServiceProcess> NotificationInstances { get; private set; } = [];

    public IEnumerable<ServiceProcess> All => _all;

    /// <param name="redisConnectionString">Where every service finds Redis.</param>
    /// <param name="directory">The SQLite files (unless <paramref name="databases"/> says otherwise) and the processes' logs go here.</param>
    /// <param name="inventoryInstances">How many InventoryService processes share the inventory database.</param>
    /// <param name="settings">Extra settings for every service, e.g. <c>Messaging__ReclaimAfter</c>.</param>
    /// <param name="orderInstances">How many OrderService processes share the order database.</param>
    /// <param name="notificationInstances">How many NotificationService processes share the notification database.</param>
    /// <param name="databases">
    /// Each service's connection string by its name (<c>orderdb</c>, <c>inventorydb</c>, <c>notificationdb</c>); SQLite
    /// files in <paramref name="directory"/> when null.
    /// </param>
    public static ShopProcesses Create(
        string redisConnectionString, string directory, int inventoryInstances = 1, IReadOnlyDictionary<string, string>? settings = null,
        int orderInstances = 1, int notificationInstances = 1, Func<string, string>? databases = null)
    {
        var shop = new ShopProcesses(redisConnectionString);
        var logs = Path.Combine(directory, "logs");
        databases ??= name => SqliteFile(directory, name);
        IReadOnlyList<ServiceProcess> Instances(string project, string database, int count)
        {
            var environment = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
            {
                ["ConnectionStrings__redis"] = redisConnectionString,
                [$"ConnectionStrings__{database}"] = databases(database),
            };
            return [.. Enumerable.Range(1, count).Select(i => ServiceProcess.Create(project, $"{project.ToLowerInvariant()}-{i}", environment, logs))];
        }

        shop.OrderInstances = Instances("OrderService", "orderdb", orderInstances);
        shop.Inventory = Instances("InventoryService", "inventorydb", inventoryInstances);
        shop.NotificationInstances = Instances("NotificationService", "notificationdb", notificationInstances);
        shop._all.AddRange([.. shop.OrderInstances, .. shop.Inventory, .. shop.NotificationInstances]);
        return shop;
    }

    /// <summary>The SQLite file of a service's database in <paramref name="directory"/>: <c>orders.db</c>, <c>inventory.db</c>, <c>notifications.db</c>.</summary>
    public static string SqliteFile(string directory, string database) => $"Data Source={Path.Combine(directory, database switch
    {
        "orderdb" => "orders.db",
        "inventorydb" => "inventory.db",
        "notificationdb" => "notifications.db",
        _ => database + ".db",
    })}";

    /// <summary>
    /// Starts every process at once, as replicas start — migrations and seeding are theirs to take turns on — after the
    /// privileged step the AppHost takes on a Redis of its own: the bus's functions loaded (the tests' services connect
    /// as the default user, which may).
    /// </summary>
    public async Task StartAsync()
    {
        await using (var admin = await ConnectionMultiplexer.ConnectAsync($"{_redisConnectionString},allowAdmin=true"))
        {
            await MessagingFunctions.EnsureLoadedAsync(admin);
        }

        await Task.WhenAll(_all.Select(service => service.StartAsync()));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _all)
        {
            await service.DisposeAsync();
        }
    }
}
