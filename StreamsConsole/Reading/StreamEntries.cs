using Microsoft.Extensions.Options;
using Shop.StreamsConsole.Configuration;
using StackExchange.Redis;

namespace Shop.StreamsConsole.Reading;

/// <summary>
/// A stream's entries, newest first, a page at a time: <c>XREVRANGE &lt;key&gt; (before - COUNT n</c> on each partition
/// (one key per command), merged by id. Paging by id, not by position, so a page stays put while entries arrive.
/// </summary>
internal sealed class StreamEntries(IConnectionMultiplexer redis, EntryViews views, IOptions<ConsoleOptions> options)
{
    /// <param name="stream">The stream, found in the catalog.</param>
    /// <param name="before">Only entries older than this id (exclusive); null: from the newest.</param>
    public Task<EntryPage> ReadAsync(CatalogStream stream, string? before) =>
        NewestFirstAsync(redis.GetDatabase(), stream.Name, stream.Keys, before, options.Value.PageSize, views);

    /// <summary>The newest <paramref name="count"/> entries of <paramref name="keys"/> older than <paramref name="before"/>, merged.</summary>
    public static async Task<EntryPage> NewestFirstAsync(
        IDatabase database, string stream, IReadOnlyList<string> keys, string? before, int count, EntryViews views)
    {
        if (before is not null && EntryId.IsFirstPossible(before))
        {
            // Nothing is older than 0-0, and Redis refuses "(0-0" as a range's end.
            return new EntryPage(stream, [], null);
        }

        var pages = await Task.WhenAll(keys.Select(async key => (Key: key, Entries: await database.StreamRangeAsync(
            key, minId: "-", maxId: before is null ? "+" : $"({before}", count: count + 1, messageOrder: Order.Descending))));
        var merged = pages
            .SelectMany(page => page.Entries.Select(entry => (page.Key, Entry: entry)))
            .OrderByDescending(item => (string)item.Entry.Id!, EntryId.Order)
            .Take(count + 1)
            .ToList();
        var shown = merged.Take(count).Select(item => views.From(item.Key, item.Entry)).ToList();
        return new EntryPage(stream, shown, merged.Count > count ? shown[^1].Id : null);
    }
}
