using Microsoft.Extensions.Options;
using Shop.StreamsConsole.Configuration;
using StackExchange.Redis;

namespace Shop.StreamsConsole.Reading;

/// <summary>
/// The groups page: per key, <c>XINFO GROUPS</c>, then per group <c>XINFO CONSUMERS</c> and the extended
/// <c>XPENDING</c> (id, consumer, idle time, delivery count) — each a command on one key.
/// </summary>
internal sealed class GroupDetails(IConnectionMultiplexer redis, IOptions<ConsoleOptions> options)
{
    public async Task<GroupsPage> ReadAsync(CatalogStream stream)
    {
        var database = redis.GetDatabase();
        var perKey = await Task.WhenAll(stream.Keys.Select(async key =>
        {
            var groups = await database.StreamGroupInfoAsync(key);
            return await Task.WhenAll(groups.Select(group => DescribeAsync(database, key, group)));
        }));
        var groups = perKey.SelectMany(views => views).OrderBy(view => view.Name, StringComparer.Ordinal).ToList();
        return new GroupsPage(stream.Name, (long)options.Value.ReclaimAfter.TotalMilliseconds, groups);
    }

    private async Task<GroupView> DescribeAsync(IDatabase database, string key, StreamGroupInfo group)
    {
        var consumers = database.StreamConsumerInfoAsync(key, group.Name);
        var pending = database.StreamPendingMessagesAsync(key, group.Name, options.Value.PendingListed, RedisValue.Null);
        var reclaimAfter = (long)options.Value.ReclaimAfter.TotalMilliseconds;
        return new GroupView(
            group.Name, key, group.PendingMessageCount, group.Lag, group.LastDeliveredId,
            [.. (await consumers).OrderBy(consumer => consumer.Name, StringComparer.Ordinal)
                .Select(consumer => new ConsumerView(consumer.Name, consumer.PendingMessageCount, consumer.IdleTimeInMilliseconds))],
            [.. (await pending).Select(entry => new PendingEntryView(
                (string)entry.MessageId!, (string)entry.ConsumerName!, entry.IdleTimeInMilliseconds, entry.DeliveryCount,
                entry.IdleTimeInMilliseconds >= reclaimAfter))]);
    }
}
