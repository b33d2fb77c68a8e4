using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;
using Shop.Contracts;
using Shop.Contracts.Orders;
using Shop.InventoryService.Data;
using Shop.Messaging.Events;
using Shop.Messaging.Telemetry;
using Shop.Services.Tests.Support;
using StackExchange.Redis;

namespace Shop.Services.Tests;

/// <summary>
/// InventoryService's handlers inside one batch (one transaction): the entries are in the stream before the service
/// starts, so its first read returns them all at once.
/// </summary>
public sealed class InventoryBatchTests(RedisFixture redis)
{
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    [Fact]
    public async Task Rejected_order_inside_a_batch_rolls_back_only_its_own_lines_and_a_cancel_behind_it_releases_once()
    {
        var databaseNumber = redis.UniqueDatabase();
        var database = redis.Connection.GetDatabase(databaseNumber);
        var kept = new OrderPlaced(Guid.NewGuid(), "c-1", [new OrderLine("SKU-003", 1)]);
        var cancelled = new OrderPlaced(Guid.NewGuid(), "c-2", [new OrderLine("SKU-003", 2)]);
        // Its first line fits, its second does not (SKU-006 holds 3): the first line's reservation must be undone.
        var rejected = new OrderPlaced(Guid.NewGuid(), "c-3", [new OrderLine("SKU-003", 5), new OrderLine("SKU-006", 100)]);
        await RawEntries.AddAsync(database, Streams.Orders, cancelled);
        await RawEntries.AddAsync(database, Streams.Orders, rejected);
        await RawEntries.AddAsync(database, Streams.Orders, kept);
        await RawEntries.AddAsync(database, Streams.Orders, new OrderCancelled(cancelled.OrderId, "c-2"));
        var last = await RawEntries.AddAsync(database, Streams.Orders, kept);

        await using var service = new ServiceHost<InventoryDb>(redis.ConnectionStringFor(databaseNumber), "inventorydb");
        using var batches = new MetricCollector<long>(service.Services.GetRequiredService<IMeterFactory>(), MessagingTelemetry.MeterName, "shop.messaging.batch.size");
        using var client = service.CreateClient();

        await Wait.UntilAsync(() => ConsumerGroupProgress.DeliveredAndAcknowledgedAsync(database, Streams.Orders, "inventory-service", last),
            TimeSpan.FromSeconds(15), "every entry handled and acknowledged");
        Assert.Equal(5, Assert.Single(batches.GetMeasurementSnapshot()).Value);
        Assert.Equal(new ProductView("SKU-003", "Pour-over kettle", 24, 1), await client.GetFromJsonAsync<ProductView>("/products/SKU-003", _cancellation));
        Assert.Equal(new ProductView("SKU-006", "Limited-edition tin", 3, 0), await client.GetFromJsonAsync<ProductView>("/products/SKU-006", _cancellation));
        // The answers are published by the outbox relay after the batch's commit, so they may follow the acknowledgement;
        // all four were committed together, so they are relayed together.
        async Task<List<(string Type, string Data)>> AnswersAsync() => [.. (await database.StreamRangeAsync(Streams.Inventory))
            .Select(entry => (Type: (string)entry[EntryFields.Type]!, Data: (string)entry[EntryFields.Data]!))
            .Where(answer => answer.Type != "StockLow")];
        await Wait.UntilAsync(async () => (await AnswersAsync()).Count >= 4, TimeSpan.FromSeconds(15), "the four answers in the inventory stream");
        var answers = await AnswersAsync();
        Assert.Equal(
            [("StockReserved", cancelled.OrderId), ("StockReservationFailed", rejected.OrderId), ("StockReserved", kept.OrderId), ("StockReleased", cancelled.OrderId)],
            answers.Select(answer => (answer.Type, OrderIdOf(answer.Data))));
    }

    private static Guid OrderIdOf(string data) =>
        System.Text.Json.JsonDocument.Parse(data).RootElement.GetProperty("orderId").GetGuid();
}
