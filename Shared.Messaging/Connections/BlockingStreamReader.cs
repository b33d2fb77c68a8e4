using Microsoft.Extensions.Logging;
using Shop.Messaging.Configuration;
using Shop.Messaging.Telemetry;
using StackExchange.Redis;

namespace Shop.Messaging.Connections;

/// <summary>
/// Reads new entries with <c>XREADGROUP … BLOCK</c> on a connection of its own. StackExchange.Redis multiplexes
/// every command of a multiplexer over one socket, so a blocking read on the shared multiplexer would stall all
/// other traffic for the whole block; a dedicated connection per consumer loop wakes within a round trip of a
/// publish and costs an idle consumer one command per <see cref="MessagingOptions.BlockTimeout"/>.
/// </summary>
internal sealed class BlockingStreamReader : IAsyncDisposable
{
    private readonly ConnectionMultiplexer _connection;
    private readonly IConnectionMultiplexer _shared;
    private readonly RedisKey _stream;
    private readonly object[] _arguments;
    private readonly ILogger _logger;
    private long? _clientId;

    private BlockingStreamReader(ConnectionMultiplexer connection, IConnectionMultiplexer shared, string stream, ConsumerIdentity identity, MessagingOptions options, ILogger logger)
    {
        _connection = connection;
        _shared = shared;
        _stream = stream;
        _logger = logger;
        _arguments =
        [
            "GROUP", identity.Group, identity.Consumer,
            "COUNT", options.BatchSize,
            "BLOCK", (long)options.BlockTimeout.TotalMilliseconds,
            "STREAMS", _stream, ">",
        ];
    }

    public static async Task<BlockingStreamReader> OpenAsync(
        IConnectionMultiplexer shared, string stream, ConsumerIdentity identity, MessagingOptions options, ILogger logger)
    {
        // The shared multiplexer's configuration, password included, so Aspire's settings apply here too.
        var configuration = ConfigurationOptions.Parse(shared.Configuration);
        configuration.ClientName = $"{identity.Consumer}:{stream}:reader";
        configuration.AbortOnConnectFail = false;
        // A blocked read is a slow command by design: the timeout must outlast the block.
        configuration.AsyncTimeout = (int)(options.BlockTimeout + TimeSpan.FromSeconds(10)).TotalMilliseconds;
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        return new BlockingStreamReader(connection, shared, stream, identity, options, logger);
    }

    /// <summary>
    /// Waits for new entries, up to the block timeout. When <paramref name="stopping"/> fires, the blocked read is
    /// ended with <c>CLIENT UNBLOCK … TIMEOUT</c> (as if its time had run out), so shutdown neither waits for the
    /// block nor abandons a read whose entries would then sit unseen in this consumer's pending list.
    /// </summary>
    public async Task<StreamEntry[]> ReadAsync(CancellationToken stopping)
    {
        _clientId ??= await ClientIdAsync().ConfigureAwait(false);
        var read = _connection.GetDatabase().ExecuteAsync("XREADGROUP", _arguments);
        using (stopping.Register(static state => _ = ((BlockingStreamReader)state!).UnblockAsync(), this))
        {
            try
            {
                return StreamReadReply.Parse(await read.ConfigureAwait(false));
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                // A reconnect gives the connection a new client id.
                _clientId = null;
                throw;
            }
        }
    }

    private async Task<long> ClientIdAsync()
    {
        var endpoint = await _connection.GetDatabase().IdentifyEndpointAsync(_stream).ConfigureAwait(false);
        var server = endpoint is null ? _connection.GetServers()[0] : _connection.GetServer(endpoint);
        return (long)await server.ExecuteAsync("CLIENT", "ID").ConfigureAwait(false);
    }

    private async Task UnblockAsync()
    {
        if (_clientId is not { } clientId)
        {
            return;
        }

        try
        {
            var endpoint = await _connection.GetDatabase().IdentifyEndpointAsync(_stream).ConfigureAwait(false);
            var server = endpoint is null ? _shared.GetServers()[0] : _shared.GetServer(endpoint);
            await server.ExecuteAsync("CLIENT", "UNBLOCK", clientId, "TIMEOUT").ConfigureAwait(false);
        }
        catch (RedisException exception)
        {
            // E.g. an ACL without CLIENT: the read then simply ends at its block timeout.
            MessagingLog.UnblockFailed(_logger, exception, (string?)_stream ?? "");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
