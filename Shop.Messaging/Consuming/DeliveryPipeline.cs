using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Messaging.Configuration;
using Shop.Messaging.Telemetry;
using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>
/// The handle step of one consumer: every delivery of a read is <em>decoded</em> (<see cref="EntryDecoder"/>), then its
/// handlers are <em>invoked</em> — the batch together in one store transaction where it can be
/// (<see cref="BatchInvoker"/>), otherwise (or after a rollback) one by one (<see cref="HandlerInvoker"/>) with at most
/// <see cref="MessagingOptions.MaxConcurrency"/> in flight, shared by every read of the stream (1: in stream order).
/// Returns the entries that are done with; the rest stay pending. Never throws for an entry.
/// </summary>
internal sealed class DeliveryPipeline(
    string key,
    EntryDecoder decoder,
    HandlerInvoker oneByOne,
    BatchInvoker together,
    bool batchesPossible,
    int maxConcurrency,
    ILogger logger) : IDisposable
{
    // Waiting for a free slot is the back-pressure: nothing more is read while the handlers are busy.
    private readonly SemaphoreSlim _slots = new(maxConcurrency, maxConcurrency);

    public static DeliveryPipeline Create(IServiceProvider services, string key, MessagingOptions options, ILogger logger) => new(
        key,
        services.GetRequiredService<EntryDecoder>(),
        services.GetRequiredService<HandlerInvoker>(),
        services.GetRequiredService<BatchInvoker>(),
        // Batched handling keeps stream order by design: only with one handler at a time, and only where a store offers it.
        batchesPossible: options.BatchedHandling && options.MaxConcurrency == 1
                         && services.GetRequiredService<IServiceProviderIsService>().IsService(typeof(IBatchTransaction)),
        options.MaxConcurrency,
        logger);

    /// <param name="deliveries">The entries of one read, in stream order.</param>
    /// <param name="stopping">Stops starting handlers; entries not started stay pending for the next owner.</param>
    /// <param name="abort">Cancels handlers already running (the host's shutdown timeout ran out).</param>
    public async Task<IReadOnlyCollection<RedisValue>> HandleAsync(IReadOnlyList<Delivery> deliveries, CancellationToken stopping, CancellationToken abort)
    {
        var done = new ConcurrentQueue<RedisValue>();
        var toInvoke = await DecodeAsync(deliveries, done).ConfigureAwait(false);
        if (toInvoke.Count == 0)
        {
            return done;
        }

        // A redelivery may be what crashed the process last time: a read that holds one goes one by one, so that
        // entry cannot take its neighbours with it. A batch of one runs as it would alone.
        if (batchesPossible && toInvoke.Count > 1 && deliveries.All(delivery => delivery.DeliveryCount == 1))
        {
            switch (await InvokeTogetherAsync(toInvoke, stopping, abort).ConfigureAwait(false))
            {
                case Together.Committed:
                    toInvoke.ForEach(entry => done.Enqueue(entry.Delivery.Entry.Id));
                    return done;
                case Together.NotStarted:
                    return done;
                case Together.RolledBack:
                    break; // one by one, where each entry is decided about
            }
        }

        await InvokeOneByOneAsync(toInvoke, done, stopping, abort).ConfigureAwait(false);
        return done;
    }

    public void Dispose() => _slots.Dispose();

    /// <summary>The batch in one store transaction (<see cref="BatchInvoker"/>), in a slot of its own.</summary>
    private async Task<Together> InvokeTogetherAsync(List<Decoded.Invoke> batch, CancellationToken stopping, CancellationToken abort)
    {
        if (!await TakeSlotAsync(stopping).ConfigureAwait(false))
        {
            return Together.NotStarted;
        }

        try
        {
            return await together.InvokeTogetherAsync(key, batch, abort).ConfigureAwait(false) ? Together.Committed : Together.RolledBack;
        }
        // A bug in the bus must not take the consumer loop down; the entries go one by one.
        catch (Exception exception)
        {
            MessagingLog.UnexpectedFailure(logger, exception, key, batch[0].Delivery.EntryId);
            return Together.RolledBack;
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>Each entry in a transaction of its own (<see cref="HandlerInvoker"/>), at most <c>MaxConcurrency</c> at once.</summary>
    private async Task InvokeOneByOneAsync(List<Decoded.Invoke> entries, ConcurrentQueue<RedisValue> done, CancellationToken stopping, CancellationToken abort)
    {
        var running = new List<Task>(entries.Count);
        foreach (var entry in entries)
        {
            if (abort.IsCancellationRequested || !await TakeSlotAsync(stopping).ConfigureAwait(false))
            {
                break;
            }

            running.Add(InvokeOneAsync(entry, done, abort));
        }

        await Task.WhenAll(running).ConfigureAwait(false);
    }

    /// <summary>The decode step for every delivery: each is acknowledged, left pending, or returned to invoke.</summary>
    private async Task<List<Decoded.Invoke>> DecodeAsync(IReadOnlyList<Delivery> deliveries, ConcurrentQueue<RedisValue> done)
    {
        var toInvoke = new List<Decoded.Invoke>(deliveries.Count);
        foreach (var delivery in deliveries)
        {
            try
            {
                switch (await decoder.DecodeAsync(key, delivery).ConfigureAwait(false))
                {
                    case Decoded.Invoke invoke:
                        toInvoke.Add(invoke);
                        break;
                    case Decoded.Acknowledge:
                        done.Enqueue(delivery.Entry.Id);
                        break;
                    case Decoded.LeavePending:
                        break;
                }
            }
            // A bug in the bus (or Redis timing out a dead-letter write) must not take the loop down; the entry stays pending.
            catch (Exception exception)
            {
                MessagingLog.UnexpectedFailure(logger, exception, key, delivery.EntryId);
            }
        }

        return toInvoke;
    }

    private async Task InvokeOneAsync(Decoded.Invoke entry, ConcurrentQueue<RedisValue> done, CancellationToken abort)
    {
        try
        {
            if (await oneByOne.InvokeAsync(key, entry, abort).ConfigureAwait(false))
            {
                done.Enqueue(entry.Delivery.Entry.Id);
            }
        }
        // A bug in the bus must not take the consumer loop down; the entry stays pending.
        catch (Exception exception)
        {
            MessagingLog.UnexpectedFailure(logger, exception, key, entry.Delivery.EntryId);
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>False when stopping: no further handler starts.</summary>
    private async Task<bool> TakeSlotAsync(CancellationToken stopping)
    {
        try
        {
            await _slots.WaitAsync(stopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        if (stopping.IsCancellationRequested)
        {
            // SemaphoreSlim may grant a slot to a waiter whose token was cancelled a moment before.
            _slots.Release();
            return false;
        }

        return true;
    }

    /// <summary>How a batch went: committed (every entry done), rolled back (go one by one), or not started (stopping).</summary>
    private enum Together
    {
        NotStarted,
        Committed,
        RolledBack,
    }
}
