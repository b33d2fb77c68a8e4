using System.Globalization;
using StackExchange.Redis;

namespace Shop.Testing;

/// <summary>
/// A primary and one replica of the tests' own (<c>redis-server --replicaof</c>), AOF on both: what a failover test
/// needs to take the primary away and promote the replica by hand (<c>REPLICAOF NO ONE</c>, as a Sentinel or a managed
/// Redis would).
/// </summary>
public sealed class LocalRedisReplicaPair : IDisposable
{
    private static readonly TimeSpan Ready = TimeSpan.FromSeconds(30);

    private LocalRedisReplicaPair(LocalRedisServer primary, LocalRedisServer replica) => (Primary, Replica) = (primary, replica);

    public LocalRedisServer Primary { get; }

    public LocalRedisServer Replica { get; }

    /// <param name="appendOnly">AOF on both (the tests' default); off for benchmarks that measure replication, not the disk.</param>
    /// <param name="cancellationToken">Cancels waiting for the pair.</param>
    public static async Task<LocalRedisReplicaPair> StartAsync(bool appendOnly = true, CancellationToken cancellationToken = default)
    {
        if (!LocalRedisServer.IsInstalled())
        {
            throw new InvalidOperationException(
                "The replication tests start a primary and a replica from redis-server and found none: install redis-server " +
                "(Debian/Ubuntu: 'sudo apt-get install -y redis-server').");
        }

        var primary = await LocalRedisServer.StartAsync(appendOnly, cancellationToken: cancellationToken);
        try
        {
            var replica = await LocalRedisServer.StartAsync(
                appendOnly,
                extraArguments: ["--replicaof", "127.0.0.1", primary.Port.ToString(CultureInfo.InvariantCulture)],
                cancellationToken: cancellationToken);
            var pair = new LocalRedisReplicaPair(primary, replica);
            await pair.WaitUntilInSyncAsync(cancellationToken);
            return pair;
        }
        catch
        {
            primary.Dispose();
            throw;
        }
    }

    /// <summary>Until the replica's link to the primary is up and the primary counts it as a connected replica.</summary>
    public Task WaitUntilInSyncAsync(CancellationToken cancellationToken = default) =>
        Wait.UntilAsync(async () =>
            (await InfoAsync(Replica, cancellationToken)).Contains("master_link_status:up", StringComparison.Ordinal)
            && (await InfoAsync(Primary, cancellationToken)).Contains("connected_slaves:1", StringComparison.Ordinal),
            Ready, "the replica to be in sync with its primary");

    /// <summary><c>REPLICAOF NO ONE</c>: the replica becomes a primary with what it has, as after a failover.</summary>
    public async Task PromoteReplicaAsync(CancellationToken cancellationToken = default)
    {
        await using var connection = await ConnectAsync(Replica);
        await connection.GetServer(Replica.ConnectionString).ExecuteAsync("REPLICAOF", "NO", "ONE");
        await Wait.UntilAsync(async () => (await InfoAsync(Replica, cancellationToken)).Contains("role:master", StringComparison.Ordinal),
            Ready, "the replica to be promoted");
    }

    private static async Task<string> InfoAsync(LocalRedisServer server, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await using var connection = await ConnectAsync(server);
            return (string?)await connection.GetServer(server.ConnectionString).ExecuteAsync("INFO", "replication") ?? "";
        }
        catch (RedisConnectionException)
        {
            return "";
        }
    }

    // Straight to the one node, admin allowed; never routed to the other node of the pair.
    private static Task<ConnectionMultiplexer> ConnectAsync(LocalRedisServer server)
    {
        var options = ConfigurationOptions.Parse(server.ConnectionString);
        options.AllowAdmin = true;
        options.ConnectTimeout = 1000;
        options.AbortOnConnectFail = true;
        options.CommandMap = CommandMap.Create(["SUBSCRIBE", "UNSUBSCRIBE", "PSUBSCRIBE", "PUNSUBSCRIBE"], available: false);
        return ConnectionMultiplexer.ConnectAsync(options);
    }

    public void Dispose()
    {
        Replica.Dispose();
        Primary.Dispose();
    }
}
