using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;
using Shop.Contracts.Inventory;
using Shop.Contracts.Orders;
using Shop.InventoryService.Data;
using Shop.Messaging.Events;
using Shop.OrderService.Data;
using Shop.OrderService.Handlers;
using Shop.Services.Tests.Support;
using StackExchange.Redis;

namespace Shop.Services.Tests;

/// <summary>
/// Events that are well-formed and valid, but do not fit the saga — an order nobody placed, an answer that contradicts
/// its order, a second order of the same id — are settled, never ignored: no stock stays held for an order that does not
/// exist or will not use it, and nothing is applied twice.
/// </summary>
public sealed class SagaSettlementTests(RedisFixture redis)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task OrderPlaced_for_an_order_OrderService_never_placed_is_reserved_then_given_back()
    {
        await using var shop = ShopInProcess.Start(redis);
        var before = await shop.GetProductAsync("SKU-002");
        var forged = new OrderPlaced(Guid.NewGuid(), "c-forged", [new OrderLine("SKU-002", 5)]);

        // Written straight into the stream: OrderService has no such order.
        await RawEntries.AddAsync(shop.Redis, Streams.Orders, forged);

        await Wait.UntilAsync(async () => await ReleaseAsked(shop.Redis, forged.OrderId) is not null, Timeout, "OrderService to ask for the stock back");
        Assert.Equal(StockReservedHandler.UnknownOrderReason, await ReleaseAsked(shop.Redis, forged.OrderId));
        await Wait.UntilAsync(async () => await shop.GetProductAsync("SKU-002") == before, Timeout, "the stock back on the shelf");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await shop.OrdersClient.GetAsync($"/orders/{forged.OrderId}", _cancellation)).StatusCode);
        using var scope = shop.Inventory.Services.CreateScope();
        var reservation = await scope.ServiceProvider.GetRequiredService<InventoryDb>().Reservations.SingleAsync(r => r.OrderId == forged.OrderId, _cancellation);
        Assert.NotNull(reservation.ReleasedAt);
    }

    [Fact]
    public async Task Reservation_that_contradicts_a_pending_order_rejects_it_and_asks_for_the_stock_back()
    {
        // OrderService alone: the order stays pending until the test answers for inventory.
        var database = redis.Connection.GetDatabase(redis.UniqueDatabase());
        await using var orders = new ServiceHost<OrderDb>(redis.ConnectionStringFor(database.Database), "orderdb");
        using var client = orders.CreateClient();
        var response = await client.PostAsJsonAsync("/orders", new { customerId = "c-1", items = new[] { new { sku = "SKU-001", quantity = 2 } } }, _cancellation);
        var orderId = (await response.Content.ReadFromJsonAsync<PlacedOrder>(_cancellation))!.OrderId;

        // Five units instead of two: the two services disagree on what was ordered.
        await RawEntries.AddAsync(database, Streams.Inventory, new StockReserved(orderId, [new OrderLine("SKU-001", 5)]));

        OrderView? order = null;
        await Wait.UntilAsync(async () => (order = await client.GetFromJsonAsync<OrderView>($"/orders/{orderId}", _cancellation))!.Status != "Pending",
            Timeout, "the order to be decided");
        Assert.Equal(("Rejected", StockReservedHandler.ContradictingReservationReason), (order!.Status, order.Reason));
        await Wait.UntilAsync(async () => await ReleaseAsked(database, orderId) is not null, Timeout, "the stock asked back");
        Assert.Equal(StockReservedHandler.ContradictingReservationReason, await ReleaseAsked(database, orderId));
    }

    [Fact]
    public async Task Reservation_that_matches_the_order_line_for_line_in_another_split_confirms_it()
    {
        // Inventory answers one line per product: two lines of one SKU come back as one.
        var database = redis.Connection.GetDatabase(redis.UniqueDatabase());
        await using var orders = new ServiceHost<OrderDb>(redis.ConnectionStringFor(database.Database), "orderdb");
        using var client = orders.CreateClient();
        var response = await client.PostAsJsonAsync("/orders", new
        {
            customerId = "c-1",
            items = new[] { new { sku = "SKU-001", quantity = 2 }, new { sku = "SKU-002", quantity = 1 }, new { sku = "SKU-001", quantity = 3 } },
        }, _cancellation);
        var orderId = (await response.Content.ReadFromJsonAsync<PlacedOrder>(_cancellation))!.OrderId;

        await RawEntries.AddAsync(database, Streams.Inventory, new StockReserved(orderId, [new OrderLine("SKU-002", 1), new OrderLine("SKU-001", 5)]));

        await Wait.UntilAsync(async () => (await client.GetFromJsonAsync<OrderView>($"/orders/{orderId}", _cancellation))!.Status == "Confirmed",
            Timeout, "the order to be confirmed");
        Assert.Null(await ReleaseAsked(database, orderId));
    }

    [Fact]
    public async Task Second_OrderPlaced_for_an_order_reserved_already_is_dead_lettered_at_once_and_reserves_nothing()
    {
        var database = redis.Connection.GetDatabase(redis.UniqueDatabase());
        await using var inventory = new ServiceHost<InventoryDb>(redis.ConnectionStringFor(database.Database), "inventorydb");
        using var client = inventory.CreateClient();
        var first = new OrderPlaced(Guid.NewGuid(), "c-1", [new OrderLine("SKU-003", 4)]);
        await RawEntries.AddAsync(database, Streams.Orders, first);
        await Wait.UntilAsync(async () => (await client.GetFromJsonAsync<ProductView>("/products/SKU-003", _cancellation))!.Reserved == 4,
            Timeout, "the first reservation");

        // The same order again, as another event: not a redelivery (the inbox would know it), a second order of one id.
        var second = first with { Id = EventIds.NewId(), Lines = [new OrderLine("SKU-003", 4), new OrderLine("SKU-001", 1)] };
        var entryId = await RawEntries.AddAsync(database, Streams.Orders, second);

        var deadLetter = await RawEntries.DeadLetterAsync(database, Streams.Orders, "inventory-service", entryId);
        Assert.Equal("1", deadLetter[EntryFields.Deliveries]);
        Assert.Contains($"Order {first.OrderId} is reserved already", (string?)deadLetter[EntryFields.Error], StringComparison.Ordinal);
        Assert.Equal(new ProductView("SKU-003", "Pour-over kettle", 21, 4), await client.GetFromJsonAsync<ProductView>("/products/SKU-003", _cancellation));
        Assert.Equal(new ProductView("SKU-001", "Espresso beans, 1 kg", 100, 0), await client.GetFromJsonAsync<ProductView>("/products/SKU-001", _cancellation));
    }

    /// <summary>The reason of the StockReleaseRequested OrderService published for <paramref name="orderId"/>, or null.</summary>
    private static async Task<string?> ReleaseAsked(IDatabase database, Guid orderId) =>
        (await database.StreamRangeAsync(Streams.Orders))
            .Where(entry => entry[EntryFields.Type] == nameof(StockReleaseRequested))
            .Select(entry => System.Text.Json.JsonSerializer.Deserialize(entry[EntryFields.Data].ToString(), ContractsJsonContext.Default.StockReleaseRequested)!)
            .Where(request => request.OrderId == orderId)
            .Select(request => request.Reason)
            .FirstOrDefault();
}
