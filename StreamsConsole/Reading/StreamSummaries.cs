using StackExchange.Redis;

namespace Shop.StreamsConsole.Reading;

/// <summary>The streams page: <c>XINFO STREAM</c> and <c>XINFO GROUPS</c> of every key (one key per command), summed per stream.</summary>
internal sealed class StreamSummaries(IConnectionMultiplexer redis, StreamCatalog catalog, AdditionRates rates)
{
    public async Task<IReadOnlyList<StreamSummary>> ReadAsync(CancellationToken cancellationToken)
    {
        var streams = await catalog.StreamsAsync(cancellationToken);
        return await Task.WhenAll(streams.Select(SummarizeAsync));
    }

    private async Task<StreamSummary> SummarizeAsync(CatalogStream stream)
    {
        var database = redis.GetDatabase();
        var infos = await Task.WhenAll(stream.Keys.Select(key => InfoOrNullAsync(database, key)));
        var groups = await Task.WhenAll(stream.Keys.Select(key => GroupsOrEmptyAsync(database, key)));
        var deadLetters = await Task.WhenAll(stream.DeadLetterKeys.Select(key => database.StreamLengthAsync(key)));
        var present = infos.OfType<StreamInfo>().ToList();
        var first = present.Where(info => !info.FirstEntry.IsNull).Select(info => (string)info.FirstEntry.Id!).Min(EntryId.Order);
        var last = present.Where(info => !info.LastEntry.IsNull).Select(info => (string)info.LastEntry.Id!).Max(EntryId.Order);
        var summedGroups = groups.SelectMany(group => group)
            .GroupBy(group => group.Name, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => new GroupSummary(
                group.Key,
                // The same instances read every partition: the most any partition has is the group's count.
                group.Max(partition => partition.ConsumerCount),
                group.Sum(partition => (long)partition.PendingMessageCount),
                // Unknown on one partition (Redis cannot tell after some deletions) is unknown for the stream.
                group.All(partition => partition.Lag is not null) ? group.Sum(partition => partition.Lag!.Value) : null))
            .ToList();
        return new StreamSummary(
            stream.Name, stream.Keys, present.Sum(info => (long)info.Length),
            first, first is null ? null : EntryId.Time(first), last, last is null ? null : EntryId.Time(last),
            rates.Observe(stream.Name, present.Sum(info => info.EntriesAdded)), summedGroups, deadLetters.Sum());
    }

    // A key removed since the catalog's scan is a stream with nothing in it, not an error.
    private static async Task<StreamInfo?> InfoOrNullAsync(IDatabase database, string key)
    {
        try
        {
            return await database.StreamInfoAsync(key);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("ERR no such key", StringComparison.Ordinal))
        {
            return null;
        }
    }

    private static async Task<StreamGroupInfo[]> GroupsOrEmptyAsync(IDatabase database, string key)
    {
        try
        {
            return await database.StreamGroupInfoAsync(key);
        }
        catch (RedisServerException exception) when (exception.Message.StartsWith("ERR no such key", StringComparison.Ordinal))
        {
            return [];
        }
    }
}
