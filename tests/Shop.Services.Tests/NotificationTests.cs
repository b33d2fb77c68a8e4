using System.Net.Http.Json;
using Shop.Contracts;
using Shop.Contracts.Orders;
using Shop.Messaging.Events;
using Shop.NotificationService.Data;
using Shop.Services.Tests.Support;

namespace Shop.Services.Tests;

/// <summary>NotificationService: one notification per outcome, a filtered list, a live stream.</summary>
public sealed class NotificationTests(RedisFixture redis)
{
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Outcome_delivered_twice_makes_one_notification_and_one_CustomerNotified_event()
    {
        var databaseNumber = redis.UniqueDatabase();
        await using var service = new ServiceHost<NotificationDb>(redis.ConnectionStringFor(databaseNumber), "notificationdb");
        var client = service.CreateClient();
        var database = redis.Connection.GetDatabase(databaseNumber);
        var confirmed = new OrderConfirmed(Guid.NewGuid(), "c-5");

        await RawEntries.AddAsync(database, Streams.Orders, confirmed);
        var second = await RawEntries.AddAsync(database, Streams.Orders, confirmed);

        await Wait.UntilAsync(() => ConsumerGroupProgress.DeliveredAndAcknowledgedAsync(database, Streams.Orders, "notification-service", second),
            TimeSpan.FromSeconds(15), "both deliveries handled");
        var notifications = await client.GetFromJsonAsync<List<NotificationView>>($"/notifications?orderId={confirmed.OrderId}", _cancellation);
        var notification = Assert.Single(notifications!);
        Assert.Equal(("c-5", "OrderConfirmed", confirmed.Id), (notification.CustomerId, notification.Kind, notification.SourceEventId));
        await Wait.UntilAsync(async () => (await database.StreamRangeAsync(Streams.Notifications)).Length >= 1, TimeSpan.FromSeconds(15), "CustomerNotified");
        // Once, or the same event twice (when it was published before the repeat arrived, the repeat gets it again).
        var published = await database.StreamRangeAsync(Streams.Notifications);
        Assert.All(published, entry => Assert.Equal("CustomerNotified", entry[EntryFields.Type]));
        Assert.Single(published.Select(entry => entry[EntryFields.Id].ToString()).Distinct());
        var byCustomer = await client.GetFromJsonAsync<List<NotificationView>>("/notifications?customerId=c-5", _cancellation);
        Assert.Single(byCustomer!);
        Assert.Empty((await client.GetFromJsonAsync<List<NotificationView>>("/notifications?customerId=nobody", _cancellation))!);
    }

    [Fact]
    public async Task Outcome_that_arrives_again_after_its_notification_gets_the_same_CustomerNotified_again()
    {
        var databaseNumber = redis.UniqueDatabase();
        await using var service = new ServiceHost<NotificationDb>(redis.ConnectionStringFor(databaseNumber), "notificationdb");
        var client = service.CreateClient();
        var database = redis.Connection.GetDatabase(databaseNumber);
        var rejected = new OrderRejected(Guid.NewGuid(), "c-6", "Timed out waiting for inventory");
        await RawEntries.AddAsync(database, Streams.Orders, rejected);
        await Wait.UntilAsync(async () => (await database.StreamRangeAsync(Streams.Notifications)).Length == 1, TimeSpan.FromSeconds(15), "CustomerNotified");

        // OrderService never heard of it, and re-drives the outcome: the same OrderRejected again.
        await RawEntries.AddAsync(database, Streams.Orders, rejected);

        await Wait.UntilAsync(async () => (await database.StreamRangeAsync(Streams.Notifications)).Length == 2, TimeSpan.FromSeconds(15), "CustomerNotified again");
        var published = await database.StreamRangeAsync(Streams.Notifications);
        Assert.Equal(published[0][EntryFields.Id], published[1][EntryFields.Id]);
        Assert.Single((await client.GetFromJsonAsync<List<NotificationView>>($"/notifications?orderId={rejected.OrderId}", _cancellation))!);
    }

    [Fact]
    public async Task Live_stream_sends_each_new_notification_as_a_server_sent_event()
    {
        var databaseNumber = redis.UniqueDatabase();
        await using var service = new ServiceHost<NotificationDb>(redis.ConnectionStringFor(databaseNumber), "notificationdb");
        var client = service.CreateClient();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_cancellation);
        timeout.CancelAfter(TimeSpan.FromSeconds(30));
        using var stream = await client.GetStreamAsync("/notifications/stream", timeout.Token);
        using var reader = new StreamReader(stream);
        // The stream opens with a "ready" event once the subscription is in place.
        Assert.Equal("event: ready", await reader.ReadLineAsync(timeout.Token));
        var rejected = new OrderRejected(Guid.NewGuid(), "c-6", "Not enough stock for SKU-006: 5 requested.");

        await RawEntries.AddAsync(redis.Connection.GetDatabase(databaseNumber), Streams.Orders, rejected);

        string? line;
        do
        {
            line = await reader.ReadLineAsync(timeout.Token);
        }
        while (line is not null && !(line.StartsWith("data:", StringComparison.Ordinal) && line.Contains("orderId", StringComparison.Ordinal)));

        Assert.NotNull(line);
        Assert.Contains(rejected.OrderId.ToString(), line, StringComparison.Ordinal);
        Assert.Contains("OrderRejected", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Low_stock_makes_one_notification_for_the_operations_team()
    {
        await using var shop = ShopInProcess.Start(redis);

        // SKU-006 has 3 units and a threshold of 1: taking all 3 crosses it.
        var orderId = await shop.PlaceOrderAsync("c-7", ("SKU-006", 3));

        await shop.WaitForOrderAsync(orderId, o => o.Status == "Confirmed", "the order to be confirmed");
        List<NotificationView>? operations = null;
        await Wait.UntilAsync(async () => (operations = await shop.NotificationsClient.GetFromJsonAsync<List<NotificationView>>(
            "/notifications?customerId=operations", _cancellation))!.Count == 1, TimeSpan.FromSeconds(30), "the low-stock notification");
        Assert.Equal("StockLow", operations![0].Kind);
        Assert.Contains("SKU-006", operations[0].Message, StringComparison.Ordinal);
    }
}
