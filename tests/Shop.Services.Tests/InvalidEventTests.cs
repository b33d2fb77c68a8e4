using System.Net.Http.Json;
using Shop.Contracts;
using Shop.InventoryService.Data;
using Shop.Messaging.Events;
using Shop.NotificationService.Data;
using Shop.OrderService.Data;
using Shop.Services.Tests.Support;
using StackExchange.Redis;

namespace Shop.Services.Tests;

/// <summary>
/// Consumers check what an event claims before they touch state: an entry that is well-formed but breaks one of its
/// event's rules (<see cref="IntegrationEvent.Validate"/>), or lacks a field its record needs, is dead-lettered by the
/// first delivery — no retry, no redelivery — with the rule in its <c>error</c>, and changes nothing. One case per rule,
/// through each consuming service's real bus and database.
/// </summary>
public sealed class InvalidEventTests(RedisFixture redis)
{
    private const string OrderId = "0193a0c8-0000-7000-8000-000000000001";
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    public static TheoryData<string, string> InvalidOrderPlaced => new()
    {
        { Placed(items: Line("SKU-001", "0")), "items[0].quantity is 0; it must be 1 to 10000." },
        { Placed(items: Line("SKU-001", "-3")), "items[0].quantity is -3" },
        { Placed(items: Line("SKU-001", "10001")), "items[0].quantity is 10001" },
        { Placed(items: ""), "items is missing or empty" },
        { Placed(items: string.Join(",", Enumerable.Repeat(Line("SKU-001", "1"), 101))), "items has 101 lines; at most 100." },
        { Placed(items: "null"), "items[0] is null." },
        { Placed(items: Line("SKU 001", "1")), "items[0].sku is 'SKU 001', not 1 to 64 letters, digits or dashes." },
        { Placed(items: Line(new string('S', 65), "1")), "items[0].sku is" },
        { Placed(orderId: Guid.Empty.ToString()), "orderId is missing or empty." },
        { Placed(customerId: "   "), "customerId is missing or blank." },
        { Placed(customerId: new string('c', 101)), "customerId has 101 characters; at most 100." },
        // Shape, checked by the contracts' JSON before any rule: a missing or null field the record needs.
        { """{"orderId":"0193a0c8-0000-7000-8000-000000000001","items":[{"sku":"SKU-001","quantity":1}]}""", "customerId" },
        { """{"orderId":"0193a0c8-0000-7000-8000-000000000001","customerId":"c-1","items":null}""", "items" },
    };

    public static TheoryData<string, string, string> InvalidAnswers => new()
    {
        { "StockReserved", $$"""{"orderId":"{{OrderId}}","items":[{"sku":"SKU-001","quantity":0}]}""", "items[0].quantity is 0" },
        { "StockReserved", $$"""{"orderId":"{{OrderId}}","items":[]}""", "items is missing or empty" },
        { "StockReserved", """{"orderId":"00000000-0000-0000-0000-000000000000","items":[{"sku":"SKU-001","quantity":1}]}""", "orderId is missing or empty." },
        { "StockReservationFailed", $$"""{"orderId":"{{OrderId}}","reason":""}""", "reason is missing or blank." },
        { "StockReservationFailed", $$"""{"orderId":"{{OrderId}}","reason":"{{new string('r', 401)}}"}""", "reason has 401 characters; at most 400." },
        { "CustomerNotified", $$"""{"notificationId":"00000000-0000-0000-0000-000000000000","orderId":"{{OrderId}}","customerId":"c-1","kind":"OrderConfirmed","sourceEventId":"{{OrderId}}"}""", "notificationId is missing or empty." },
        { "CustomerNotified", $$"""{"notificationId":"{{OrderId}}","orderId":"{{OrderId}}","customerId":"c-1","kind":"{{new string('k', 41)}}","sourceEventId":"{{OrderId}}"}""", "kind has 41 characters; at most 40." },
    };

    public static TheoryData<string, string, string> InvalidNotificationCauses => new()
    {
        { "OrderConfirmed", $$"""{"orderId":"{{OrderId}}","customerId":""}""", "customerId is missing or blank." },
        { "OrderRejected", $$"""{"orderId":"{{OrderId}}","customerId":"c-1","reason":"   "}""", "reason is missing or blank." },
        { "StockLow", """{"sku":"SKU-001","available":-1,"threshold":10}""", "available is -1; it must be 0 to" },
        { "StockLow", """{"sku":"","available":1,"threshold":10}""", "sku is '', not 1 to 64 letters" },
    };

    [Theory]
    [MemberData(nameof(InvalidOrderPlaced))]
    public async Task OrderPlaced_that_breaks_a_rule_is_dead_lettered_by_its_first_delivery_and_reserves_nothing(string data, string reason)
    {
        var database = redis.Connection.GetDatabase(redis.UniqueDatabase());
        await using var inventory = new ServiceHost<InventoryDb>(redis.ConnectionStringFor(database.Database), "inventorydb");
        using var client = inventory.CreateClient();
        var before = await client.GetFromJsonAsync<List<ProductView>>("/products", _cancellation);

        var entryId = await RawEntries.AddJsonAsync(database, Streams.Orders, "OrderPlaced", data);

        await AssertDeadLetteredAtOnceAsync(database, Streams.Orders, "inventory-service", entryId, reason);
        Assert.Equal(before, await client.GetFromJsonAsync<List<ProductView>>("/products", _cancellation));
        Assert.Equal(0, await database.StreamLengthAsync(Streams.Inventory)); // no answer, no StockLow
    }

    [Theory]
    [MemberData(nameof(InvalidAnswers))]
    public async Task Answer_that_breaks_a_rule_is_dead_lettered_by_its_first_delivery_and_leaves_the_order_as_it_is(string type, string data, string reason)
    {
        var database = redis.Connection.GetDatabase(redis.UniqueDatabase());
        await using var orders = new ServiceHost<OrderDb>(redis.ConnectionStringFor(database.Database), "orderdb");
        using var client = orders.CreateClient();
        var placed = await client.PostAsJsonAsync("/orders", new { customerId = "c-1", items = new[] { new { sku = "SKU-001", quantity = 1 } } }, _cancellation);
        var order = (await placed.Content.ReadFromJsonAsync<PlacedOrder>(_cancellation))!;
        var stream = type == "CustomerNotified" ? Streams.Notifications : Streams.Inventory;

        var entryId = await RawEntries.AddJsonAsync(database, stream, type, data.Replace(OrderId, order.OrderId.ToString(), StringComparison.Ordinal));

        await AssertDeadLetteredAtOnceAsync(database, stream, "order-service", entryId, reason);
        var now = await client.GetFromJsonAsync<OrderView>($"/orders/{order.OrderId}", _cancellation);
        Assert.Equal(("Pending", (string?)null, (DateTime?)null), (now!.Status, now.Reason, now.NotifiedAt));
    }

    [Theory]
    [MemberData(nameof(InvalidNotificationCauses))]
    public async Task Event_that_breaks_a_rule_is_dead_lettered_by_its_first_delivery_and_notifies_nobody(string type, string data, string reason)
    {
        var database = redis.Connection.GetDatabase(redis.UniqueDatabase());
        await using var notifications = new ServiceHost<NotificationDb>(redis.ConnectionStringFor(database.Database), "notificationdb");
        using var client = notifications.CreateClient();
        var stream = type == "StockLow" ? Streams.Inventory : Streams.Orders;

        var entryId = await RawEntries.AddJsonAsync(database, stream, type, data);

        await AssertDeadLetteredAtOnceAsync(database, stream, "notification-service", entryId, reason);
        Assert.Empty((await client.GetFromJsonAsync<List<NotificationView>>("/notifications", _cancellation))!);
        Assert.Equal(0, await database.StreamLengthAsync(Streams.Notifications));
    }

    /// <summary>
    /// Dead-lettered by the first delivery (<c>deliveries</c> 1: no redelivery), with the reason, and acknowledged: the
    /// group has nothing pending, so nothing is stuck behind it.
    /// </summary>
    private static async Task AssertDeadLetteredAtOnceAsync(IDatabase database, string stream, string group, RedisValue entryId, string reason)
    {
        var deadLetter = await RawEntries.DeadLetterAsync(database, stream, group, entryId);
        Assert.Equal("1", deadLetter[EntryFields.Deliveries]);
        Assert.Contains(reason, (string?)deadLetter[EntryFields.Error], StringComparison.Ordinal);
        await Wait.UntilAsync(() => ConsumerGroupProgress.DeliveredAndAcknowledgedAsync(database, stream, group, entryId),
            TimeSpan.FromSeconds(15), $"{group} to acknowledge the dead-lettered entry");
    }

    private static string Placed(string orderId = OrderId, string customerId = "c-1", string? items = null) =>
        $$"""{"orderId":"{{orderId}}","customerId":"{{customerId}}","items":[{{items ?? Line("SKU-001", "1")}}]}""";

    private static string Line(string sku, string quantity) => $$"""{"sku":"{{sku}}","quantity":{{quantity}}}""";
}
