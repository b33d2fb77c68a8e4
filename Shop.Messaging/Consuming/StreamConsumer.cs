using Microsoft.Extensions.Logging;
using Shop.Messaging.Configuration;
using Shop.Messaging.Connections;
using Shop.Messaging.Telemetry;
using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>
/// One consumer of one stream, the whole life of a subscription on one screen:
/// create the group, finish this consumer's own pending entries, then read new entries as they arrive, while in
/// the background it takes over entries other consumers left idle, keeps its own claims fresh, reports pending
/// and lag, and removes idle consumers that own nothing.
/// </summary>
internal sealed class StreamConsumer(
    string stream,
    IConnectionMultiplexer redis,
    EntryProcessor processor,
    ConsumerIdentity identity,
    MessagingOptions options,
    GroupStatistics statistics,
    MessagingMetrics metrics,
    TimeProvider timeProvider,
    ILogger logger)
{
    private static readonly RedisValue StartOfPendingList = "0";
    private static readonly RedisValue StartOfGroup = "0-0";
    private readonly EntriesInHand _inHand = new();
    private readonly PendingEntries _pending = new(redis, identity, stream);

    public async Task RunAsync(CancellationToken stopping, CancellationToken abort)
    {
        using var handlerSlots = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        var batches = new DeliveryBatchProcessor(stream, processor, _inHand, handlerSlots, options.MaxConcurrency, redis, identity, logger);
        var maintenance = new GroupMaintenance(stream, redis, identity, options, _inHand, statistics, logger);

        await WhenRedisAnswersAsync("create the consumer group", EnsureGroupAsync, stopping).ConfigureAwait(false);
        await WhenRedisAnswersAsync("recover own pending entries", () => RecoverOwnPendingAsync(batches, stopping, abort), stopping).ConfigureAwait(false);
        MessagingLog.Subscribed(logger, stream, identity.Group, identity.Consumer);

        var background = Task.WhenAll(
            Periodically.RunAsync(options.ReclaimAfter / 2, timeProvider, () => ReclaimIdleAsync(batches, stopping, abort), logger, "reclaim", stopping),
            Periodically.RunAsync(options.ReclaimAfter / 3, timeProvider, maintenance.RefreshClaimsAsync, logger, "refresh claims", stopping),
            Periodically.RunAsync(options.StatsInterval, timeProvider, async () =>
            {
                await maintenance.ReportStatisticsAsync().ConfigureAwait(false);
                await maintenance.RemoveIdleConsumersAsync().ConfigureAwait(false);
            }, logger, "statistics", stopping));

        var reader = await BlockingStreamReader.OpenAsync(redis, stream, identity, options, logger).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            Task<StreamEntry[]>? readAhead = null;
            while (!stopping.IsCancellationRequested)
            {
                await WhenRedisAnswersAsync("read new entries", async () =>
                {
                    var read = readAhead ?? reader.ReadAsync(stopping);
                    readAhead = null;
                    var entries = await read.ConfigureAwait(false);
                    if (entries.Length == 0 || stopping.IsCancellationRequested)
                    {
                        // Entries read while stopping stay pending: this consumer's next start recovers them.
                        return;
                    }

                    // A full batch means a backlog: fetch the next batch while this one is handled, so Redis and the
                    // handlers work at the same time. Without a backlog the next read blocks until entries arrive.
                    if (entries.Length == options.BatchSize)
                    {
                        readAhead = ReadAheadAsync();
                    }

                    // Read with '>': never delivered before, so this is delivery number one.
                    await batches.ProcessAsync(Deliveries(entries), stopping, abort).ConfigureAwait(false);
                }, stopping).ConfigureAwait(false);
            }

            if (readAhead is not null)
            {
                // A read ahead still under way when stopping: its entries stay pending for the next start, and a
                // failure of it is no error worth reporting now.
                try
                {
                    await readAhead.ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is RedisException or TimeoutException)
                {
                }
            }
        }

        await background.ConfigureAwait(false);
    }

    /// <summary>
    /// A non-blocking read of the next batch; its entries count as in hand from the moment they arrive, so the
    /// heartbeat keeps them claimed while the batch before them is still being handled.
    /// </summary>
    private async Task<StreamEntry[]> ReadAheadAsync()
    {
        var entries = await _pending.ReadNewAsync(options.BatchSize).ConfigureAwait(false);
        _inHand.Add(entries.Select(entry => entry.Id));
        return entries;
    }

    private static Delivery[] Deliveries(StreamEntry[] entries)
    {
        var deliveries = new Delivery[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            deliveries[i] = new Delivery(entries[i], 1);
        }

        return deliveries;
    }

    private Task EnsureGroupAsync() =>
        ConsumerGroup.EnsureAsync(redis.GetDatabase(), stream, identity.Group, options.NewGroupStartsAt);

    private async Task RecoverOwnPendingAsync(DeliveryBatchProcessor batches, CancellationToken stopping, CancellationToken abort)
    {
        var after = StartOfPendingList;
        while (!stopping.IsCancellationRequested)
        {
            var deliveries = await _pending.ReadOwnAsync(after, options.BatchSize).ConfigureAwait(false);
            if (deliveries.Length == 0)
            {
                return;
            }

            MessagingLog.RecoveringPending(logger, stream, identity.Consumer, deliveries.Length);
            await batches.ProcessAsync(deliveries, stopping, abort).ConfigureAwait(false);
            after = deliveries[^1].Entry.Id;
        }
    }

    private async Task ReclaimIdleAsync(DeliveryBatchProcessor batches, CancellationToken stopping, CancellationToken abort)
    {
        var cursor = StartOfGroup;
        do
        {
            var (claimed, next) = await _pending.ClaimIdleAsync(options.ReclaimAfter, cursor, options.BatchSize).ConfigureAwait(false);
            // An entry of our own still in hand can only look idle if a refresh failed; it is being handled already.
            var takenOver = claimed.Where(entry => !_inHand.Contains(entry.Id)).ToArray();
            if (takenOver.Length > 0)
            {
                metrics.Reclaimed(stream, identity.Group, takenOver.Length);
                MessagingLog.Reclaimed(logger, stream, identity.Consumer, takenOver.Length);
                await batches.ProcessAsync(await _pending.WithDeliveryCountsAsync(takenOver).ConfigureAwait(false), stopping, abort).ConfigureAwait(false);
            }

            cursor = next;
        }
        while (cursor != StartOfGroup && !stopping.IsCancellationRequested);
    }

    /// <summary>Runs <paramref name="work"/>; while Redis fails, waits with a growing backoff and tries again.</summary>
    private async Task WhenRedisAnswersAsync(string what, Func<Task> work, CancellationToken stopping)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await work().ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
                MessagingLog.RedisUnavailable(logger, exception, stream, what, backoff);
                if (exception.Message.Contains("NOGROUP", StringComparison.Ordinal))
                {
                    // The stream or the group was deleted under us: create it again before the next try.
                    await WhenRedisAnswersAsync("create the consumer group", EnsureGroupAsync, stopping).ConfigureAwait(false);
                }

                try
                {
                    await Task.Delay(backoff, timeProvider, stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(5).Ticks));
            }
        }
    }
}
