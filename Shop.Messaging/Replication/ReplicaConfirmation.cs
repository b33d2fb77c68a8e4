using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.Messaging.Configuration;
using Shop.Messaging.Connections;
using Shop.Messaging.Telemetry;
using StackExchange.Redis;

namespace Shop.Messaging.Replication;

/// <summary>
/// Makes a publish wait for <see cref="MessagingOptions.MinReplicas"/> replicas (<c>WAIT n timeout</c>, or
/// <c>WAITAOF 1 n timeout</c> with <see cref="MessagingOptions.WaitForAof"/> on Redis 7.2+).
/// </summary>
/// <remarks>
/// <c>WAIT</c> counts the replicas that have every write made so far <em>on the connection it is sent on</em>, and
/// blocks that connection until they answer. So the entries and their <c>WAIT</c> share a connection, and it is a
/// dedicated one: on the shared multiplexer every other command to that node (reads, acknowledgements, health
/// checks) would queue behind each wait. Writes of concurrent publishers on the dedicated connection are covered by
/// the same <c>WAIT</c>, which makes it a group commit. On a cluster each entry's <c>WAIT</c> goes to the node that
/// owns the entry's key, once per node however many entries a batch wrote there. With <c>MinReplicas</c> 0 none of
/// this exists: publishes use the shared multiplexer and return once the primary has the entry.
/// </remarks>
internal sealed class ReplicaConfirmation : IAsyncDisposable
{
    private static readonly Version WaitAofSince = new(7, 2);
    private readonly IConnectionMultiplexer _shared;
    private readonly MessagingOptions _options;
    private readonly ConsumerIdentity _identity;
    private readonly MessagingMetrics _metrics;
    private readonly ILogger<ReplicaConfirmation> _logger;
    private readonly Lazy<Task<ConnectionMultiplexer>>? _dedicated;
    private int _warnedAboutAof;

    public ReplicaConfirmation(
        IConnectionMultiplexer shared,
        IOptions<MessagingOptions> options,
        ConsumerIdentity identity,
        MessagingMetrics metrics,
        ILogger<ReplicaConfirmation> logger)
    {
        _shared = shared;
        _options = options.Value;
        _identity = identity;
        _metrics = metrics;
        _logger = logger;
        if (_options.MinReplicas > 0)
        {
            _dedicated = new Lazy<Task<ConnectionMultiplexer>>(ConnectAsync);
        }
    }

    /// <summary>True when publishes wait for replicas.</summary>
    public bool Required => _dedicated is not null;

    /// <summary>The connection to publish on: the dedicated one when publishes wait for replicas, else the shared one.</summary>
    public async ValueTask<IConnectionMultiplexer> ConnectionAsync() =>
        _dedicated is null ? _shared : await _dedicated.Value.ConfigureAwait(false);

    /// <summary>
    /// Waits until <see cref="MessagingOptions.MinReplicas"/> replicas of every node that owns one of
    /// <paramref name="keys"/> have what this process published there. Throws <see cref="ReplicationShortfallException"/>
    /// when a node's replicas fall short within <see cref="MessagingOptions.ReplicaTimeout"/>.
    /// </summary>
    public async Task ConfirmAsync(IEnumerable<string> keys, CancellationToken cancellationToken)
    {
        if (_dedicated is null)
        {
            return;
        }

        cancellationToken.ThrowIfCancellationRequested();
        var connection = await _dedicated.Value.ConfigureAwait(false);
        var servers = keys.Distinct(StringComparer.Ordinal).Select(key => connection.GetServer((RedisKey)key)).DistinctBy(server => server.EndPoint);
        // Every node's wait runs at once (a WAIT cannot be cancelled: each ends by its ReplicaTimeout at the latest).
        await Task.WhenAll(servers.Select(WaitAsync)).ConfigureAwait(false);
    }

    private async Task WaitAsync(IServer server)
    {
        var timeout = (long)_options.ReplicaTimeout.TotalMilliseconds;
        long confirmed;
        if (_options.WaitForAof && server.Version >= WaitAofSince)
        {
            // [primary's own AOF fsynced (0|1), replicas whose AOF has it]
            var reply = (RedisResult[])(await server.ExecuteAsync("WAITAOF", 1, _options.MinReplicas, timeout).ConfigureAwait(false))!;
            confirmed = (long)reply[0] == 1 ? (long)reply[1] : 0;
        }
        else
        {
            if (_options.WaitForAof && Interlocked.Exchange(ref _warnedAboutAof, 1) == 0)
            {
                MessagingLog.WaitAofUnsupported(_logger, Format(server), server.Version.ToString());
            }

            confirmed = (long)(await server.ExecuteAsync("WAIT", _options.MinReplicas, timeout).ConfigureAwait(false));
        }

        if (confirmed < _options.MinReplicas)
        {
            var name = Format(server);
            _metrics.ReplicationShortfall(name);
            throw new ReplicationShortfallException(name, confirmed, _options.MinReplicas, _options.ReplicaTimeout);
        }
    }

    private static string Format(IServer server) => EndPointCollection.ToString(server.EndPoint);

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        // A WAIT is slow by design: the command timeout must outlast it.
        var configuration = DedicatedConnection.ConfigurationFrom(_shared, $"{_identity.Consumer}:publisher", _options.ReplicaTimeout + TimeSpan.FromSeconds(5));
        return await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_dedicated is { IsValueCreated: true } dedicated && dedicated.Value.IsCompletedSuccessfully)
        {
            await dedicated.Value.Result.DisposeAsync().ConfigureAwait(false);
        }
    }
}
