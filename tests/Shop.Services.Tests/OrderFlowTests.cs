using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shop.InventoryService.Data;
using Shop.Services.Tests.Support;

namespace Shop.Services.Tests;

/// <summary>The saga across the three services, through a real Redis and three real SQLite files.</summary>
public sealed class OrderFlowTests(RedisFixture redis)
{
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Order_with_stock_is_confirmed_and_notified_exactly_once()
    {
        await using var shop = ShopInProcess.Start(redis);

        var orderId = await shop.PlaceOrderAsync("c-1", ("SKU-001", 2));

        var order = await shop.WaitForOrderAsync(orderId, o => o.NotifiedAt is not null, "the order to be confirmed and notified");
        Assert.Equal("Confirmed", order.Status);
        Assert.Equal(new ProductView("SKU-001", "Espresso beans, 1 kg", 98, 2), await shop.GetProductAsync("SKU-001"));
        var notification = Assert.Single(await shop.NotificationsForAsync(orderId));
        Assert.Equal(("c-1", "OrderConfirmed"), (notification.CustomerId, notification.Kind));
    }

    [Fact]
    public async Task Order_over_stock_is_rejected_with_a_reason_and_leaves_all_stock_untouched()
    {
        await using var shop = ShopInProcess.Start(redis);

        // The first line fits, the second does not: all or nothing, so neither is reserved.
        var orderId = await shop.PlaceOrderAsync("c-2", ("SKU-002", 1), ("SKU-006", 4));

        var order = await shop.WaitForOrderAsync(orderId, o => o.NotifiedAt is not null, "the order to be rejected and notified");
        Assert.Equal("Rejected", order.Status);
        Assert.Contains("SKU-006", order.Reason, StringComparison.Ordinal);
        Assert.Equal((50, 0), ((await shop.GetProductAsync("SKU-002")).Available, (await shop.GetProductAsync("SKU-002")).Reserved));
        Assert.Equal(3, (await shop.GetProductAsync("SKU-006")).Available);
        Assert.Equal("OrderRejected", Assert.Single(await shop.NotificationsForAsync(orderId)).Kind);
        // Nothing of the line that did fit is left behind, or a later cancel would "release" stock never taken.
        using var scope = shop.Inventory.Services.CreateScope();
        Assert.False(await scope.ServiceProvider.GetRequiredService<InventoryDb>().Reservations
            .AnyAsync(reservation => reservation.OrderId == orderId, _cancellation));
    }

    [Fact]
    public async Task Order_for_an_unknown_sku_is_accepted_then_rejected_naming_the_sku()
    {
        // OrderService cannot know the catalog (it lives in InventoryService): a well-formed but unknown SKU is
        // accepted, and inventory's answer rejects it.
        await using var shop = ShopInProcess.Start(redis);

        var orderId = await shop.PlaceOrderAsync("c-10", ("SKU-001", 1), ("SKU-999", 1));

        var order = await shop.WaitForOrderAsync(orderId, o => o.Status != "Pending", "the order to be decided");
        Assert.Equal(("Rejected", "Unknown SKU SKU-999."), (order.Status, order.Reason));
        Assert.Equal(100, (await shop.GetProductAsync("SKU-001")).Available);
    }

    [Fact]
    public async Task Cancelling_a_confirmed_order_gives_its_stock_back()
    {
        await using var shop = ShopInProcess.Start(redis);
        var orderId = await shop.PlaceOrderAsync("c-3", ("SKU-003", 5));
        await shop.WaitForOrderAsync(orderId, o => o.Status == "Confirmed", "the order to be confirmed");

        var response = await shop.OrdersClient.PostAsync($"/orders/{orderId}/cancel", null, _cancellation);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Wait.UntilAsync(async () => await shop.GetProductAsync("SKU-003") is { Available: 25, Reserved: 0 }, TimeSpan.FromSeconds(30), "the stock to come back");
        var order = await shop.WaitForOrderAsync(orderId, o => o.NotifiedAt is not null, "the cancellation to be notified");
        Assert.Equal("Cancelled", order.Status);
    }

    [Fact]
    public async Task Cancelling_a_pending_order_releases_whatever_gets_reserved()
    {
        await using var shop = ShopInProcess.Start(redis);
        var orderId = await shop.PlaceOrderAsync("c-8", ("SKU-005", 20));

        // At once, before inventory has answered (or just after: either way nothing may stay reserved).
        var response = await shop.OrdersClient.PostAsync($"/orders/{orderId}/cancel", null, _cancellation);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await Wait.UntilAsync(async () => await shop.GetProductAsync("SKU-005") is { Available: 200, Reserved: 0 }
                                           && (await shop.NotificationsForAsync(orderId)).Any(n => n.Kind == "OrderCancelled"),
            TimeSpan.FromSeconds(30), "the stock back and the cancellation notified");
        Assert.Equal("Cancelled", (await shop.GetOrderAsync(orderId)).Status);
    }

    [Fact]
    public async Task Cancelling_a_rejected_order_is_a_conflict()
    {
        await using var shop = ShopInProcess.Start(redis);
        var orderId = await shop.PlaceOrderAsync("c-4", ("SKU-006", 99));
        await shop.WaitForOrderAsync(orderId, o => o.Status == "Rejected", "the order to be rejected");

        var response = await shop.OrdersClient.PostAsync($"/orders/{orderId}/cancel", null, _cancellation);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Fifty_concurrent_orders_for_ten_units_reserve_exactly_ten_and_reject_the_rest()
    {
        await using var shop = ShopInProcess.Start(redis);

        var orderIds = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => shop.PlaceOrderAsync($"rush-{i}", ("SKU-004", 1))));

        var orders = new List<OrderView>();
        foreach (var orderId in orderIds)
        {
            orders.Add(await shop.WaitForOrderAsync(orderId, o => o.Status != "Pending", "every order to be decided"));
        }

        Assert.Equal(10, orders.Count(order => order.Status == "Confirmed"));
        Assert.Equal(40, orders.Count(order => order.Status == "Rejected"));
        Assert.Equal(new ProductView("SKU-004", "Hand grinder", 0, 10), await shop.GetProductAsync("SKU-004"));
    }
}
