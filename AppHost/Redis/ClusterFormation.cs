using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace Shop.AppHost.Redis;

/// <summary>
/// Makes a cluster of fresh cluster-enabled nodes, as <c>redis-cli --cluster create</c> does without replicas: each
/// node takes an equal range of the 16384 slots (<c>CLUSTER ADDSLOTSRANGE</c>), the first meets the others
/// (<c>CLUSTER MEET</c>), and gossip does the rest. Nodes that formed a cluster in an earlier run keep it in their
/// <c>nodes.conf</c>: then there is nothing to do but wait for <c>cluster_state:ok</c>.
/// </summary>
internal static class ClusterFormation
{
    private const int Slots = 16384;
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(250);

    public static async Task FormAsync(IReadOnlyList<int> ports, string password, ILogger logger, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        var nodes = new List<ConnectionMultiplexer>();
        try
        {
            foreach (var port in ports)
            {
                nodes.Add(await ConnectAsync(port, password, deadline.Token));
            }

            var infos = await Task.WhenAll(nodes.Select(node => ClusterInfoAsync(node)));
            if (infos.All(info => info.Contains("cluster_state:ok", StringComparison.Ordinal)))
            {
                ClusterLog.AlreadyFormed(logger, nodes.Count);
                return;
            }

            if (infos.All(info => info.Contains("cluster_slots_assigned:0", StringComparison.Ordinal)
                                  && info.Contains("cluster_known_nodes:1", StringComparison.Ordinal)))
            {
                for (var i = 0; i < nodes.Count; i++)
                {
                    var (first, last) = (Slots * i / nodes.Count, (Slots * (i + 1) / nodes.Count) - 1);
                    await Server(nodes[i]).ExecuteAsync("CLUSTER", "ADDSLOTSRANGE", first, last);
                    ClusterLog.SlotsAssigned(logger, ports[i], first, last);
                }

                foreach (var port in ports.Skip(1))
                {
                    await Server(nodes[0]).ExecuteAsync("CLUSTER", "MEET", "127.0.0.1", port);
                }
            }
            else
            {
                ClusterLog.WaitingForEarlierCluster(logger);
            }

            while (true)
            {
                deadline.Token.ThrowIfCancellationRequested();
                infos = await Task.WhenAll(nodes.Select(node => ClusterInfoAsync(node)));
                if (infos.All(info => info.Contains("cluster_state:ok", StringComparison.Ordinal)))
                {
                    ClusterLog.Up(logger, nodes.Count);
                    return;
                }

                await Task.Delay(Poll, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new DistributedApplicationException(
                $"The local Redis Cluster did not become healthy within {Deadline.TotalSeconds} s. If its nodes hold the state " +
                "of an older, different cluster, delete the redis-cluster folder in the data folder (AppHost/.data) and start again.");
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    // One node alone, admin allowed: the cluster-aware client would route CLUSTER commands elsewhere.
    private static async Task<ConnectionMultiplexer> ConnectAsync(int port, string password, CancellationToken cancellationToken)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", port } },
            Password = password,
            AllowAdmin = true,
            AbortOnConnectFail = true,
            ConnectTimeout = 1000,
        };
        while (true)
        {
            try
            {
                return await ConnectionMultiplexer.ConnectAsync(options);
            }
            catch (RedisConnectionException) when (!cancellationToken.IsCancellationRequested)
            {
                // The process runs but does not listen yet.
                await Task.Delay(Poll, cancellationToken);
            }
        }
    }

    private static IServer Server(ConnectionMultiplexer node) => node.GetServer(node.GetEndPoints()[0]);

    private static async Task<string> ClusterInfoAsync(ConnectionMultiplexer node) =>
        (string?)await Server(node).ExecuteAsync("CLUSTER", "INFO") ?? "";
}
