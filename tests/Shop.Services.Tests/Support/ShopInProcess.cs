using System.Net.Http.Json;
using Shop.InventoryService.Data;
using Shop.NotificationService.Data;
using Shop.OrderService.Data;

namespace Shop.Services.Tests.Support;

/// <summary>The three services in one test process, sharing one Redis database of their own.</summary>
public sealed class ShopInProcess : IAsyncDisposable
{
    private ShopInProcess(RedisFixture redis, int database, IDictionary<string, string?>? settings)
    {
        var connectionString = redis.ConnectionStringFor(database);
        Redis = redis.Connection.GetDatabase(database);
        Orders = new ServiceHost<OrderDb>(connectionString, "orderdb", settings);
        Inventory = new ServiceHost<InventoryDb>(connectionString, "inventorydb", settings);
        Notifications = new ServiceHost<NotificationDb>(connectionString, "notificationdb", settings);
    }

    /// <summary>The services' Redis database, for what the test writes into the streams or reads from them itself.</summary>
    public StackExchange.Redis.IDatabase Redis { get; }

    public ServiceHost<OrderDb> Orders { get; }

    public ServiceHost<InventoryDb> Inventory { get; }

    public ServiceHost<NotificationDb> Notifications { get; }

    public HttpClient OrdersClient => field ??= Orders.CreateClient();

    public HttpClient InventoryClient => field ??= Inventory.CreateClient();

    public HttpClient NotificationsClient => field ??= Notifications.CreateClient();

    public static ShopInProcess Start(RedisFixture redis, IDictionary<string, string?>? settings = null)
    {
        var shop = new ShopInProcess(redis, redis.UniqueDatabase(), settings);
        // Creating the clients starts the hosts: migrations, seed, consumer groups.
        _ = shop.OrdersClient;
        _ = shop.InventoryClient;
        _ = shop.NotificationsClient;
        return shop;
    }

    public async ValueTask DisposeAsync()
    {
        await Orders.DisposeAsync();
        await Inventory.DisposeAsync();
        await Notifications.DisposeAsync();
    }

    public async Task<Guid> PlaceOrderAsync(string customerId, params (string Sku, int Quantity)[] items)
    {
        var response = await OrdersClient.PostAsJsonAsync("/orders", new
        {
            customerId,
            items = items.Select(item => new { sku = item.Sku, quantity = item.Quantity }),
        }, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
        var placed = await response.Content.ReadFromJsonAsync<PlacedOrder>(TestContext.Current.CancellationToken);
        return placed!.OrderId;
    }

    public async Task<OrderView> GetOrderAsync(Guid orderId) =>
        (await OrdersClient.GetFromJsonAsync<OrderView>($"/orders/{orderId}", TestContext.Current.CancellationToken))!;

    public async Task<ProductView> GetProductAsync(string sku) =>
        (await InventoryClient.GetFromJsonAsync<ProductView>($"/products/{sku}", TestContext.Current.CancellationToken))!;

    public async Task<List<NotificationView>> NotificationsForAsync(Guid orderId) =>
        (await NotificationsClient.GetFromJsonAsync<List<NotificationView>>($"/notifications?orderId={orderId}", TestContext.Current.CancellationToken))!;

    public async Task<OrderView> WaitForOrderAsync(Guid orderId, Func<OrderView, bool> condition, string what)
    {
        OrderView? order = null;
        await Wait.UntilAsync(async () => condition(order = await GetOrderAsync(orderId)), TimeSpan.FromSeconds(30), what);
        return order!;
    }
}

public sealed record PlacedOrder(Guid OrderId, string Status);

public sealed record OrderView(Guid OrderId, string CustomerId, string Status, List<LineView> Items, string? Reason, DateTime CreatedAt, DateTime UpdatedAt, DateTime? NotifiedAt);

public sealed record LineView(string Sku, int Quantity);

public sealed record ProductView(string Sku, string Name, int Available, int Reserved);

public sealed record NotificationView(Guid Id, Guid? OrderId, string CustomerId, string Kind, string Message, DateTime CreatedAt, Guid SourceEventId);
