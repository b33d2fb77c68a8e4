using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>
/// The non-blocking reads of this consumer in its group: its own pending entries, new entries (the read-ahead), and
/// the entries other consumers left idle (XAUTOCLAIM). The blocking read has a connection of its own (<see cref="Connections.BlockingStreamReader"/>).
/// </summary>
internal sealed class ConsumerReads(IConnectionMultiplexer redis, Configuration.ConsumerIdentity identity, string key)
{
    /// <summary>This consumer's own pending entries after <paramref name="after"/> (XREADGROUP with an id, not <c>&gt;</c>).</summary>
    public async Task<Delivery[]> ReadOwnAsync(RedisValue after, int count)
    {
        var entries = await redis.GetDatabase()
            .StreamReadGroupAsync(key, identity.Group, identity.Consumer, after, count).ConfigureAwait(false);
        return await WithDeliveryCountsAsync(entries).ConfigureAwait(false);
    }

    /// <summary>
    /// New entries (<c>&gt;</c>) without blocking, on the shared multiplexer: when the last read came back full there
    /// is a backlog, so there is nothing to wait for, and StackExchange.Redis's typed reply parser is the fastest.
    /// </summary>
    public Task<StreamEntry[]> ReadNewAsync(int count) =>
        redis.GetDatabase().StreamReadGroupAsync(key, identity.Group, identity.Consumer, StreamPosition.NewMessages, count);

    /// <summary>XAUTOCLAIM: entries of any consumer of the group idle longer than <paramref name="minIdle"/> become ours.</summary>
    public async Task<(StreamEntry[] Claimed, RedisValue NextCursor)> ClaimIdleAsync(TimeSpan minIdle, RedisValue cursor, int count)
    {
        var result = await redis.GetDatabase().StreamAutoClaimAsync(
            key, identity.Group, identity.Consumer, (long)minIdle.TotalMilliseconds, cursor, count).ConfigureAwait(false);
        return (result.ClaimedEntries ?? [], result.NextStartId);
    }

    /// <summary>
    /// XREADGROUP from the history and XAUTOCLAIM do not say how often an entry was delivered; XPENDING does.
    /// One pipelined XPENDING per entry: this path only runs for recovered or taken-over entries.
    /// </summary>
    public async Task<Delivery[]> WithDeliveryCountsAsync(StreamEntry[] entries)
    {
        var database = redis.GetDatabase();
        var lookups = entries.Select(entry => database.StreamPendingMessagesAsync(
            key, identity.Group, 1, identity.Consumer, entry.Id, entry.Id)).ToArray();
        var infos = await Task.WhenAll(lookups).ConfigureAwait(false);
        var deliveries = new Delivery[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            deliveries[i] = new Delivery(entries[i], infos[i] is [var info, ..] ? info.DeliveryCount : 1);
        }

        return deliveries;
    }
}
