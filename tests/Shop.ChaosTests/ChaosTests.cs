using System.Diagnostics;
using Shop.ChaosTests.Support;
using static Shop.ChaosTests.Support.ChaosReport;
using Shop.Testing;
using StackExchange.Redis;

namespace Shop.ChaosTests;

/// <summary>
/// Faults injected into the real thing — three service processes and a redis-server with AOF — and the invariants that
/// must hold afterwards (<see cref="Invariants"/>). One test at a time: they share the machine's two cores.
/// </summary>
public sealed class ChaosTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task InventoryService_killed_during_a_burst_and_restarted()
    {
        await using var shop = await ShopUnderChaos.StartAsync();
        var stock = await Invariants.StockAsync(shop);
        var inventory = shop.Services.Inventory[0];

        await shop.PlaceBurstAsync(60, midway: async () =>
        {
            inventory.Kill();
            Injected("kill -9 InventoryService after a third of 60 orders; the rest are placed while it is down; then restarted");
            await Task.CompletedTask;
        });
        await inventory.StartAsync();

        await Invariants.HoldAsync(shop, stock);
    }

    [Fact]
    public async Task One_of_two_InventoryService_instances_killed_and_never_restarted()
    {
        await using var shop = await ShopUnderChaos.StartAsync(inventoryInstances: 2);
        var stock = await Invariants.StockAsync(shop);

        await shop.PlaceBurstAsync(60, midway: () =>
        {
            shop.Services.Inventory[1].Kill();
            Injected($"kill -9 one of two InventoryService instances after a third of 60 orders, never restarted (ReclaimAfter {ShopUnderChaos.ReclaimAfter.TotalSeconds} s)");
            return Task.CompletedTask;
        });

        await Invariants.HoldAsync(shop, stock);
    }

    [Fact]
    public async Task One_instance_of_every_service_killed_during_a_burst_and_never_restarted()
    {
        await using var shop = await ShopUnderChaos.StartAsync(inventoryInstances: 2, instancesOfEach: 2);
        var stock = await Invariants.StockAsync(shop);

        await shop.PlaceBurstAsync(90, midway: () =>
        {
            foreach (var instances in new[] { shop.Services.OrderInstances, shop.Services.Inventory, shop.Services.NotificationInstances })
            {
                instances[1].Kill();
            }

            Injected($"two instances of every service; kill -9 the second of each after a third of 90 orders, never restarted (ReclaimAfter {ShopUnderChaos.ReclaimAfter.TotalSeconds} s)");
            return Task.CompletedTask;
        });

        await Invariants.HoldAsync(shop, stock);
    }

    [Fact]
    public async Task OrderService_killed_right_after_answering_202()
    {
        await using var shop = await ShopUnderChaos.StartAsync();
        var stock = await Invariants.StockAsync(shop);

        for (var i = 0; i < 3; i++)
        {
            Assert.NotNull(await shop.TryPlaceOrderAsync("SKU-001", 1));
            shop.Services.Orders.Kill();
            await shop.Services.Orders.StartAsync();
        }

        Injected("3 times: POST /orders answered 202, then kill -9 OrderService at once, then restart (its outbox must still publish)");
        await shop.PlaceBurstAsync(12);
        await Invariants.HoldAsync(shop, stock);
    }

    [Fact]
    public async Task Redis_killed_and_restarted_from_its_AOF()
    {
        await using var shop = await ShopUnderChaos.StartAsync();
        var stock = await Invariants.StockAsync(shop);
        var ordersBefore = 0L;

        await shop.PlaceBurstAsync(60, midway: async () =>
        {
            ordersBefore = await shop.Database.StreamLengthAsync("orders");
            shop.Redis.Kill();
            Injected($"kill -9 redis-server after a third of 60 orders ({ordersBefore} entries in 'orders'); 2 s down while orders keep coming; restarted from its AOF");
            var restart = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(2)); // the outage itself, not a wait for anything
                await shop.Redis.RestartAsync();
            });
            await restart;
        });

        Assert.True(await shop.Database.StreamLengthAsync("orders") >= ordersBefore, "the AOF kept every entry written before the kill");
        await Invariants.HoldAsync(shop, stock);
    }

    [Fact]
    public async Task Redis_frozen_longer_than_the_client_timeouts_then_resumed()
    {
        await using var shop = await ShopUnderChaos.StartAsync();
        var stock = await Invariants.StockAsync(shop);
        Task? thaw = null;

        await shop.PlaceBurstAsync(60, midway: () =>
        {
            shop.Redis.Freeze();
            Injected("SIGSTOP redis-server for 8 s (longer than StackExchange.Redis's 5 s timeouts) while orders keep coming; then SIGCONT");
            thaw = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(8)); // the outage itself
                shop.Redis.Thaw();
            });
            return Task.CompletedTask;
        });
        await thaw!;

        await Invariants.HoldAsync(shop, stock);
    }

    [Fact]
    public async Task Poison_entry_written_into_a_stream_is_dead_lettered_and_nothing_else_is()
    {
        await using var shop = await ShopUnderChaos.StartAsync();
        var stock = await Invariants.StockAsync(shop);

        await shop.PlaceBurstAsync(10);
        var poison = Guid.NewGuid().ToString();
        await shop.Database.StreamAddAsync("orders",
        [
            new("id", poison), new("type", "OrderPlaced"), new("data", "{\"orderId\": not json"),
            new("occurredAt", DateTimeOffset.UtcNow.ToString("O")), new("source", "chaos-test"),
        ]);
        Injected("XADD to 'orders' of an OrderPlaced entry whose data is not JSON, between two bursts of 10 orders");
        await shop.PlaceBurstAsync(10);

        // inventory-service handles OrderPlaced: it gives up on the entry at once. notification-service has no
        // OrderPlaced handler, so it acknowledges the entry as skipped without reading its data.
        await Wait.UntilAsync(async () => await shop.Database.StreamLengthAsync("orders:dead-letter") == 1, Timeout, "the dead letter");
        var deadLetter = Assert.Single(await shop.Database.StreamRangeAsync("orders:dead-letter"));
        Assert.Equal("inventory-service", deadLetter["group"]);
        Assert.Contains("not a valid OrderPlaced", (string?)deadLetter["error"], StringComparison.Ordinal);
        await Invariants.HoldAsync(shop, stock, expectedDeadLetters: [.. (await shop.Database.StreamRangeAsync("orders"))
            .Where(entry => entry["id"] == poison).Select(entry => (string)entry.Id!)]);
    }

    [Fact]
    public async Task Same_events_written_twice_are_applied_once()
    {
        await using var shop = await ShopUnderChaos.StartAsync();
        var stock = await Invariants.StockAsync(shop);
        await shop.PlaceBurstAsync(20);
        await Invariants.HoldAsync(shop, stock);

        // Every OrderPlaced and StockReserved entry again, byte for byte (same event id): what a publisher crashing
        // between XADD and marking its outbox row would produce.
        var copies = 0;
        foreach (var (stream, type) in new[] { ("orders", "OrderPlaced"), ("inventory", "StockReserved") })
        {
            foreach (var entry in await shop.Database.StreamRangeAsync(stream))
            {
                if (entry["type"] == type)
                {
                    await shop.Database.StreamAddAsync(stream, entry.Values);
                    copies++;
                }
            }
        }

        Injected($"{copies} entries written a second time with the same event ids (every OrderPlaced and StockReserved)");
        await Invariants.HoldAsync(shop, stock);
    }

    [Fact]
    public async Task Handler_slower_than_ReclaimAfter_is_not_run_twice()
    {
        await using var shop = await ShopUnderChaos.StartAsync(inventoryInstances: 2);
        var stock = await Invariants.StockAsync(shop);
        var hold = ShopUnderChaos.ReclaimAfter * 2;

        // Another process holds the inventory database's write lock, so every OrderPlaced handler blocks for longer than
        // ReclaimAfter. Heartbeats must keep the entries claimed: no second instance takes one.
        await using (await shop.HoldInventoryWriteLockAsync())
        {
            Injected($"the inventory database's write lock held by the test for {hold.TotalSeconds} s (2 × ReclaimAfter) while 8 orders arrive at two InventoryService instances");
            await shop.PlaceBurstAsync(8);
            var held = Stopwatch.StartNew();
            while (held.Elapsed < hold)
            {
                var pending = await shop.Database.StreamPendingMessagesAsync("orders", "inventory-service", 100, RedisValue.Null);
                Assert.All(pending, entry => Assert.Equal(1, entry.DeliveryCount));
                await Task.Delay(TimeSpan.FromMilliseconds(250), TestContext.Current.CancellationToken); // sampling during the injected stall
            }
        }

        Checked("while the handlers were stalled, every pending entry of inventory-service kept delivery count 1 (never taken over)");
        await Invariants.HoldAsync(shop, stock);
    }
}
