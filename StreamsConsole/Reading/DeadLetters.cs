using Microsoft.Extensions.Options;
using Shop.Messaging.Events;
using Shop.StreamsConsole.Configuration;
using StackExchange.Redis;

namespace Shop.StreamsConsole.Reading;

/// <summary>The dead-letter page: every stream's dead-letter keys, newest first, with the original entry's fields.</summary>
internal sealed class DeadLetters(IConnectionMultiplexer redis, StreamCatalog catalog, EntryViews views, IOptions<ConsoleOptions> options)
{
    /// <summary>The fields the dead-letter writer adds; everything else is the original entry's.</summary>
    public static readonly IReadOnlySet<string> BookkeepingFields = new HashSet<string>(
        [EntryFields.Group, EntryFields.Consumer, EntryFields.Deliveries, EntryFields.Error, EntryFields.OriginalId, EntryFields.Omitted], StringComparer.Ordinal);

    public async Task<DeadLettersPage> ReadAsync(CancellationToken cancellationToken)
    {
        var database = redis.GetDatabase();
        var streams = await catalog.StreamsAsync(cancellationToken);
        var pages = await Task.WhenAll(streams.Where(stream => stream.DeadLetterKeys.Count > 0).Select(async stream =>
            (Stream: stream, Page: await StreamEntries.NewestFirstAsync(database, stream.Name, stream.DeadLetterKeys, before: null, options.Value.PageSize, views))));
        var totals = await Task.WhenAll(streams.SelectMany(stream => stream.DeadLetterKeys).Select(key => database.StreamLengthAsync(key)));
        var deadLetters = pages
            .SelectMany(page => page.Page.Entries.Select(entry => From(page.Stream.Name, entry)))
            .OrderByDescending(view => view.Id, EntryId.Order)
            .Take(options.Value.PageSize)
            .ToList();
        return new DeadLettersPage(options.Value.AllowReplay, totals.Sum(), deadLetters);
    }

    private static DeadLetterView From(string stream, EntryView entry) => new(
        stream, entry.Key, entry.Id, entry.AddedAt,
        EntryViews.Field(entry.Fields, EntryFields.Error), EntryViews.Field(entry.Fields, EntryFields.Deliveries),
        EntryViews.Field(entry.Fields, EntryFields.Group), EntryViews.Field(entry.Fields, EntryFields.Consumer),
        EntryViews.Field(entry.Fields, EntryFields.OriginalId), EntryViews.Field(entry.Fields, EntryFields.Replays),
        entry.Type, entry.EventId, entry.TraceParent, entry.TraceUrl,
        [.. entry.Fields.Where(field => !BookkeepingFields.Contains(field.Name))]);
}
