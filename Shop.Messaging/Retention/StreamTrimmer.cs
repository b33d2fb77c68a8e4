using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.Messaging.Configuration;
using Shop.Messaging.Consuming;
using Shop.Messaging.Events;
using Shop.Messaging.Publishing;
using Shop.Messaging.Resilience;
using Shop.Messaging.Telemetry;
using StackExchange.Redis;

namespace Shop.Messaging.Retention;

/// <summary>
/// Keeps the streams this process publishes to short without losing anything: every
/// <see cref="MessagingOptions.TrimInterval"/> it removes the entries that every consumer group has read and
/// acknowledged (<c>XTRIM … MINID ~ &lt;oldest entry any group still needs&gt;</c>), and nothing a group has not read
/// yet or still holds pending — a stopped service's group keeps its backlog. The <c>MAXLEN ~</c> on every XADD stays as
/// the last-resort safety valve against a group that never comes back; when it has dropped entries a group had not
/// read, that is logged as an error and counted in <c>shop.messaging.unread_dropped</c>.
/// </summary>
/// <remarks>Each command touches one stream, so this runs unchanged on Redis Cluster.</remarks>
internal sealed class StreamTrimmer(
    IConnectionMultiplexer redis,
    PublishedStreams streams,
    IOptions<MessagingOptions> options,
    MessagingMetrics metrics,
    TimeProvider timeProvider,
    ILogger<StreamTrimmer> logger) : BackgroundService
{
    // The unread entries already reported lost per (stream, group): the counts Redis gives are cumulative.
    private readonly ConcurrentDictionary<(string Stream, string Group), long> _reportedDropped = new();

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Periodically.RunAsync(options.Value.TrimInterval, timeProvider, TrimAllAsync, logger, "trim streams", stoppingToken);

    internal async Task TrimAllAsync()
    {
        foreach (var key in streams.Snapshot())
        {
            await TrimAsync(key).ConfigureAwait(false);
        }
    }

    internal async Task TrimAsync(string key)
    {
        var database = redis.GetDatabase();
        var groups = await database.StreamGroupInfoAsync(key).ConfigureAwait(false);
        if (groups.Length == 0)
        {
            // Nobody reads this stream yet: there is no "read by everyone" to trim to. The safety valve still applies.
            return;
        }

        await ReportDroppedAsync(database, key, groups).ConfigureAwait(false);

        EntryPosition? keepFrom = null;
        foreach (var group in groups)
        {
            // A group needs its oldest pending entry (delivered, not acknowledged) and everything after the last one
            // it was given. Keeping its last delivered entry too costs one entry and needs no id arithmetic.
            var needed = EntryPosition.Parse(group.LastDeliveredId);
            if (group.PendingMessageCount > 0)
            {
                var pending = await database.StreamPendingAsync(key, group.Name).ConfigureAwait(false);
                if (EntryPosition.Parse(pending.LowestPendingMessageId) is { } lowest && (needed is null || lowest < needed.Value))
                {
                    needed = lowest;
                }
            }

            if (needed is null)
            {
                return; // a group whose position cannot be read: trim nothing rather than guess
            }

            keepFrom = keepFrom is null || needed.Value < keepFrom.Value ? needed : keepFrom;
        }

        var removed = await database.StreamTrimByMinIdAsync(key, keepFrom!.Value.ToString(), useApproximateMaxLength: true).ConfigureAwait(false);
        if (removed > 0)
        {
            metrics.Trimmed(key, removed);
            MessagingLog.Trimmed(logger, key, removed, keepFrom.Value.ToString());
        }
    }

    /// <summary>
    /// A group whose last delivered entry is older than the stream's first entry has lost unread entries to the
    /// safety valve: of the entries added after what it read, only those still in the stream can reach it.
    /// </summary>
    private async Task ReportDroppedAsync(IDatabase database, string key, StreamGroupInfo[] groups)
    {
        var info = await database.StreamInfoAsync(key).ConfigureAwait(false);
        if (EntryPosition.Parse(info.FirstEntry.Id) is not { } first)
        {
            return;
        }

        foreach (var group in groups)
        {
            if (group.EntriesRead is not { } read || EntryPosition.Parse(group.LastDeliveredId) is not { } delivered || delivered >= first)
            {
                continue;
            }

            var dropped = info.EntriesAdded - read - info.Length;
            var reported = _reportedDropped.GetValueOrDefault((key, group.Name));
            if (dropped > reported)
            {
                _reportedDropped[(key, group.Name)] = dropped;
                metrics.UnreadDropped(key, group.Name, dropped - reported);
                MessagingLog.UnreadDropped(logger, key, group.Name, dropped - reported, options.Value.StreamMaxLength);
            }
        }
    }
}
