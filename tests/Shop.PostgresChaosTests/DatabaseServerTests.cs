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
    public async Task Database_server_killed_during_a_burst_and_restarted()
    {
        await using var shop = await ShopUnderChaos.StartAsync(inventoryInstances: 2, instancesOfEach: 2);
        var postgres = shop.Postgres!;
        var stock = await Invariants.StockAsync(shop);
        Task? restart = null;

        await shop.PlaceBurstAsync(60, midway: () =>
        {
            postgres.Kill();
            Injected("two instances of every service; kill -9 the PostgreSQL server after a third of 60 orders; 3 s down while orders keep coming; restarted (it replays its WAL)");
            restart = Task.Run(async () =>
            {
                await Task.Delay(TimeSpan.FromSeconds(3)); // the outage itself, not a wait for anything
                await postgres.RestartAsync();
            });
            return Task.CompletedTask;
        });
        await restart!;

        await Invariants.HoldAsync(shop, stock);
    }

    [Fact]
    public async Task Database_server_down_longer_than_every_redelivery_dead_letters_nothing()
    {
        await using var shop = await ShopUnderChaos.StartAsync(inventoryInstances: 2, instancesOfEach: 2);
        var postgres = shop.Postgres!;
        var stock = await Invariants.StockAsync(shop);
        // Longer than MaxDeliveries (5) deliveries, one every ReclaimAfter: an entry that failed for its own sake would be
        // dead-lettered by then; one that failed because the database was down must still be waiting for it.
        var outage = ShopUnderChaos.ReclaimAfter * 7;
        Task? restart = null;

        await shop.PlaceBurstAsync(30, midway: () =>
        {
            postgres.Kill();
            Injected($"two instances of every service; kill -9 the PostgreSQL server after a third of 30 orders; {outage.TotalSeconds} s down (7 × ReclaimAfter); restarted");
            restart = Task.Run(async () =>
            {
                await Task.Delay(outage); // the outage itself, not a wait for anything
                await postgres.RestartAsync();
            });
            return Task.CompletedTask;
        });
        await restart!;

        await Invariants.HoldAsync(shop, stock);
    }
}
