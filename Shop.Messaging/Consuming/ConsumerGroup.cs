using Shop.Messaging.Configuration;
using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>Creates a stream's consumer group if it does not exist yet; creating it twice is fine.</summary>
internal static class ConsumerGroup
{
    public static async Task EnsureAsync(IDatabase database, string key, string group, GroupStartPosition startsAt)
    {
        var position = startsAt == GroupStartPosition.Beginning ? StreamPosition.Beginning : StreamPosition.NewMessages;
        try
        {
            // MKSTREAM: a consumer may start before anything was ever published to its stream.
            await database.StreamCreateConsumerGroupAsync(key, group, position, createStream: true).ConfigureAwait(false);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("BUSYGROUP", StringComparison.Ordinal))
        {
            // The group exists already: another instance, or an earlier run, created it.
        }
    }
}
