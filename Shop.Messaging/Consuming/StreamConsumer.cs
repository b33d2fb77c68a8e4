using Microsoft.Extensions.Logging;
using Polly;
using Shop.Messaging.Configuration;
using Shop.Messaging.Connections;
using Shop.Messaging.Resilience;
using Shop.Messaging.Telemetry;
using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>
/// One consumer of one stream, the whole life of a subscription on one screen (<see cref="RunAsync"/>): create the
/// group, recover this consumer's own pending entries, start the background chores (take over entries other consumers
/// left idle, keep its own claims fresh, report pending and lag, remove idle consumers), then read → handle →
/// acknowledge until stopped. Handling is <see cref="DeliveryPipeline"/>'s (decode, then invoke the handlers).
/// </summary>
internal sealed class StreamConsumer(
    string key,
    DeliveryPipeline pipeline,
    IConnectionMultiplexer redis,
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
    private readonly ConsumerReads _reads = new(redis, identity, key);
    private Task<StreamEntry[]>? _readAhead;

    // While Redis fails (down, failing over, timing out), wait 100 ms, then twice as long each time, at most 5 s.
    private ResiliencePipeline UntilRedisAnswers => field ??= Retries.UntilCancelled(
        timeProvider, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5),
        exception => exception is RedisException or TimeoutException, BeforeRetryAsync);

    public async Task RunAsync(CancellationToken stopping, CancellationToken abort)
    {
        await UntilRedisAnswers.RunAsync("create the consumer group", _ => EnsureGroupAsync(), stopping).ConfigureAwait(false);
        await UntilRedisAnswers.RunAsync("recover own pending entries", _ => RecoverOwnPendingAsync(stopping, abort), stopping).ConfigureAwait(false);
        MessagingLog.Subscribed(logger, key, identity.Group, identity.Consumer);
        var background = RunBackgroundChoresAsync(stopping, abort);

        var reader = await BlockingStreamReader.OpenAsync(redis, key, identity, options, logger).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (!stopping.IsCancellationRequested)
            {
                await UntilRedisAnswers.RunAsync("read new entries", async _ =>
                {
                    var entries = await ReadAsync(reader, stopping).ConfigureAwait(false);
                    if (entries.Length > 0 && !stopping.IsCancellationRequested)
                    {
                        // Read with '>': never delivered before, so this is delivery number one.
                        await HandleAndAcknowledgeAsync([.. entries.Select(entry => new Delivery(entry, 1))], stopping, abort).ConfigureAwait(false);
                    }

                    // Entries read while stopping stay pending: this consumer's next start recovers them.
                }, stopping).ConfigureAwait(false);
            }

            await ForgetReadAheadAsync().ConfigureAwait(false);
        }

        await background.ConfigureAwait(false);
    }

    /// <summary>
    /// The next batch: the one read ahead, or a blocking read until entries arrive. A full batch means a backlog, so
    /// the batch after it is fetched (non-blocking) while this one is handled: Redis and the handlers work at once.
    /// </summary>
    private async Task<StreamEntry[]> ReadAsync(BlockingStreamReader reader, CancellationToken stopping)
    {
        var read = _readAhead ?? reader.ReadAsync(stopping);
        _readAhead = null;
        var entries = await read.ConfigureAwait(false);
        if (entries.Length == options.BatchSize && !stopping.IsCancellationRequested)
        {
            _readAhead = ReadAheadAsync();
        }

        return entries;
    }

    /// <summary>Handle (decode, invoke), then one XACK for whatever is done with; the rest stays pending.</summary>
    private async Task HandleAndAcknowledgeAsync(IReadOnlyList<Delivery> deliveries, CancellationToken stopping, CancellationToken abort)
    {
        var ids = deliveries.Select(delivery => delivery.Entry.Id).ToArray();
        _inHand.Add(ids);
        try
        {
            var done = await pipeline.HandleAsync(deliveries, stopping, abort).ConfigureAwait(false);
            if (done.Count > 0)
            {
                await AcknowledgeAsync([.. done]).ConfigureAwait(false);
            }
        }
        finally
        {
            _inHand.Remove(ids);
        }
    }

    private async Task AcknowledgeAsync(RedisValue[] ids)
    {
        try
        {
            await redis.GetDatabase().StreamAcknowledgeAsync(key, identity.Group, ids).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Handled but not acknowledged: the entries will be delivered again, and idempotent handling
            // (the inbox) absorbs the repeat. Nothing is lost.
            MessagingLog.AcknowledgeFailed(logger, exception, key, ids.Length);
        }
    }

    /// <summary>Recovery: what this consumer read before it stopped or crashed (XREADGROUP from 0), before anything new.</summary>
    private async Task RecoverOwnPendingAsync(CancellationToken stopping, CancellationToken abort)
    {
        var after = StartOfPendingList;
        while (!stopping.IsCancellationRequested)
        {
            var deliveries = await _reads.ReadOwnAsync(after, options.BatchSize).ConfigureAwait(false);
            if (deliveries.Length == 0)
            {
                return;
            }

            MessagingLog.RecoveringPending(logger, key, identity.Consumer, deliveries.Length);
            await HandleAndAcknowledgeAsync(deliveries, stopping, abort).ConfigureAwait(false);
            after = deliveries[^1].Entry.Id;
        }
    }

    /// <summary>Take-over every ReclaimAfter / 2, the claims' heartbeat every ReclaimAfter / 3, statistics and clean-up every StatsInterval.</summary>
    private Task RunBackgroundChoresAsync(CancellationToken stopping, CancellationToken abort)
    {
        var maintenance = new GroupMaintenance(key, redis, identity, options, _inHand, statistics, logger);
        return Task.WhenAll(
            Periodically.RunAsync(options.ReclaimAfter / 2, timeProvider, () => ReclaimIdleAsync(stopping, abort), logger, "reclaim", stopping),
            Periodically.RunAsync(options.ReclaimAfter / 3, timeProvider, maintenance.RefreshClaimsAsync, logger, "refresh claims", stopping),
            Periodically.RunAsync(options.StatsInterval, timeProvider, async () =>
            {
                await maintenance.ReportStatisticsAsync().ConfigureAwait(false);
                await maintenance.RemoveIdleConsumersAsync().ConfigureAwait(false);
            }, logger, "statistics", stopping));
    }

    /// <summary>Take-over: XAUTOCLAIM the group's entries idle longer than ReclaimAfter (a dead or stuck consumer's), and handle them.</summary>
    private async Task ReclaimIdleAsync(CancellationToken stopping, CancellationToken abort)
    {
        var cursor = StartOfGroup;
        do
        {
            var (claimed, next) = await _reads.ClaimIdleAsync(options.ReclaimAfter, cursor, options.BatchSize).ConfigureAwait(false);
            // An entry of our own still in hand can only look idle if a refresh failed; it is being handled already.
            var takenOver = claimed.Where(entry => !_inHand.Contains(entry.Id)).ToArray();
            if (takenOver.Length > 0)
            {
                metrics.Reclaimed(key, identity.Group, takenOver.Length);
                MessagingLog.Reclaimed(logger, key, identity.Consumer, takenOver.Length);
                await HandleAndAcknowledgeAsync(await _reads.WithDeliveryCountsAsync(takenOver).ConfigureAwait(false), stopping, abort).ConfigureAwait(false);
            }

            cursor = next;
        }
        while (cursor != StartOfGroup && !stopping.IsCancellationRequested);
    }

    /// <summary>
    /// A non-blocking read of the next batch; its entries count as in hand from the moment they arrive, so the
    /// heartbeat keeps them claimed while the batch before them is still being handled.
    /// </summary>
    private async Task<StreamEntry[]> ReadAheadAsync()
    {
        var entries = await _reads.ReadNewAsync(options.BatchSize).ConfigureAwait(false);
        _inHand.Add(entries.Select(entry => entry.Id));
        return entries;
    }

    /// <summary>A read ahead still under way when stopping: its entries stay pending for the next start, and its failure is no error worth reporting now.</summary>
    private async Task ForgetReadAheadAsync()
    {
        if (_readAhead is not null)
        {
            try
            {
                await _readAhead.ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is RedisException or TimeoutException)
            {
            }
        }
    }

    private Task EnsureGroupAsync() =>
        ConsumerGroup.EnsureAsync(redis.GetDatabase(), key, identity.Group, options.NewGroupStartsAt);

    private async ValueTask BeforeRetryAsync(string what, Exception exception, TimeSpan pause, CancellationToken stopping)
    {
        MessagingLog.RedisUnavailable(logger, exception, key, what, pause);
        if (exception.Message.Contains("NOGROUP", StringComparison.Ordinal))
        {
            // The stream or the group was deleted under us: create it again before the next try.
            await UntilRedisAnswers.RunAsync("create the consumer group", _ => EnsureGroupAsync(), stopping).ConfigureAwait(false);
        }
    }
}
