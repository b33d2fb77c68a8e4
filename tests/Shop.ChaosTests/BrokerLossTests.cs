using System.Text.Json;
using Shop.ChaosTests.Support;
using static Shop.ChaosTests.Support.ChaosReport;
using Shop.Testing;
using StackExchange.Redis;

namespace Shop.ChaosTests;

/// <summary>
/// Redis loses what it had acknowledged — entries deleted, an AOF from before the last writes, a consumer that never
/// comes back in time — and the saga heals: its deadlines re-drive every unanswered order with the same event ids,
/// an event applied already is answered again, and a reservation that comes too late is given back.
/// </summary>
public sealed class BrokerLossTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Short deadlines: a re-drive every 2 s, but rejected as timed out only after 10 unanswered re-drives (22 s). A
    /// service thawed after SIGSTOP may first sit out its reconnect back-off (up to 5 s) while the machine is busy with
    /// the other suites; with 3 re-drives (8 s) a CI run saw 23 of 30 orders time out that way, answered a moment later.
    /// </summary>
    private static readonly Dictionary<string, string> FastDeadlines = new()
    {
        ["Orders__ReservationTimeout"] = "00:00:02",
        ["Orders__MaxRedrives"] = "10",
        ["Orders__DeadlineScanInterval"] = "00:00:00.250",
    };

    [Fact]
    public async Task OrderPlaced_entries_deleted_before_InventoryService_read_them_are_re_driven()
    {
        await using var shop = await ShopUnderChaos.StartAsync(settings: FastDeadlines);
        var stock = await Invariants.StockAsync(shop);
        var inventory = shop.Services.Inventory[0];

        inventory.Freeze();
        await shop.PlaceBurstAsync(30);
        await Wait.UntilAsync(async () => (await EntriesAsync(shop, "orders", "OrderPlaced")).Length >= shop.AcceptedOrders.Count, Timeout,
            "every OrderPlaced in the orders stream");
        var deleted = await EntriesAsync(shop, "orders", "OrderPlaced");
        await shop.Database.StreamDeleteAsync("orders", [.. deleted.Select(entry => entry.Id)]);
        Injected($"SIGSTOP InventoryService, 30 orders placed, XDEL of their {deleted.Length} OrderPlaced entries from 'orders', SIGCONT");
        inventory.Thaw();

        await Invariants.HoldAsync(shop, stock);
        var redriven = await EntriesAsync(shop, "orders", "OrderPlaced");
        Assert.NotEmpty(redriven); // every OrderPlaced left in the stream is a re-drive
        Assert.All(redriven, entry => Assert.Contains((string)entry["id"]!, deleted.Select(original => (string)original["id"]!)));
        await AssertNoneTimedOutAsync(shop);
        Checked($"{redriven.Length} OrderPlaced re-driven with their original event ids; no order timed out");
    }

    [Fact]
    public async Task Redis_restarted_from_an_AOF_copied_before_the_last_writes()
    {
        await using var shop = await ShopUnderChaos.StartAsync(settings: FastDeadlines);
        var stock = await Invariants.StockAsync(shop);

        await shop.PlaceBurstAsync(20);
        await Invariants.HoldAsync(shop, stock);
        var copy = shop.Redis.CopyAppendOnlyFiles();
        await shop.PlaceBurstAsync(20);
        // The newest entry of 'orders' now was written after the copy: the restart must lose it (trimming may have
        // removed older ones either way, so the stream's length says nothing).
        var newest = (await shop.Database.StreamRangeAsync("orders", "-", "+", count: 1, messageOrder: Order.Descending)).Single().Id;
        await shop.Redis.RestartFromAsync(copy, TestContext.Current.CancellationToken);
        var lost = (await shop.Database.StreamRangeAsync("orders", newest, newest)).Length == 0;
        Directory.Delete(copy, recursive: true);
        Injected($"20 orders settled, the AOF copied, 20 more orders, then Redis killed and restarted from the copy: entry {newest} of 'orders' and everything after the copy gone");

        Assert.True(lost, "the restart lost acknowledged entries");
        await Invariants.HoldAsync(shop, stock);
    }

    [Fact]
    public async Task InventoryService_down_longer_than_every_re_drive_leaves_orders_rejected_and_no_stock_held()
    {
        var deadlines = new Dictionary<string, string>(FastDeadlines) { ["Orders__ReservationTimeout"] = "00:00:01", ["Orders__MaxRedrives"] = "2" };
        await using var shop = await ShopUnderChaos.StartAsync(settings: deadlines);
        var stock = await Invariants.StockAsync(shop);
        var inventory = shop.Services.Inventory[0];

        inventory.Kill();
        await shop.PlaceBurstAsync(12);
        Injected("kill -9 InventoryService; 12 orders placed; it stays down until every order is rejected as timed out (3 s), then restarts");
        await Wait.UntilAsync(async () =>
        {
            foreach (var orderId in shop.AcceptedOrders)
            {
                if ((await shop.OrderAsync(orderId)).GetProperty("status").GetString() != "Rejected")
                {
                    return false;
                }
            }

            return true;
        }, Timeout, "every order rejected while InventoryService is down");
        foreach (var orderId in shop.AcceptedOrders)
        {
            Assert.Equal("Timed out waiting for inventory", (await shop.OrderAsync(orderId)).GetProperty("reason").GetString());
        }

        await inventory.StartAsync();

        // Back, it reserves from the backlog, and gives it all back: reserved = units of confirmed orders = 0.
        await Invariants.HoldAsync(shop, stock);
        Checked($"all {shop.AcceptedOrders.Count} orders rejected as timed out; nothing stays reserved for them");
    }

    [Fact]
    public async Task Re_driven_entries_written_twice_change_nothing()
    {
        await using var shop = await ShopUnderChaos.StartAsync(settings: FastDeadlines);
        var stock = await Invariants.StockAsync(shop);
        var inventory = shop.Services.Inventory[0];

        inventory.Freeze();
        await shop.PlaceBurstAsync(12);
        // Frozen past the deadline: every order is re-driven at least once while InventoryService sleeps.
        await Wait.UntilAsync(async () => (await EntriesAsync(shop, "orders", "OrderPlaced")).Length >= 2 * shop.AcceptedOrders.Count, Timeout,
            "every order re-driven once");
        inventory.Thaw();
        await Invariants.HoldAsync(shop, stock);

        var copies = 0;
        foreach (var (stream, type) in new[] { ("orders", "OrderPlaced"), ("inventory", "StockReserved"), ("inventory", "StockReservationFailed") })
        {
            foreach (var entry in await EntriesAsync(shop, stream, type))
            {
                await shop.Database.StreamAddAsync(stream, entry.Values);
                copies++;
            }
        }

        Injected($"InventoryService frozen until every order was re-driven; once settled, {copies} entries written again (every OrderPlaced, re-drives included, and every answer)");
        await Invariants.HoldAsync(shop, stock);
    }

    private static async Task<StreamEntry[]> EntriesAsync(ShopUnderChaos shop, string stream, string type) =>
        [.. (await shop.Database.StreamRangeAsync(stream)).Where(entry => entry["type"] == type)];

    private static async Task AssertNoneTimedOutAsync(ShopUnderChaos shop)
    {
        foreach (var orderId in shop.AcceptedOrders)
        {
            var order = await shop.OrderAsync(orderId);
            Assert.False(order.TryGetProperty("reason", out var reason) && reason.ValueKind == JsonValueKind.String
                                                                      && reason.GetString() == "Timed out waiting for inventory", $"order {orderId} timed out");
        }
    }
}
