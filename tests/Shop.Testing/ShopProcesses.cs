using Shop.Messaging.Functions;
using StackExchange.Redis;

namespace Shop.Testing;

/// <summary>
/// The three services as real OS processes against one Redis, each with its own SQLite file in
/// the folder given to <see cref="Create"/>, configured through environment variables with the setting names the README's *Settings* gives.
/// </summary>
public sealed class ShopProcesses : IAsyncDisposable
{
    private readonly string _redisConnectionString;
    private readonly List<ServiceProcess> _all = [];

    private ShopProcesses(string redisConnectionString) => _redisConnectionString = redisConnectionString;

    public ServiceProcess Orders { get; private set; } = null!;

    /// <summary>One or more InventoryService instances: consumers of one group, each with its own name.</summary>
    public IReadOnlyList<ServiceProcess> Inventory { get; private set; } = [];

    public ServiceProcess Notifications { get; private set; } = null!;

    public IEnumerable<ServiceProcess> All => _all;

    /// <param name="redisConnectionString">Where every service finds Redis.</param>
    /// <param name="directory">The SQLite files and the processes' logs go here.</param>
    /// <param name="inventoryInstances">How many InventoryService processes share the inventory database.</param>
    /// <param name="settings">Extra settings for every service, e.g. <c>Messaging__ReclaimAfter</c>.</param>
    public static ShopProcesses Create(
        string redisConnectionString, string directory, int inventoryInstances = 1, IReadOnlyDictionary<string, string>? settings = null)
    {
        var shop = new ShopProcesses(redisConnectionString);
        var logs = Path.Combine(directory, "logs");
        Dictionary<string, string> Environment(string database, string file)
        {
            var environment = new Dictionary<string, string>(settings ?? new Dictionary<string, string>())
            {
                ["ConnectionStrings__redis"] = redisConnectionString,
                [$"ConnectionStrings__{database}"] = $"Data Source={Path.Combine(directory, file)}",
            };
            return environment;
        }

        shop.Orders = ServiceProcess.Create("OrderService", "orderservice-1", Environment("orderdb", "orders.db"), logs);
        shop.Inventory = [.. Enumerable.Range(1, inventoryInstances).Select(i =>
            ServiceProcess.Create("InventoryService", $"inventoryservice-{i}", Environment("inventorydb", "inventory.db"), logs))];
        shop.Notifications = ServiceProcess.Create("NotificationService", "notificationservice-1", Environment("notificationdb", "notifications.db"), logs);
        shop._all.AddRange([shop.Orders, .. shop.Inventory, shop.Notifications]);
        return shop;
    }

    /// <summary>
    /// Starts every process (the first InventoryService alone first: it creates and seeds the shared database), after
    /// the privileged step the AppHost takes on a Redis of its own: the bus's functions loaded (the tests' services
    /// connect as the default user, which may).
    /// </summary>
    public async Task StartAsync()
    {
        await using (var admin = await ConnectionMultiplexer.ConnectAsync($"{_redisConnectionString},allowAdmin=true"))
        {
            await MessagingFunctions.EnsureLoadedAsync(admin);
        }

        await Inventory[0].StartAsync();
        await Task.WhenAll(_all.Where(service => service != Inventory[0]).Select(service => service.StartAsync()));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var service in _all)
        {
            await service.DisposeAsync();
        }
    }
}
