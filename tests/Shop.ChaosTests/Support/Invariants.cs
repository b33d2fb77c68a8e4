using System.Text.Json;
using Shop.Testing;
using StackExchange.Redis;

namespace Shop.ChaosTests.Support;

/// <summary>
/// What must hold after any fault, once the system has settled. Each check waits (with a deadline) for the system to
/// converge, then asserts; every check is reported to the test output.
/// </summary>
public static class Invariants
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(60);
    private static readonly string[] Streams = ["orders", "inventory", "notifications"];

    /// <param name="shop">The system under test.</param>
    /// <param name="stockBefore">available + reserved per SKU before the first order.</param>
    /// <param name="expectedDeadLetters">Ids of the only entries allowed in dead-letter streams (original ids).</param>
    public static async Task HoldAsync(ShopUnderChaos shop, IReadOnlyDictionary<string, int> stockBefore, IReadOnlyCollection<string>? expectedDeadLetters = null)
    {
        var orders = shop.AcceptedOrders;

        // 1. Every accepted order reaches a terminal status, and its outcome is notified.
        var outcomes = new Dictionary<Guid, JsonElement>();
        var waiting = new Dictionary<Guid, JsonElement>();
        try
        {
            await Wait.UntilAsync(async () =>
            {
                foreach (var orderId in orders.Where(id => !outcomes.ContainsKey(id)))
                {
                    var order = await shop.OrderAsync(orderId);
                    if (order.GetProperty("status").GetString() != "Pending" && order.TryGetProperty("notifiedAt", out var notifiedAt)
                        && notifiedAt.ValueKind != JsonValueKind.Null)
                    {
                        outcomes[orderId] = order;
                        waiting.Remove(orderId);
                    }
                    else
                    {
                        waiting[orderId] = order;
                    }
                }

                return outcomes.Count == orders.Count;
            }, Settle, $"all {orders.Count} accepted orders to reach a terminal status and be notified");
        }
        catch (TimeoutException exception)
        {
            // Which orders, and how far they got: what a failure in CI needs to be understood without the logs.
            throw new TimeoutException(
                $"{exception.Message} Still waiting: {string.Join("; ", waiting.Values.Take(5).Select(order => order.GetRawText()))}", exception);
        }

        var byStatus = outcomes.Values.GroupBy(order => order.GetProperty("status").GetString()!).ToDictionary(group => group.Key, group => group.Count());
        ChaosReport.Checked($"all {orders.Count} accepted orders terminal and notified ({string.Join(", ", byStatus.Select(pair => $"{pair.Value} {pair.Key}"))})");

        // 2. No entry left pending in any group, nothing left unread.
        var stuck = "";
        try
        {
            await Wait.UntilAsync(async () =>
            {
                foreach (var key in Streams.SelectMany(shop.KeysOf))
                {
                    if (!await shop.Database.KeyExistsAsync(key))
                    {
                        continue;
                    }

                    foreach (var group in await shop.Database.StreamGroupInfoAsync(key))
                    {
                        // Unread: an entry after the group's last delivered one. (Not XINFO's lag: after an XDEL of entries
                        // a group never read, Redis still counts them, as it counts entries added, not entries present.)
                        var unread = (await shop.Database.StreamRangeAsync(key, $"({group.LastDeliveredId}", "+", count: 1)).Length;
                        if (group.PendingMessageCount > 0 || unread > 0)
                        {
                            stuck = $"{key}, group {group.Name}: {group.PendingMessageCount} pending, {(unread > 0 ? "entries" : "nothing")} unread (lag {group.Lag})";
                            return false;
                        }
                    }
                }

                return true;
            }, Settle, "no entry pending or unread in any consumer group");
        }
        catch (TimeoutException exception)
        {
            throw new TimeoutException($"{exception.Message} Last seen: {stuck}.", exception);
        }
        ChaosReport.Checked($"no entry pending or unread in any group of orders, inventory, notifications ({shop.Partitions} partition{(shop.Partitions == 1 ? "" : "s")} each)");

        // 3. Stock is conserved and never negative; what is reserved is exactly what confirmed orders hold.
        var products = await shop.ProductsAsync();
        var confirmedUnits = new Dictionary<string, int>();
        foreach (var order in outcomes.Values.Where(order => order.GetProperty("status").GetString() == "Confirmed"))
        {
            foreach (var item in order.GetProperty("items").EnumerateArray())
            {
                var sku = item.GetProperty("sku").GetString()!;
                confirmedUnits[sku] = confirmedUnits.GetValueOrDefault(sku) + item.GetProperty("quantity").GetInt32();
            }
        }

        foreach (var (sku, (available, reserved)) in products)
        {
            Assert.True(available >= 0, $"{sku}: available is {available}");
            Assert.Equal(stockBefore[sku], available + reserved);
            Assert.Equal(confirmedUnits.GetValueOrDefault(sku), reserved);
        }

        ChaosReport.Checked($"available + reserved conserved for {products.Count} SKUs, available ≥ 0, reserved = units of confirmed orders ({confirmedUnits.Values.Sum()})");

        // 4. Exactly one notification per order outcome.
        foreach (var (orderId, order) in outcomes)
        {
            var kind = $"Order{order.GetProperty("status").GetString()}";
            var notifications = await shop.NotificationsAsync(orderId);
            Assert.Single(notifications, notification => notification.GetProperty("kind").GetString() == kind);
        }

        ChaosReport.Checked($"exactly one notification per order outcome ({outcomes.Count} orders)");

        // 5. Dead letters: only the expected ones.
        var deadLetters = new List<string>();
        foreach (var key in Streams.SelectMany(shop.KeysOf))
        {
            deadLetters.AddRange((await shop.Database.StreamRangeAsync($"{key}:dead-letter")).Select(entry => (string)entry["originalId"]!));
        }

        var allowed = expectedDeadLetters ?? [];
        Assert.All(deadLetters, id => Assert.Contains(id, allowed));
        ChaosReport.Checked($"dead-letter streams hold {deadLetters.Count} entr{(deadLetters.Count == 1 ? "y" : "ies")}, all of them expected ({allowed.Count} expected id{(allowed.Count == 1 ? "" : "s")})");
    }

    /// <summary>available + reserved per SKU: the quantity the invariants conserve.</summary>
    public static async Task<Dictionary<string, int>> StockAsync(ShopUnderChaos shop) =>
        (await shop.ProductsAsync()).ToDictionary(pair => pair.Key, pair => pair.Value.Available + pair.Value.Reserved);
}
