using Shop.ChaosTests.Support;
using static Shop.ChaosTests.Support.ChaosReport;

namespace Shop.ChaosTests;

/// <summary>
/// Faults of the database server itself, which only PostgreSQL has (a SQLite file has no server to lose): two instances
/// of every service sharing their databases on it, and the server killed while orders flow.
/// </summary>
public sealed class DatabaseServerTests
{
    [Fact]
    public async Task Database_server_killed_during_a_burst_and_restarted() =>
        await KillDuringBurstAsync(orders: 60, outage: TimeSpan.FromSeconds(3), why: "");

    [Fact]
    public async Task Database_server_down_longer_than_every_redelivery_dead_letters_nothing() =>
        // Longer than MaxDeliveries (5) deliveries, one every ReclaimAfter: an entry that failed for its own sake would be
        // dead-lettered by then; one that failed because the database was down must still be waiting for it.
        await KillDuringBurstAsync(orders: 30, outage: ShopUnderChaos.ReclaimAfter * 7, why: " (7 × ReclaimAfter)");

    /// <summary>
    /// <c>kill -9</c> of the PostgreSQL server after a third of <paramref name="orders"/> orders, the rest placed while it
    /// is down, then restarted (it replays its WAL) after <paramref name="outage"/>: the orders placed meanwhile are
    /// refused with 503, and every invariant holds once the system settles.
    /// </summary>
    private static async Task KillDuringBurstAsync(int orders, TimeSpan outage, string why)
    {
        await using var shop = await ShopUnderChaos.StartAsync(inventoryInstances: 2, instancesOfEach: 2);
        var postgres = shop.Postgres!;
        var stock = await Invariants.StockAsync(shop);
        Task? restart = null;

        await shop.PlaceBurstAsync(orders, midway: () =>
        {
            postgres.Kill();
            Injected($"two instances of every service; kill -9 the PostgreSQL server after a third of {orders} orders; {outage.TotalSeconds} s down{why} while orders keep coming; restarted");
            restart = Task.Run(async () =>
            {
                await Task.Delay(outage); // the outage itself, not a wait for anything
                await postgres.RestartAsync();
            });
            return Task.CompletedTask;
        });
        await restart!;

        Assert.True(shop.RefusedAsUnavailable > 0, "orders placed while the database was down are refused with 503, Retry-After and a ProblemDetails");
        Checked($"{shop.RefusedAsUnavailable} orders placed during the outage were refused with 503 + Retry-After (nothing accepted that could not be stored)");
        await Invariants.HoldAsync(shop, stock);
    }
}
