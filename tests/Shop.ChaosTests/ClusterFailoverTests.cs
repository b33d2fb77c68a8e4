using Shop.ChaosTests.Support;
using static Shop.ChaosTests.Support.ChaosReport;

namespace Shop.ChaosTests;

/// <summary>
/// The services on a 3-primary Redis Cluster, every stream in 3 partitions, and a primary killed while orders flow:
/// the cluster promotes its replica on its own (no <c>CLUSTER FAILOVER</c> forced), the services follow the new topology,
/// and the invariants hold as after any other fault.
/// </summary>
public sealed class ClusterFailoverTests
{
    [Fact]
    public async Task Cluster_primary_killed_while_orders_flow_and_its_replica_takes_over()
    {
        await using var shop = await ShopUnderChaos.StartOnClusterAsync(partitions: 3);
        var cluster = shop.Cluster!;
        var stock = await Invariants.StockAsync(shop);
        Task? failover = null;

        await shop.PlaceBurstAsync(60, midway: async () =>
        {
            var victim = await cluster.PrimaryOfAsync(shop.KeysOf("orders")[0]);
            failover = cluster.KillAndAwaitFailoverAsync(victim);
            Injected(
                $"kill -9 of the cluster primary :{victim.Port} (it serves orders:{{0}}) after a third of 60 orders; the rest are placed during the failover");
        });
        await failover!;
        Checked("a replica took over the killed primary's slots and the cluster is healthy");

        Assert.Equal(60, shop.AcceptedOrders.Count); // OrderService answers from its own database and outbox: Redis down or not
        await Invariants.HoldAsync(shop, stock);
    }
}
