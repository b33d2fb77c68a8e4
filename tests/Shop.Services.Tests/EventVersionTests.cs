using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;
using Shop.InventoryService.Data;
using Shop.Messaging.Events;
using Shop.Services.Tests.Support;
using StackExchange.Redis;

namespace Shop.Services.Tests;

/// <summary>
/// Entries written in every older shape of an event — raw fields kept in <c>Fixtures/</c>, as a publisher of that time
/// wrote them — go through the current services: read, upcast, handled, never dead-lettered.
/// </summary>
public sealed class EventVersionTests(RedisFixture redis)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    public static TheoryData<string> Fixtures() => [.. EntryFixture.Names()];

    [Theory]
    [MemberData(nameof(Fixtures))]
    public async Task Entry_in_an_older_shape_is_acknowledged_by_every_group_of_its_stream_and_dead_lettered_by_none(string fixture)
    {
        await using var shop = ShopInProcess.Start(redis);
        var entry = EntryFixture.Load(fixture);

        await entry.AddToAsync(shop.Redis);

        await Wait.UntilAsync(async () => await EveryGroupIsDoneAsync(shop.Redis, entry.Stream), Timeout, $"every group of {entry.Stream} to acknowledge {fixture}");
        Assert.Empty(await shop.Redis.StreamRangeAsync(StreamNames.DeadLetter(entry.Stream)));
    }

    [Fact]
    public async Task OrderPlaced_of_version_1_with_a_product_on_two_lines_is_reserved_once_per_product()
    {
        var database = redis.Connection.GetDatabase(redis.UniqueDatabase());
        await using var inventory = new ServiceHost<InventoryDb>(redis.ConnectionStringFor(database.Database), "inventorydb");
        using var client = inventory.CreateClient();
        var before = await client.GetFromJsonAsync<ProductView>("/products/SKU-003", _cancellation);
        var (entry, orderId) = Version1Order();

        await entry.AddToAsync(database);

        // The version 1 entry listed SKU-003 twice (2 + 3): the handler got version 2, one line per product.
        var answer = await AnswerAsync(database, orderId);
        Assert.Equal([("SKU-003", 5), ("SKU-001", 1)], answer.RootElement.GetProperty("items").EnumerateArray()
            .Select(line => (line.GetProperty("sku").GetString(), line.GetProperty("quantity").GetInt32())));
        Assert.Equal(before!.Reserved + 5, (await client.GetFromJsonAsync<ProductView>("/products/SKU-003", _cancellation))!.Reserved);
        using var scope = inventory.Services.CreateScope();
        Assert.Equal(5, (await scope.ServiceProvider.GetRequiredService<InventoryDb>().Reservations
            .SingleAsync(reservation => reservation.OrderId == orderId && reservation.Sku == "SKU-003", _cancellation)).Quantity);
    }

    [Fact]
    public async Task OrderPlaced_of_version_1_delivered_again_as_version_2_with_its_event_id_reserves_once()
    {
        // One event, in its old shape and again in its new (a re-drive after the producer's upgrade): the inbox knows its id.
        var database = redis.Connection.GetDatabase(redis.UniqueDatabase());
        await using var inventory = new ServiceHost<InventoryDb>(redis.ConnectionStringFor(database.Database), "inventorydb");
        using var client = inventory.CreateClient();
        var before = await client.GetFromJsonAsync<ProductView>("/products/SKU-003", _cancellation);
        var (entry, orderId) = Version1Order();
        await entry.AddToAsync(database);
        await AnswerAsync(database, orderId);

        var again = new Shop.Contracts.Orders.OrderPlaced(orderId, "c-version-1", [new OrderLine("SKU-003", 5), new OrderLine("SKU-001", 1)])
        {
            Id = Guid.Parse((string)entry[EntryFields.Id]!),
        };
        var secondId = await RawEntries.AddAsync(database, Streams.Orders, again);

        await Wait.UntilAsync(async () => (await database.StreamPendingAsync(Streams.Orders, "inventory-service")).PendingMessageCount == 0
            && (await database.StreamGroupInfoAsync(Streams.Orders)).Single(group => group.Name == "inventory-service").LastDeliveredId == secondId,
            Timeout, "the second delivery to be acknowledged");
        Assert.Equal(before!.Reserved + 5, (await client.GetFromJsonAsync<ProductView>("/products/SKU-003", _cancellation))!.Reserved);
        Assert.Empty(await database.StreamRangeAsync(StreamNames.DeadLetter(Streams.Orders)));
    }

    [Fact]
    public async Task InventoryService_starting_a_new_group_at_0_reserves_the_orders_of_both_versions_in_its_history()
    {
        var database = redis.Connection.GetDatabase(redis.UniqueDatabase());
        // The history before the group exists: an order from before version 2, and one published as version 2.
        var (v1, v1OrderId) = Version1Order();
        await v1.AddToAsync(database);
        var v2 = new Shop.Contracts.Orders.OrderPlaced(Guid.NewGuid(), "c-version-2", [new OrderLine("SKU-001", 2)]);
        await RawEntries.AddAsync(database, Streams.Orders, v2);

        await using var inventory = new ServiceHost<InventoryDb>(redis.ConnectionStringFor(database.Database), "inventorydb");
        using var client = inventory.CreateClient();

        await AnswerAsync(database, v1OrderId);
        await AnswerAsync(database, v2.OrderId);
        Assert.Empty(await database.StreamRangeAsync(StreamNames.DeadLetter(Streams.Orders)));
    }

    /// <summary>The version 1 fixture (SKU-003 on two lines, 2 + 3, and SKU-001 once), and the order it places.</summary>
    private static (EntryFixture Entry, Guid OrderId) Version1Order()
    {
        var entry = EntryFixture.Load("orders/OrderPlaced.v1");
        using var data = JsonDocument.Parse((string)entry[EntryFields.Data]!);
        return (entry, data.RootElement.GetProperty("orderId").GetGuid());
    }

    /// <summary>InventoryService's StockReserved for <paramref name="orderId"/>, once it is in the stream.</summary>
    private static async Task<JsonDocument> AnswerAsync(IDatabase database, Guid orderId)
    {
        JsonDocument? answer = null;
        await Wait.UntilAsync(async () =>
        {
            answer = (await database.StreamRangeAsync(Streams.Inventory))
                .Where(entry => entry[EntryFields.Type] == "StockReserved")
                .Select(entry => JsonDocument.Parse((string)entry[EntryFields.Data]!))
                .FirstOrDefault(data => data.RootElement.GetProperty("orderId").GetGuid() == orderId);
            return answer is not null;
        }, Timeout, $"StockReserved for {orderId}");
        return answer!;
    }

    private static async Task<bool> EveryGroupIsDoneAsync(IDatabase database, string stream)
    {
        var groups = await database.StreamGroupInfoAsync(stream);
        var last = (await database.StreamRangeAsync(stream, "-", "+", count: 1, messageOrder: Order.Descending))[0].Id;
        return groups.Length > 0 && groups.All(group => group.PendingMessageCount == 0 && group.LastDeliveredId == last);
    }
}
