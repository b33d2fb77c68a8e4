using System.Diagnostics;
using System.Text.Json;
using Mediator;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Shop.Messaging.Configuration;
using Shop.Messaging.Events;
using Shop.Messaging.Inbox;
using Shop.Messaging.Telemetry;
using StackExchange.Redis;

namespace Shop.Messaging.Consuming;

/// <summary>
/// Handles deliveries in two steps: <em>decode</em> (check the entry, find its type, read its event; an entry with
/// nothing to handle is settled there: skipped or dead-lettered) and <em>invoke</em> (inbox, Mediator, retries, the
/// dead-letter decision). Deliveries are invoked one by one, or a batch of them together in one store transaction
/// (<see cref="IBatchTransaction"/>). Never throws for a bad entry or a failing handler.
/// </summary>
internal sealed class EntryProcessor(
    IServiceScopeFactory scopes,
    IServiceProviderIsService registered,
    EventCatalog catalog,
    HandlerRegistry handlers,
    DeadLetterWriter deadLetters,
    ConsumerIdentity identity,
    IOptions<MessagingOptions> options,
    MessagingMetrics metrics,
    TimeProvider timeProvider,
    ILogger<EntryProcessor> logger)
{
    private readonly bool _batchesPossible = options.Value.BatchedHandling && options.Value.MaxConcurrency == 1
        && registered.IsService(typeof(IBatchTransaction));

    /// <summary>Returns true when the entry is done with (handled, skipped or dead-lettered) and may be acknowledged.</summary>
    /// <param name="stream">The stream the entry came from.</param>
    /// <param name="delivery">The entry and its delivery count.</param>
    /// <param name="abort">Cancelled only when a handler must give up (the host's shutdown timeout ran out).</param>
    public async Task<bool> ProcessAsync(string stream, Delivery delivery, CancellationToken abort)
    {
        var decoded = await DecodeAsync(stream, delivery).ConfigureAwait(false);
        return decoded.Event is null
            ? decoded.Settled
            : await InvokeAsync(stream, delivery, decoded.Envelope!, decoded.Event, abort).ConfigureAwait(false);
    }

    /// <summary>
    /// Handles <paramref name="deliveries"/> (in stream order) together in one store transaction when they can be:
    /// batching is on, a store offers the transaction, and every entry is delivered for the first time (a redelivery may
    /// be what crashed the process last time, so it goes alone). Returns the ids that are done with, and the deliveries
    /// left to be handled one by one (all of them when the batch was rolled back).
    /// </summary>
    public async Task<BatchOutcome> ProcessTogetherAsync(string stream, IReadOnlyList<Delivery> deliveries, CancellationToken abort)
    {
        if (!_batchesPossible || deliveries.Count < 2 || deliveries.Any(delivery => delivery.DeliveryCount > 1))
        {
            return new BatchOutcome([], deliveries);
        }

        var done = new List<RedisValue>(deliveries.Count);
        var batch = new List<DecodedDelivery>(deliveries.Count);
        foreach (var delivery in deliveries)
        {
            var decoded = await DecodeAsync(stream, delivery).ConfigureAwait(false);
            if (decoded.Event is not null)
            {
                batch.Add(new DecodedDelivery(delivery, decoded.Envelope!, decoded.Event));
            }
            else if (decoded.Settled)
            {
                done.Add(delivery.Entry.Id);
            }
        }

        if (batch.Count == 1)
        {
            // Nothing to share a transaction with: its handlers run as they would alone.
            var only = batch[0];
            if (await InvokeAsync(stream, only.Delivery, only.Envelope, only.Event, abort).ConfigureAwait(false))
            {
                done.Add(only.Delivery.Entry.Id);
            }
        }
        else if (batch.Count > 1)
        {
            if (!await InvokeTogetherAsync(stream, batch, abort).ConfigureAwait(false))
            {
                return new BatchOutcome(done, [.. batch.Select(entry => entry.Delivery)]);
            }

            done.AddRange(batch.Select(entry => entry.Delivery.Entry.Id));
        }

        return new BatchOutcome(done, []);
    }

    /// <summary>
    /// The decode step. Returns the event to handle, or none, with whether the entry is settled (skipped, or
    /// dead-lettered) and may be acknowledged.
    /// </summary>
    private async Task<Decoded> DecodeAsync(string stream, Delivery delivery)
    {
        if (delivery.Entry.Values is not { Length: > 0 })
        {
            // XREADGROUP from the pending list and XAUTOCLAIM return deleted (trimmed) entries without fields:
            // there is nothing left to handle, only the pending entry to clear.
            MessagingLog.EntryGone(logger, stream, delivery.EntryId);
            metrics.Skipped(stream, identity.Group);
            return Decoded.Done;
        }

        var envelope = EntryEnvelope.TryParse(delivery.Entry, options.Value.MaxEntryBytes, out var malformed);
        if (envelope is null)
        {
            return await DeadLetterAsync(stream, delivery, $"Malformed entry: {malformed}").ConfigureAwait(false);
        }

        if (delivery.DeliveryCount > options.Value.MaxDeliveries)
        {
            // Delivered more often than allowed without ever failing cleanly (e.g. its handler crashed the process):
            // do not run it again.
            return await DeadLetterAsync(stream, delivery,
                $"Delivered {delivery.DeliveryCount} times, more than MaxDeliveries ({options.Value.MaxDeliveries}).").ConfigureAwait(false);
        }

        if (!catalog.TryGet(stream, envelope.TypeName, out var registration) || !handlers.HasHandler(registration.EventType))
        {
            MessagingLog.NoHandler(logger, stream, delivery.EntryId, envelope.TypeName);
            metrics.Skipped(stream, identity.Group);
            return Decoded.Done;
        }

        IntegrationEvent @event;
        try
        {
            // The bus's own depth limit, whatever the event's JSON options say: a hostile entry cannot make it recurse deep.
            var reader = new Utf8JsonReader(envelope.Data.Span, new JsonReaderOptions { MaxDepth = options.Value.MaxJsonDepth });
            @event = JsonSerializer.Deserialize(ref reader, registration.JsonTypeInfo) as IntegrationEvent
                     ?? throw new JsonException("The 'data' field is JSON null.");
            // One value per entry: reading on throws for anything after it but whitespace (a second value, garbage).
            _ = reader.Read();
        }
        catch (JsonException exception)
        {
            return await DeadLetterAsync(stream, delivery, $"Malformed entry: the 'data' field is not a valid {envelope.TypeName}: {exception.Message}").ConfigureAwait(false);
        }

        return new Decoded(envelope, @event with { Id = envelope.EventId, OccurredAt = envelope.OccurredAt }, Settled: false);
    }

    /// <summary>The invoke step for one delivery: its own scope and transaction, bounded retries, then the dead-letter decision.</summary>
    private async Task<bool> InvokeAsync(string stream, Delivery delivery, EntryEnvelope envelope, IntegrationEvent @event, CancellationToken abort)
    {
        using var activity = StartProcessing(stream, delivery, envelope);
        var started = timeProvider.GetTimestamp();
        var settings = options.Value;
        Exception? failure = null;
        for (var attempt = 1; attempt <= settings.HandlerAttempts; attempt++)
        {
            try
            {
                var handled = await DispatchAloneAsync(stream, delivery, envelope, @event, abort).ConfigureAwait(false);
                Count(stream, delivery, envelope, handled, timeProvider.GetElapsedTime(started));
                activity?.SetTag(MessagingTelemetry.OutcomeTag, handled ? "handled" : "duplicate");
                return true;
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                // Shutting down past the host's timeout: the entry stays pending for this consumer's next start
                // or for another consumer, and this is no failure of the entry.
                MessagingLog.HandlerAborted(logger, stream, delivery.EntryId);
                activity?.SetStatus(ActivityStatusCode.Error, "aborted by shutdown");
                return false;
            }
#pragma warning disable CA1031 // A handler may throw anything; the bus must survive it and decide about the entry.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failure = exception;
                MessagingLog.HandlerFailed(logger, exception, stream, delivery.EntryId, envelope.TypeName, attempt, settings.HandlerAttempts);
                if (attempt < settings.HandlerAttempts)
                {
                    metrics.Retried(stream, identity.Group);
                    try
                    {
                        // Backoff between in-process attempts (not polling): a transient fault gets a moment to clear.
                        await Task.Delay(settings.RetryBackoff * Math.Pow(2, attempt - 1), timeProvider, abort).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        return false;
                    }
                }
            }
        }

        metrics.HandlerDuration(stream, identity.Group, envelope.TypeName, timeProvider.GetElapsedTime(started));
        metrics.Failed(stream, identity.Group, envelope.TypeName);
        activity?.SetStatus(ActivityStatusCode.Error, failure?.Message);
        activity?.AddException(failure!);
        if (delivery.DeliveryCount >= settings.MaxDeliveries)
        {
            activity?.SetTag(MessagingTelemetry.OutcomeTag, "dead_lettered");
            return (await DeadLetterAsync(stream, delivery, $"{failure!.GetType().FullName}: {failure.Message}").ConfigureAwait(false)).Settled;
        }

        // Left pending: XAUTOCLAIM delivers it again after ReclaimAfter (to this consumer or another), which
        // counts as the next delivery. Entries behind it keep flowing meanwhile.
        activity?.SetTag(MessagingTelemetry.OutcomeTag, "left_pending");
        MessagingLog.LeftPending(logger, stream, delivery.EntryId, delivery.DeliveryCount, settings.MaxDeliveries);
        return false;
    }

    /// <summary>
    /// The invoke step for a batch: one scope, one transaction, every entry's inbox check and handlers in stream order,
    /// one commit. Returns false when it rolled back (a handler threw, or shutdown aborted it).
    /// </summary>
    private async Task<bool> InvokeTogetherAsync(string stream, List<DecodedDelivery> batch, CancellationToken abort)
    {
        // The batch's own span (its transaction's queries are children of it), linked to the trace of every entry in it;
        // each entry still gets its consumer span in the trace it was published in.
        using var batchActivity = MessagingTelemetry.ActivitySource.StartActivity(
            ActivityKind.Consumer, tags: null, links: batch.Select(entry => new ActivityLink(PublishedIn(entry.Envelope))), name: $"process {stream} batch");
        batchActivity?.SetTag(MessagingTelemetry.SystemTag, MessagingTelemetry.SystemValue)
            .SetTag(MessagingTelemetry.OperationTypeTag, "process")
            .SetTag(MessagingTelemetry.DestinationTag, stream)
            .SetTag(MessagingTelemetry.ConsumerGroupTag, identity.Group)
            .SetTag(MessagingTelemetry.BatchSizeTag, batch.Count);

        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var services = scope.ServiceProvider;
            var transaction = services.GetRequiredService<IBatchTransaction>();
            var context = services.GetRequiredService<DeliveryContext>();
            var outcomes = new (bool Handled, TimeSpan Duration)[batch.Count];
            var afterCommit = new List<(string EntryId, Action Action)>();
            try
            {
                await transaction.BeginAsync(identity.Group, [.. batch.Select(entry => entry.Envelope.EventId)], abort).ConfigureAwait(false);
                for (var i = 0; i < batch.Count; i++)
                {
                    var (delivery, envelope, @event) = batch[i];
                    using var activity = StartProcessing(stream, delivery, envelope);
                    activity?.SetTag(MessagingTelemetry.BatchSizeTag, batch.Count);
                    var started = timeProvider.GetTimestamp();
                    context.Begin(stream, identity.Group, identity.Consumer, delivery, envelope.EventId);
                    var handled = await DispatchAsync(services, context, @event, abort).ConfigureAwait(false);
                    await transaction.EntryHandledAsync(abort).ConfigureAwait(false);
                    outcomes[i] = (handled, timeProvider.GetElapsedTime(started));
                    afterCommit.AddRange(context.TakeAfterCommit()?.Select(action => (delivery.EntryId, action)) ?? []);
                    activity?.SetTag(MessagingTelemetry.OutcomeTag, handled ? "handled" : "duplicate");
                }

                await transaction.CommitAsync(abort).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (abort.IsCancellationRequested)
            {
                await RollBackAsync(stream, transaction).ConfigureAwait(false);
                MessagingLog.HandlerAborted(logger, stream, batch[0].Delivery.EntryId);
                batchActivity?.SetStatus(ActivityStatusCode.Error, "aborted by shutdown");
                return false;
            }
#pragma warning disable CA1031 // A handler may throw anything; the entries are then handled one by one, where it is decided about.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                await RollBackAsync(stream, transaction).ConfigureAwait(false);
                MessagingLog.BatchRolledBack(logger, exception, stream, batch.Count);
                metrics.BatchRolledBack(stream, identity.Group);
                batchActivity?.SetStatus(ActivityStatusCode.Error, exception.Message);
                batchActivity?.SetTag(MessagingTelemetry.OutcomeTag, "rolled_back");
                return false;
            }

            // Counted only now: a batch that rolled back is handled (and counted) again, one by one.
            metrics.BatchCommitted(stream, identity.Group, batch.Count);
            for (var i = 0; i < batch.Count; i++)
            {
                Count(stream, batch[i].Delivery, batch[i].Envelope, outcomes[i].Handled, outcomes[i].Duration);
            }

            foreach (var (entryId, action) in afterCommit)
            {
                RunAfterCommit(stream, entryId, action);
            }

            batchActivity?.SetTag(MessagingTelemetry.OutcomeTag, "committed");
            return true;
        }
    }

    /// <summary>One delivery in a scope of its own; false when the inbox says the event was applied already.</summary>
    private async Task<bool> DispatchAloneAsync(string stream, Delivery delivery, EntryEnvelope envelope, IntegrationEvent @event, CancellationToken abort)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var context = scope.ServiceProvider.GetRequiredService<DeliveryContext>();
            context.Begin(stream, identity.Group, identity.Consumer, delivery, envelope.EventId);
            var handled = await DispatchAsync(scope.ServiceProvider, context, @event, abort).ConfigureAwait(false);
            // The handlers' SaveChanges committed: what waited for it runs now (a failed attempt's scope forgets it).
            foreach (var action in context.TakeAfterCommit() ?? [])
            {
                RunAfterCommit(stream, delivery.EntryId, action);
            }

            return handled;
        }
    }

    /// <summary>The inbox check, the handlers, the inbox record; false when the inbox says the event was applied already.</summary>
    private static async Task<bool> DispatchAsync(IServiceProvider services, DeliveryContext context, IntegrationEvent @event, CancellationToken abort)
    {
        var inbox = services.GetService<IInbox>();
        if (inbox is not null && !await inbox.TryBeginAsync(context, @event.GetType(), abort).ConfigureAwait(false))
        {
            return false;
        }

        await services.GetRequiredService<IPublisher>().Publish(@event, abort).ConfigureAwait(false);
        if (inbox is not null)
        {
            await inbox.CompleteAsync(context, abort).ConfigureAwait(false);
        }

        return true;
    }

    /// <summary>The consumer span of one entry, in the trace it was published in; and the entry's delivery latency.</summary>
    private Activity? StartProcessing(string stream, Delivery delivery, EntryEnvelope envelope)
    {
        var activity = MessagingTelemetry.ActivitySource.StartActivity($"process {stream}", ActivityKind.Consumer, PublishedIn(envelope));
        activity?.SetTag(MessagingTelemetry.SystemTag, MessagingTelemetry.SystemValue)
            .SetTag(MessagingTelemetry.OperationTypeTag, "process")
            .SetTag(MessagingTelemetry.OperationNameTag, "process")
            .SetTag(MessagingTelemetry.DestinationTag, stream)
            .SetTag(MessagingTelemetry.ConsumerGroupTag, identity.Group)
            .SetTag(MessagingTelemetry.EntryIdTag, delivery.EntryId)
            .SetTag(MessagingTelemetry.MessageIdTag, envelope.EventId.ToString())
            .SetTag(MessagingTelemetry.EventTypeTag, envelope.TypeName)
            .SetTag(MessagingTelemetry.DeliveryCountTag, delivery.DeliveryCount);

        if (EntryPosition.Parse(delivery.EntryId) is { } position)
        {
            metrics.DeliveryLatency(stream, identity.Group, timeProvider.GetUtcNow() - position.AddedAt);
        }

        return activity;
    }

    private static ActivityContext PublishedIn(EntryEnvelope envelope)
    {
        ActivityContext.TryParse(envelope.TraceParent, envelope.TraceState, out var publishedIn);
        return publishedIn;
    }

    private void Count(string stream, Delivery delivery, EntryEnvelope envelope, bool handled, TimeSpan duration)
    {
        metrics.HandlerDuration(stream, identity.Group, envelope.TypeName, duration);
        if (handled)
        {
            metrics.Consumed(stream, identity.Group, envelope.TypeName);
        }
        else
        {
            MessagingLog.Duplicate(logger, stream, delivery.EntryId, envelope.TypeName, envelope.EventId);
            metrics.Duplicate(stream, identity.Group);
        }
    }

    private void RunAfterCommit(string stream, string entryId, Action action)
    {
        try
        {
            action();
        }
#pragma warning disable CA1031 // The entry's changes are committed: a failing follow-up must not make it look unhandled.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            MessagingLog.AfterCommitFailed(logger, exception, stream, entryId);
        }
    }

    private async Task RollBackAsync(string stream, IBatchTransaction transaction)
    {
        try
        {
            await transaction.RollbackAsync(CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // A rollback that fails still ends with the scope: disposing the connection rolls back.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            MessagingLog.BatchRollbackFailed(logger, exception, stream);
        }
    }

    private async Task<Decoded> DeadLetterAsync(string stream, Delivery delivery, string error)
    {
        try
        {
            await deadLetters.WriteAsync(stream, delivery, error).ConfigureAwait(false);
        }
        catch (RedisException exception)
        {
            // Not dead-lettered, so not acknowledged either: the entry stays pending and is tried again later.
            MessagingLog.DeadLetterFailed(logger, exception, stream, delivery.EntryId);
            return Decoded.Unsettled;
        }

        metrics.DeadLettered(stream, identity.Group);
        MessagingLog.DeadLettered(logger, stream, delivery.EntryId, delivery.DeliveryCount, error);
        return Decoded.Done;
    }

    /// <summary>What the decode step found: an event to handle, or a settled entry (true: acknowledge it).</summary>
    private readonly record struct Decoded(EntryEnvelope? Envelope, IntegrationEvent? Event, bool Settled)
    {
        public static Decoded Done => new(null, null, Settled: true);

        public static Decoded Unsettled => new(null, null, Settled: false);
    }

    private readonly record struct DecodedDelivery(Delivery Delivery, EntryEnvelope Envelope, IntegrationEvent Event);
}
