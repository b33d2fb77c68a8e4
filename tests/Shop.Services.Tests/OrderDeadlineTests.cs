using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shop.Contracts;
using Shop.Contracts.Inventory;
using Shop.Messaging.Events;
using Shop.OrderService.Data;
using Shop.OrderService.Saga;
using Shop.Services.Tests.Support;
using StackExchange.Redis;

namespace Shop.Services.Tests;

/// <summary>
/// The saga's deadlines, driven by a <see cref="FakeTimeProvider"/>: OrderService on its own (nobody answers unless the
/// test does), a scan run by the test (<see cref="OrderDeadlines.RunOnceAsync"/>; the timer's own tick is an hour away).
/// </summary>
public sealed class OrderDeadlineTests(RedisFixture redis) : IAsyncLifetime
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan ReservationTimeout = TimeSpan.FromSeconds(30);
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 9, 0, 0, TimeSpan.Zero));
    private readonly int _database = redis.UniqueDatabase();
    private ServiceHost<OrderDb> _orders = null!;
    private HttpClient _client = null!;

    private IDatabase Redis => redis.Connection.GetDatabase(_database);

    public ValueTask InitializeAsync()
    {
        _orders = Start();
        _client = _orders.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _orders.DisposeAsync();

    [Fact]
    public async Task Pending_order_is_re_driven_with_the_same_event_id_once_ReservationTimeout_has_passed_and_not_before()
    {
        var orderId = await PlaceAsync();
        var placed = Assert.Single(await PublishedAsync(Streams.Orders, "OrderPlaced"));

        _time.Advance(ReservationTimeout - TimeSpan.FromSeconds(1));
        Assert.Equal(0, await ScanAsync(_orders));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await ScanAsync(_orders));

        await Wait.UntilAsync(async () => (await PublishedAsync(Streams.Orders, "OrderPlaced")).Count == 2, Timeout, "the re-driven OrderPlaced");
        Assert.All(await PublishedAsync(Streams.Orders, "OrderPlaced"), id => Assert.Equal(placed, id));
        Assert.Equal("Pending", (await OrderAsync(orderId)).Status);
        Assert.Equal(0, await ScanAsync(_orders)); // the re-drive started the deadline over
    }

    [Fact]
    public async Task Order_that_gets_no_answer_after_MaxRedrives_is_rejected_as_timed_out_and_its_stock_asked_back()
    {
        var orderId = await PlaceAsync();

        for (var redrive = 1; redrive <= 3; redrive++)
        {
            _time.Advance(ReservationTimeout);
            Assert.Equal(1, await ScanAsync(_orders));
            Assert.Equal("Pending", (await OrderAsync(orderId)).Status);
        }

        _time.Advance(ReservationTimeout);
        Assert.Equal(1, await ScanAsync(_orders));

        var order = await OrderAsync(orderId);
        Assert.Equal(("Rejected", "Timed out waiting for inventory"), (order.Status, order.Reason));
        await Wait.UntilAsync(async () => (await PublishedAsync(Streams.Orders, "StockReleaseRequested")).Count == 1, Timeout, "the release request");
        await Wait.UntilAsync(async () => (await PublishedAsync(Streams.Orders, "OrderPlaced")).Count == 4, Timeout, "placed once and re-driven three times");
        Assert.Single((await PublishedAsync(Streams.Orders, "OrderPlaced")).Distinct()); // as one event
        Assert.Single(await PublishedAsync(Streams.Orders, "OrderRejected"));
    }

    [Fact]
    public async Task Reservation_arriving_after_the_time_out_asks_for_the_stock_back()
    {
        var orderId = await PlaceAsync();
        for (var scan = 0; scan < 4; scan++)
        {
            _time.Advance(ReservationTimeout);
            await ScanAsync(_orders);
        }

        Assert.Equal("Rejected", (await OrderAsync(orderId)).Status);
        await RawEntries.AddAsync(Redis, Streams.Inventory, new StockReserved(orderId, [new OrderLine("SKU-001", 1)]));

        await Wait.UntilAsync(async () => (await PublishedAsync(Streams.Orders, "StockReleaseRequested")).Count == 2, Timeout,
            "a second release request, for the late reservation");
        Assert.Equal("Rejected", (await OrderAsync(orderId)).Status);
        Assert.Empty(await PublishedAsync(Streams.Orders, "OrderConfirmed"));
    }

    [Fact]
    public async Task Final_order_whose_notification_never_arrived_gets_its_outcome_re_driven()
    {
        var orderId = await PlaceAsync();
        await RawEntries.AddAsync(Redis, Streams.Inventory, new StockReserved(orderId, [new OrderLine("SKU-001", 1)]));
        await Wait.UntilAsync(async () => (await OrderAsync(orderId)).Status == "Confirmed", Timeout, "the order confirmed");
        await Wait.UntilAsync(async () => (await PublishedAsync(Streams.Orders, "OrderConfirmed")).Count == 1, Timeout, "OrderConfirmed");

        _time.Advance(ReservationTimeout);
        Assert.Equal(1, await ScanAsync(_orders));

        await Wait.UntilAsync(async () => (await PublishedAsync(Streams.Orders, "OrderConfirmed")).Count == 2, Timeout, "the re-driven OrderConfirmed");
        Assert.Single((await PublishedAsync(Streams.Orders, "OrderConfirmed")).Distinct());
        Assert.Single(await PublishedAsync(Streams.Orders, "OrderPlaced")); // only the outcome is re-driven
    }

    [Fact]
    public async Task Two_instances_on_one_database_re_drive_each_overdue_order_once()
    {
        await using var second = Start(_orders.DatabaseConnectionString);
        _ = second.CreateClient(); // starts it
        var orders = new List<Guid>();
        for (var i = 0; i < 20; i++)
        {
            orders.Add(await PlaceAsync());
        }

        await Wait.UntilAsync(async () => (await PublishedAsync(Streams.Orders, "OrderPlaced")).Count == 20, Timeout, "20 orders placed");
        _time.Advance(ReservationTimeout);

        // Both scan at once: each finds the orders due that the other has not re-driven yet.
        await Task.WhenAll(ScanAsync(_orders), ScanAsync(second));

        await Wait.UntilAsync(async () => (await PublishedAsync(Streams.Orders, "OrderPlaced")).Count >= 40, Timeout, "every order re-driven");
        Assert.Equal(0, await ScanAsync(_orders) + await ScanAsync(second));
        var placed = await PublishedAsync(Streams.Orders, "OrderPlaced");
        Assert.Equal(40, placed.Count);
        Assert.All(placed.GroupBy(id => id), sameEvent => Assert.Equal(2, sameEvent.Count())); // placed once, re-driven once
    }

    private ServiceHost<OrderDb> Start(string? databaseConnectionString = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Orders:ReservationTimeout"] = "00:00:30",
            ["Orders:MaxRedrives"] = "3",
            ["Orders:DeadlineScanInterval"] = "01:00:00",
        };
        return new ServiceHost<OrderDb>(redis.ConnectionStringFor(_database), "orderdb", settings,
            services => services.AddSingleton<TimeProvider>(_time), databaseConnectionString);
    }

    private static Task<int> ScanAsync(ServiceHost<OrderDb> host) =>
        host.Services.GetRequiredService<OrderDeadlines>().RunOnceAsync(TestContext.Current.CancellationToken);

    private async Task<Guid> PlaceAsync()
    {
        var response = await _client.PostAsJsonAsync("/orders", new { customerId = "c-1", items = new[] { new { sku = "SKU-001", quantity = 1 } } }, _cancellation);
        response.EnsureSuccessStatusCode();
        var placed = (await response.Content.ReadFromJsonAsync<PlacedOrder>(_cancellation))!;
        await Wait.UntilAsync(async () => (await PublishedAsync(Streams.Orders, "OrderPlaced")).Count > 0, Timeout, "OrderPlaced published");
        return placed.OrderId;
    }

    private async Task<OrderView> OrderAsync(Guid orderId) =>
        (await _client.GetFromJsonAsync<OrderView>($"/orders/{orderId}", _cancellation))!;

    /// <summary>The event ids of the <paramref name="type"/> entries in <paramref name="stream"/>, in stream order.</summary>
    private async Task<List<string>> PublishedAsync(string stream, string type) =>
        [.. (await Redis.StreamRangeAsync(stream)).Where(entry => entry[EntryFields.Type] == type).Select(entry => entry[EntryFields.Id].ToString())];
}
