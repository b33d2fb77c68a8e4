using System.Globalization;
using Microsoft.Extensions.Logging;
using Shop.Messaging.Events;
using Shop.StreamsConsole.Reading;
using Shop.StreamsConsole.Telemetry;
using StackExchange.Redis;

namespace Shop.StreamsConsole.Replay;

/// <summary>
/// Puts dead letters back into the stream (or partition) they came from, for the consumers to try again after a fix:
/// the original fields, <b>the same event id</b> — so a consumer whose inbox holds it already does not apply it twice —
/// and <c>replays</c> counted up; then the dead letter is removed. Two commands on two keys (<c>XADD</c> to the
/// stream, <c>XDEL</c> from its dead-letter stream), never one transaction, so it runs on Redis Cluster; a crash
/// between them replays the entry twice, which the inbox absorbs, and never loses it. An entry that fails again is
/// dead-lettered again, its <c>replays</c> field telling how often it came back.
/// </summary>
internal sealed class DeadLetterReplayer(IConnectionMultiplexer redis, StreamCatalog catalog, ILogger<DeadLetterReplayer> logger)
{
    private const int ReadChunk = 100;

    /// <summary>The dead letter <paramref name="id"/> of <paramref name="deadLetterKey"/>; null when there is none (replayed already, or never there).</summary>
    public async Task<ReplayedEntry?> ReplayAsync(string deadLetterKey, string id, string requestedBy)
    {
        var database = redis.GetDatabase();
        return await database.StreamRangeAsync(deadLetterKey, id, id, count: 1) is [var entry]
            ? await PutBackAsync(database, deadLetterKey, entry, requestedBy)
            : null;
    }

    /// <summary>Every dead letter of <paramref name="stream"/> (all its partitions) whose event is of <paramref name="type"/>, oldest first.</summary>
    public Task<ReplayResult> ReplayTypeAsync(CatalogStream stream, string type, string requestedBy) =>
        ReplayWhereAsync(stream.DeadLetterKeys, entry => entry.Values.Any(field => field.Name == EntryFields.Type && field.Value == type), requestedBy);

    /// <summary>Every dead letter of every stream.</summary>
    public async Task<ReplayResult> ReplayAllAsync(string requestedBy, CancellationToken cancellationToken) =>
        await ReplayWhereAsync([.. (await catalog.StreamsAsync(cancellationToken)).SelectMany(stream => stream.DeadLetterKeys)], _ => true, requestedBy);

    /// <summary>True when <paramref name="deadLetterKey"/> is a dead-letter stream Redis holds.</summary>
    public async Task<bool> IsDeadLetterKeyAsync(string deadLetterKey, CancellationToken cancellationToken) =>
        (await catalog.StreamsAsync(cancellationToken)).Any(stream => stream.DeadLetterKeys.Contains(deadLetterKey, StringComparer.Ordinal));

    private async Task<ReplayResult> ReplayWhereAsync(IReadOnlyList<string> deadLetterKeys, Func<StreamEntry, bool> selected, string requestedBy)
    {
        var database = redis.GetDatabase();
        var replayed = new List<ReplayedEntry>();
        foreach (var key in deadLetterKeys)
        {
            // Read a chunk, put back what is selected, go on after the chunk's last id: entries dead-lettered meanwhile
            // (a replayed one failing again) come after it and are left for the next request, so this ends.
            if (await database.StreamRangeAsync(key, "-", "+", count: 1, messageOrder: Order.Descending) is not [var newest])
            {
                continue;
            }

            var after = "-";
            var last = (string)newest.Id!;
            while (true)
            {
                var chunk = await database.StreamRangeAsync(key, after, last, count: ReadChunk);
                foreach (var entry in chunk.Where(selected))
                {
                    replayed.Add(await PutBackAsync(database, key, entry, requestedBy));
                }

                if (chunk.Length < ReadChunk || (string)chunk[^1].Id! == last)
                {
                    break;
                }

                after = $"({chunk[^1].Id}";
            }
        }

        return new ReplayResult(replayed.Count, replayed);
    }

    private async Task<ReplayedEntry> PutBackAsync(IDatabase database, string deadLetterKey, StreamEntry deadLetter, string requestedBy)
    {
        var original = StreamNames.DeadLetterSource(deadLetterKey)
                       ?? throw new ArgumentException($"'{deadLetterKey}' is no dead-letter stream.", nameof(deadLetterKey));
        var replays = deadLetter.Values.FirstOrDefault(field => field.Name == EntryFields.Replays).Value is { IsNull: false } counted
                      && int.TryParse((string?)counted, NumberStyles.None, CultureInfo.InvariantCulture, out var before)
            ? before + 1
            : 1;
        NameValueEntry[] fields =
        [
            .. deadLetter.Values.Where(field => !DeadLetters.BookkeepingFields.Contains((string)field.Name!) && field.Name != EntryFields.Replays),
            new(EntryFields.Replays, replays.ToString(CultureInfo.InvariantCulture)),
        ];
        var newId = (string)(await database.StreamAddAsync(original, fields))!;
        await database.StreamDeleteAsync(deadLetterKey, [deadLetter.Id]);
        var eventId = (string?)deadLetter.Values.FirstOrDefault(field => field.Name == EntryFields.Id).Value;
        ConsoleLog.Replayed(logger, deadLetterKey, (string)deadLetter.Id!, original, newId, eventId ?? "(none)", replays, requestedBy);
        return new ReplayedEntry(deadLetterKey, (string)deadLetter.Id!, original, newId, eventId, replays);
    }
}
