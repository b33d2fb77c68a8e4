using System.Net;
using System.Net.Http.Json;
using Shop.Contracts;
using Shop.Contracts.Orders;
using Shop.InventoryService.Data;
using Shop.Messaging.Events;
using Shop.Services.Tests.Support;

namespace Shop.Services.Tests;

/// <summary>InventoryService on its own: its HTTP contract and its handling of order events.</summary>
public sealed class InventoryTests(RedisFixture redis) : IAsyncLifetime
{
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;
    private readonly int _database = redis.UniqueDatabase();
    private ServiceHost<InventoryDb> _service = null!;
    private HttpClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _service = new ServiceHost<InventoryDb>(redis.ConnectionStringFor(_database), "inventorydb");
        _client = _service.CreateClient();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _service.DisposeAsync();

    [Fact]
    public async Task Catalog_is_seeded_on_first_start()
    {
        var products = await _client.GetFromJsonAsync<List<ProductView>>("/products", _cancellation);

        Assert.True(products!.Count >= 5);
        Assert.All(products, product => Assert.True(product.Available >= 0 && product.Reserved == 0));
    }

    [Fact]
    public async Task Unknown_product_is_404_to_read_and_to_restock()
    {
        Assert.Equal(HttpStatusCode.NotFound, (await _client.GetAsync("/products/NO-SUCH-SKU", _cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound,
            (await _client.PostAsJsonAsync("/products/NO-SUCH-SKU/restock", new { quantity = 1 }, _cancellation)).StatusCode);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public async Task Restock_below_one_is_a_400_naming_the_quantity(int quantity)
    {
        var response = await _client.PostAsJsonAsync("/products/SKU-001/restock", new { quantity }, _cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("quantity", await response.Content.ReadAsStringAsync(_cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Restock_raises_available_and_publishes_StockReplenished()
    {
        var response = await _client.PostAsJsonAsync("/products/SKU-002/restock", new { quantity = 7 }, _cancellation);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal(57, (await _client.GetFromJsonAsync<ProductView>("/products/SKU-002", _cancellation))!.Available);
        var database = redis.Connection.GetDatabase(_database);
        await Wait.UntilAsync(async () => (await database.StreamRangeAsync(Streams.Inventory))
            .Any(entry => entry[EntryFields.Type] == "StockReplenished"), TimeSpan.FromSeconds(15), "StockReplenished in the inventory stream");
    }

    [Fact]
    public async Task Same_OrderPlaced_delivered_twice_reserves_once()
    {
        var database = redis.Connection.GetDatabase(_database);
        var placed = new OrderPlaced(Guid.NewGuid(), "c-1", [new OrderLine("SKU-003", 4)]);

        await RawEntries.AddAsync(database, Streams.Orders, placed);
        var second = await RawEntries.AddAsync(database, Streams.Orders, placed);

        await Wait.UntilAsync(() => ConsumerGroupProgress.DeliveredAndAcknowledgedAsync(database, Streams.Orders, "inventory-service", second),
            TimeSpan.FromSeconds(15), "both deliveries handled");
        Assert.Equal(new ProductView("SKU-003", "Pour-over kettle", 21, 4), await _client.GetFromJsonAsync<ProductView>("/products/SKU-003", _cancellation));
        // One answer, or the same answer twice (when the first was published before the repeat arrived): one event id.
        await Wait.UntilAsync(async () => (await AnswersAsync(database, "StockReserved")).Count > 0, TimeSpan.FromSeconds(15), "StockReserved in the inventory stream");
        Assert.Single((await AnswersAsync(database, "StockReserved")).Distinct());
    }

    [Fact]
    public async Task OrderPlaced_that_arrives_again_after_its_answer_gets_the_same_answer_again_and_reserves_nothing_more()
    {
        var database = redis.Connection.GetDatabase(_database);
        var placed = new OrderPlaced(Guid.NewGuid(), "c-1", [new OrderLine("SKU-004", 2)]);
        await RawEntries.AddAsync(database, Streams.Orders, placed);
        await Wait.UntilAsync(async () => (await AnswersAsync(database, "StockReserved")).Count == 1, TimeSpan.FromSeconds(15), "the first answer");
        var stockAfterFirst = await _client.GetFromJsonAsync<ProductView>("/products/SKU-004", _cancellation);

        // The answer was lost on its way, say, and the order asks again with the same event.
        await RawEntries.AddAsync(database, Streams.Orders, placed);

        await Wait.UntilAsync(async () => (await AnswersAsync(database, "StockReserved")).Count == 2, TimeSpan.FromSeconds(15), "the answer published again");
        var answers = await AnswersAsync(database, "StockReserved");
        Assert.Equal(answers[0], answers[1]); // the same event: the order's inbox applies it once
        Assert.Equal(stockAfterFirst, await _client.GetFromJsonAsync<ProductView>("/products/SKU-004", _cancellation));
    }

    [Fact]
    public async Task StockReleaseRequested_gives_an_orders_stock_back_once_however_often_it_comes()
    {
        var database = redis.Connection.GetDatabase(_database);
        var before = await _client.GetFromJsonAsync<ProductView>("/products/SKU-005", _cancellation);
        var placed = new OrderPlaced(Guid.NewGuid(), "c-1", [new OrderLine("SKU-005", 3)]);
        await RawEntries.AddAsync(database, Streams.Orders, placed);
        await Wait.UntilAsync(async () => (await AnswersAsync(database, "StockReserved")).Count == 1, TimeSpan.FromSeconds(15), "the reservation");

        // The saga asks twice: once when the order timed out, once more when the late reservation reached it.
        await RawEntries.AddAsync(database, Streams.Orders, new StockReleaseRequested(placed.OrderId, "Timed out waiting for inventory"));
        var last = await RawEntries.AddAsync(database, Streams.Orders, new StockReleaseRequested(placed.OrderId, "Reserved after the order was rejected."));

        await Wait.UntilAsync(() => ConsumerGroupProgress.DeliveredAndAcknowledgedAsync(database, Streams.Orders, "inventory-service", last),
            TimeSpan.FromSeconds(15), "both requests handled");
        Assert.Equal(before, await _client.GetFromJsonAsync<ProductView>("/products/SKU-005", _cancellation));
        await Wait.UntilAsync(async () => (await AnswersAsync(database, "StockReleased")).Count > 0, TimeSpan.FromSeconds(15), "StockReleased");
        Assert.Single(await AnswersAsync(database, "StockReleased"));
    }

    /// <summary>The event ids of the <paramref name="type"/> entries in the inventory stream, in stream order.</summary>
    private static async Task<List<string>> AnswersAsync(StackExchange.Redis.IDatabase database, string type) =>
        [.. (await database.StreamRangeAsync(Streams.Inventory)).Where(entry => entry[EntryFields.Type] == type).Select(entry => entry[EntryFields.Id].ToString())];
}
