using StackExchange.Redis;

namespace Shop.Testing;

/// <summary>What a consumer group has done with a stream, as one XINFO GROUPS reply tells it.</summary>
public static class ConsumerGroupProgress
{
    /// <summary>
    /// The group has read up to <paramref name="lastEntryId"/> and acknowledged everything it read. Both facts come
    /// from one reply: taken from two commands, they can straddle the consumer's read and be true together falsely.
    /// </summary>
    public static async Task<bool> DeliveredAndAcknowledgedAsync(IDatabase database, string stream, string group, RedisValue lastEntryId) =>
        (await database.StreamGroupInfoAsync(stream)).SingleOrDefault(info => info.Name == group) is { } info
        && info.LastDeliveredId == lastEntryId
        && info.PendingMessageCount == 0;
}
