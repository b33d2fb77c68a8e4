using System.Globalization;

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

    /// <summary>
    /// Until the replica's append-only file holds everything the replica has: no AOF rewrite running or scheduled (a
    /// replica rewrites its AOF after every full sync, and until that ends its new writes reach no file) and nothing
    /// left in its AOF buffer. What a test waits for before it kills the replica and restarts it from its AOF, so that
    /// the restart keeps exactly what the replica had.
    /// </summary>
    public Task WaitUntilReplicaPersistedAsync(CancellationToken cancellationToken = default) =>
        Wait.UntilAsync(async () =>
        {
            var persistence = await InfoAsync(Replica, cancellationToken, "persistence");
            return new[] { "aof_rewrite_in_progress:0", "aof_rewrite_scheduled:0", "aof_pending_rewrite:0", "aof_buffer_length:0" }
                .All(field => persistence.Contains(field, StringComparison.Ordinal));
        }, Ready, "the replica's AOF to hold everything it has");

    /// <summary><c>REPLICAOF NO ONE</c>: the replica becomes a primary with what it has, as after a failover.</summary>
    public async Task PromoteReplicaAsync(CancellationToken cancellationToken = default)
    {
        _ = await Replica.QueryAsync(cancellationToken, "REPLICAOF", "NO", "ONE") ?? throw new InvalidOperationException("The replica did not answer REPLICAOF NO ONE.");
        await Wait.UntilAsync(async () => (await InfoAsync(Replica, cancellationToken)).Contains("role:master", StringComparison.Ordinal),
            Ready, "the replica to be promoted");
    }

    private static async Task<string> InfoAsync(LocalRedisServer server, CancellationToken cancellationToken, string section = "replication") =>
        await server.QueryAsync(cancellationToken, "INFO", section) ?? "";

    public void Dispose()
    {
        Replica.Dispose();
        Primary.Dispose();
    }
}
