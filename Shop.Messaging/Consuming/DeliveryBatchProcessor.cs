using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Shop.Messaging.Configuration;
using Shop.Messaging.Telemetry;
using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>
/// Runs the handlers of one batch with at most <see cref="MessagingOptions.MaxConcurrency"/> in flight (shared
/// with every other batch of the same stream), then acknowledges what is done in one XACK.
/// </summary>
internal sealed class DeliveryBatchProcessor(
    string stream,
    EntryProcessor processor,
    EntriesInHand inHand,
    SemaphoreSlim handlerSlots,
    int maxConcurrency,
    IConnectionMultiplexer redis,
    ConsumerIdentity identity,
    ILogger logger)
{
    /// <param name="deliveries">The batch, in stream order.</param>
    /// <param name="stopping">Stops starting handlers; entries not started stay pending for the next owner.</param>
    /// <param name="abort">Cancels handlers already running (the host's shutdown timeout ran out).</param>
    public async Task ProcessAsync(IReadOnlyList<Delivery> deliveries, CancellationToken stopping, CancellationToken abort)
    {
        var ids = new RedisValue[deliveries.Count];
        for (var i = 0; i < ids.Length; i++)
        {
            ids[i] = deliveries[i].Entry.Id;
        }

        inHand.Add(ids);
        try
        {
            var done = new ConcurrentQueue<RedisValue>();
            if (maxConcurrency == 1)
            {
                await ProcessInOrderAsync(deliveries, done, stopping, abort).ConfigureAwait(false);
                if (!done.IsEmpty)
                {
                    await AcknowledgeAsync([.. done]).ConfigureAwait(false);
                }

                return;
            }

            var running = new List<Task>(deliveries.Count);
            foreach (var delivery in deliveries)
            {
                try
                {
                    // Waiting for a free slot is the back-pressure: no more is read while the handlers are busy.
                    await handlerSlots.WaitAsync(stopping).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }

                if (stopping.IsCancellationRequested)
                {
                    // SemaphoreSlim may grant a slot to a waiter whose token was cancelled a moment before.
                    handlerSlots.Release();
                    break;
                }

                running.Add(RunAsync(delivery, done, abort));
            }

            await Task.WhenAll(running).ConfigureAwait(false);
            if (!done.IsEmpty)
            {
                await AcknowledgeAsync([.. done]).ConfigureAwait(false);
            }
        }
        finally
        {
            inHand.Remove(ids);
        }
    }

    /// <summary>
    /// <see cref="MessagingOptions.MaxConcurrency"/> 1 (the default, stream order): the batch together in one store
    /// transaction where it can be (see <see cref="IBatchTransaction"/>), otherwise (or after a rollback) one handler
    /// after the other on this loop, without a task and a semaphore round per entry.
    /// </summary>
    private async Task ProcessInOrderAsync(IReadOnlyList<Delivery> deliveries, ConcurrentQueue<RedisValue> done, CancellationToken stopping, CancellationToken abort)
    {
        await handlerSlots.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            var oneByOne = deliveries;
            try
            {
                var together = await processor.ProcessTogetherAsync(stream, deliveries, abort).ConfigureAwait(false);
                foreach (var id in together.Done)
                {
                    done.Enqueue(id);
                }

                oneByOne = together.OneByOne;
            }
#pragma warning disable CA1031 // A bug in the bus must not take the consumer loop down; the entries are handled one by one.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                MessagingLog.UnexpectedFailure(logger, exception, stream, deliveries[0].EntryId);
            }

            foreach (var delivery in oneByOne)
            {
                if (stopping.IsCancellationRequested || abort.IsCancellationRequested)
                {
                    break;
                }

                await RunOneAsync(delivery, done, abort).ConfigureAwait(false);
            }
        }
        finally
        {
            handlerSlots.Release();
        }
    }

    private async Task RunAsync(Delivery delivery, ConcurrentQueue<RedisValue> done, CancellationToken abort)
    {
        try
        {
            await RunOneAsync(delivery, done, abort).ConfigureAwait(false);
        }
        finally
        {
            handlerSlots.Release();
        }
    }

    private async Task RunOneAsync(Delivery delivery, ConcurrentQueue<RedisValue> done, CancellationToken abort)
    {
        try
        {
            if (await processor.ProcessAsync(stream, delivery, abort).ConfigureAwait(false))
            {
                done.Enqueue(delivery.Entry.Id);
            }
        }
#pragma warning disable CA1031 // A bug in the bus must not take the consumer loop down; the entry stays pending.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            MessagingLog.UnexpectedFailure(logger, exception, stream, delivery.EntryId);
        }
    }

    private async Task AcknowledgeAsync(RedisValue[] ids)
    {
        try
        {
            await redis.GetDatabase().StreamAcknowledgeAsync(stream, identity.Group, ids).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Handled but not acknowledged: the entries will be delivered again, and idempotent handling
            // (the inbox) absorbs the repeat. Nothing is lost.
            MessagingLog.AcknowledgeFailed(logger, exception, stream, ids.Length);
        }
    }
}
