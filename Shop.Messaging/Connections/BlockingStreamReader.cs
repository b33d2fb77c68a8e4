using System.Net;
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
    private readonly ConfigurationOptions _configuration;
    private readonly RedisKey _key;
    private readonly object[] _arguments;
    private readonly ILogger _logger;
    private long? _clientId;
    private EndPoint? _endpoint;

    private BlockingStreamReader(
        ConnectionMultiplexer connection, ConfigurationOptions configuration, string key, ConsumerIdentity identity, MessagingOptions options, ILogger logger)
    {
        _connection = connection;
        _configuration = configuration;
        _key = key;
        _logger = logger;
        _arguments =
        [
            "GROUP", identity.Group, identity.Consumer,
            "COUNT", options.BatchSize,
            "BLOCK", (long)options.BlockTimeout.TotalMilliseconds,
            "STREAMS", _key, ">",
        ];
    }

    public static async Task<BlockingStreamReader> OpenAsync(
        IConnectionMultiplexer shared, string key, ConsumerIdentity identity, MessagingOptions options, ILogger logger)
    {
        // A blocked read is a slow command by design: the timeout must outlast the block.
        var configuration = DedicatedConnection.ConfigurationFrom(shared, $"{identity.Consumer}:{key}:reader", options.BlockTimeout + TimeSpan.FromSeconds(10));
        var connection = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
        return new BlockingStreamReader(connection, configuration, key, identity, options, logger);
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

    // Sent through IServer: IDatabase.Execute refuses every CLIENT command unless admin commands are allowed.
    private async Task<long?> ClientIdAsync()
    {
        try
        {
            var endpoint = await _connection.GetDatabase().IdentifyEndpointAsync(_key).ConfigureAwait(false);
            var server = endpoint is null ? _connection.GetServers()[0] : _connection.GetServer(endpoint);
            _endpoint = server.EndPoint;
            return (long)await server.ExecuteAsync("CLIENT", "ID").ConfigureAwait(false);
        }
        catch (RedisServerException exception)
        {
            // E.g. an ACL without CLIENT ID: no early unblock then; the read ends at its block timeout.
            MessagingLog.UnblockFailed(_logger, exception, (string?)_key ?? "");
            return null;
        }
    }

    /// <remarks>
    /// The unblock must come from another connection (the blocked one answers nothing until its read ends), and
    /// StackExchange.Redis sends CLIENT UNBLOCK only on a connection that allows admin commands: a short-lived one
    /// is opened for it at shutdown rather than keeping an admin connection open all the time.
    /// </remarks>
    private async Task UnblockAsync()
    {
        if (_clientId is not { } clientId || _endpoint is null)
        {
            return;
        }

        try
        {
            var configuration = _configuration.Clone();
            configuration.AllowAdmin = true;
            configuration.ClientName += ":unblock";
            var control = await ConnectionMultiplexer.ConnectAsync(configuration).ConfigureAwait(false);
            await using (control.ConfigureAwait(false))
            {
                await control.GetServer(_endpoint).ExecuteAsync("CLIENT", "UNBLOCK", clientId, "TIMEOUT").ConfigureAwait(false);
            }
        }
        // Best effort, fire-and-forget: whatever goes wrong, the read still ends at its block timeout.
        catch (Exception exception)
        {
            // E.g. an ACL without CLIENT UNBLOCK.
            MessagingLog.UnblockFailed(_logger, exception, (string?)_key ?? "");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.CloseAsync(allowCommandsToComplete: false).ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
