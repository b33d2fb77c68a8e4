using System.Diagnostics;
using System.Globalization;

namespace Shop.Testing;

/// <summary>
/// A Redis Cluster of the tests' own, from <c>redis-server</c> processes on free loopback ports: by default three
/// primaries with one replica each (<c>redis-cli --cluster create … --cluster-replicas 1</c>), a short node timeout so
/// that a killed primary's replica takes over within seconds, AOF on like every test server.
/// </summary>
public sealed class LocalRedisCluster : IAsyncDisposable
{
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(60);
    private readonly List<LocalRedisServer> _nodes;

    private LocalRedisCluster(List<LocalRedisServer> nodes) => _nodes = nodes;

    /// <summary>Every node, primaries and replicas (which is which changes with a failover).</summary>
    public IReadOnlyList<LocalRedisServer> Nodes => _nodes;

    /// <summary>Every node's endpoint: a client finds the rest of the cluster from any of them.</summary>
    public string ConnectionString => string.Join(",", _nodes.Select(node => node.ConnectionString));

    /// <param name="primaries">Primaries (3 is the smallest cluster redis-cli creates).</param>
    /// <param name="replicasEach">Replicas per primary.</param>
    /// <param name="nodeTimeout">How long a node may not answer before the others fail it over.</param>
    /// <param name="appendOnly">AOF on every node (the tests' default); off for benchmarks that measure the bus, not the disk.</param>
    /// <param name="cancellationToken">Cancels waiting for the cluster.</param>
    public static async Task<LocalRedisCluster> StartAsync(
        int primaries = 3, int replicasEach = 1, TimeSpan? nodeTimeout = null, bool appendOnly = true, CancellationToken cancellationToken = default)
    {
        var timeout = ((long)(nodeTimeout ?? TimeSpan.FromSeconds(1)).TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
        var starts = Enumerable.Range(0, primaries * (1 + replicasEach)).Select(_ => LocalRedisServer.StartAsync(
            appendOnly: appendOnly,
            clusterBus: true,
            extraArguments:
            [
                "--cluster-config-file", "nodes.conf",
                "--cluster-node-timeout", timeout,
                // A replica whose primary is gone takes over however long it was cut off: tests kill primaries on purpose.
                "--cluster-replica-validity-factor", "0",
            ],
            cancellationToken: cancellationToken)).ToList();
        var nodes = new List<LocalRedisServer>();
        try
        {
            foreach (var start in starts)
            {
                nodes.Add(await start);
            }

            var cluster = new LocalRedisCluster(nodes);
            await cluster.CreateAsync(replicasEach, cancellationToken);
            return cluster;
        }
        catch
        {
            foreach (var start in starts.Where(start => start.IsCompletedSuccessfully))
            {
                start.Result.Dispose();
            }

            throw;
        }
    }

    private async Task CreateAsync(int replicasEach, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("redis-cli") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("--cluster");
        start.ArgumentList.Add("create");
        foreach (var node in _nodes)
        {
            start.ArgumentList.Add(node.ConnectionString);
        }

        start.ArgumentList.Add("--cluster-replicas");
        start.ArgumentList.Add(replicasEach.ToString(CultureInfo.InvariantCulture));
        start.ArgumentList.Add("--cluster-yes");
        using var create = Process.Start(start) ?? throw new InvalidOperationException("redis-cli did not start.");
        var output = create.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = create.StandardError.ReadToEndAsync(cancellationToken);
        await create.WaitForExitAsync(cancellationToken);
        if (create.ExitCode != 0)
        {
            throw new InvalidOperationException($"redis-cli --cluster create exited with {create.ExitCode}: {await output}{await errors}");
        }

        await WaitUntilHealthyAsync(cancellationToken);
    }

    /// <summary>
    /// Until every running node says <c>cluster_state:ok</c>, every slot has a primary that is up, and every running
    /// replica's link to its primary is up: the state a test may start from, or expect after a failover.
    /// </summary>
    public async Task WaitUntilHealthyAsync(CancellationToken cancellationToken = default) =>
        await Wait.UntilAsync(async () =>
        {
            foreach (var node in _nodes.Where(node => !node.HasExited))
            {
                var state = await node.QueryAsync(cancellationToken, "CLUSTER", "INFO");
                if (state is null || !state.Contains("cluster_state:ok", StringComparison.Ordinal))
                {
                    return false;
                }

                var replication = await node.QueryAsync(cancellationToken, "INFO", "replication");
                if (replication is null || (replication.Contains("role:slave", StringComparison.Ordinal)
                                            && !replication.Contains("master_link_status:up", StringComparison.Ordinal)))
                {
                    return false;
                }
            }

            return (await TopologyAsync(cancellationToken)).Where(node => node.IsPrimary).Sum(node => node.Slots) == 16384;
        }, Ready, "the Redis Cluster to be healthy");

    /// <summary>The node that serves <paramref name="key"/>'s slot now.</summary>
    public async Task<LocalRedisServer> PrimaryOfAsync(string key, CancellationToken cancellationToken = default)
    {
        var any = _nodes.First(node => !node.HasExited);
        var slot = int.Parse(await any.QueryAsync(cancellationToken, "CLUSTER", "KEYSLOT", key) ?? "-1", CultureInfo.InvariantCulture);
        var owner = (await TopologyAsync(cancellationToken)).Single(node => node.IsPrimary && node.Serves(slot));
        return _nodes.Single(node => node.Port == owner.Port);
    }

    /// <summary>The running primaries.</summary>
    public async Task<IReadOnlyList<LocalRedisServer>> PrimariesAsync(CancellationToken cancellationToken = default) =>
    [
        .. (await TopologyAsync(cancellationToken)).Where(node => node.IsPrimary && node.Slots > 0)
            .Select(primary => _nodes.Single(node => node.Port == primary.Port)),
    ];

    /// <summary>
    /// <c>kill -9</c> of <paramref name="primary"/>, then waits until its replica has taken its slots over (the
    /// cluster's own failure detection and election, nothing forced) and the cluster is healthy again.
    /// </summary>
    public async Task KillAndAwaitFailoverAsync(LocalRedisServer primary, CancellationToken cancellationToken = default)
    {
        primary.Kill();
        await Wait.UntilAsync(async () =>
        {
            var nodes = await TopologyAsync(cancellationToken);
            return nodes.Where(node => node.IsPrimary && node.Port != primary.Port).Sum(node => node.Slots) == 16384;
        }, Ready, $"a replica to take over the slots of the killed primary :{primary.Port}");
        await WaitUntilHealthyAsync(cancellationToken);
    }

    private async Task<IReadOnlyList<ClusterNode>> TopologyAsync(CancellationToken cancellationToken)
    {
        foreach (var node in _nodes.Where(node => !node.HasExited))
        {
            if (await node.QueryAsync(cancellationToken, "CLUSTER", "NODES") is { } nodes)
            {
                return [.. nodes.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ClusterNode.Parse)];
            }
        }

        throw new InvalidOperationException("No cluster node answers.");
    }

    public ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
        {
            node.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>One line of <c>CLUSTER NODES</c>: <c>id ip:port@bus flags primary ping pong epoch link slot…</c>.</summary>
    private sealed record ClusterNode(int Port, bool IsPrimary, IReadOnlyList<(int From, int To)> Ranges)
    {
        public int Slots => Ranges.Sum(range => range.To - range.From + 1);

        public bool Serves(int slot) => Ranges.Any(range => slot >= range.From && slot <= range.To);

        public static ClusterNode Parse(string line)
        {
            var parts = line.Trim().Split(' ');
            var address = parts[1].Split('@')[0];
            var port = int.Parse(address[(address.LastIndexOf(':') + 1)..], CultureInfo.InvariantCulture);
            var flags = parts[2].Split(',');
            var primary = flags.Contains("master") && !flags.Contains("fail") && !flags.Contains("fail?");
            var ranges = parts.Skip(8).Where(part => !part.StartsWith('[')).Select(part =>
            {
                var bounds = part.Split('-');
                var from = int.Parse(bounds[0], CultureInfo.InvariantCulture);
                return (from, bounds.Length > 1 ? int.Parse(bounds[1], CultureInfo.InvariantCulture) : from);
            }).ToList();
            return new ClusterNode(port, primary, ranges);
        }
    }
}
