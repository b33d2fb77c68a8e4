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
/// Handles one delivery of one entry: check it, find its type, dispatch it to its handlers with bounded retries,
/// and decide whether it may be acknowledged. Never throws for a bad entry or a failing handler.
/// </summary>
internal sealed class EntryProcessor(
    IServiceScopeFactory scopes,
    EventCatalog catalog,
    HandlerRegistry handlers,
    DeadLetterWriter deadLetters,
    ConsumerIdentity identity,
    IOptions<MessagingOptions> options,
    MessagingMetrics metrics,
    TimeProvider timeProvider,
    ILogger<EntryProcessor> logger)
{
    /// <summary>Returns true when the entry is done with (handled, skipped or dead-lettered) and may be acknowledged.</summary>
    /// <param name="stream">The stream the entry came from.</param>
    /// <param name="delivery">The entry and its delivery count.</param>
    /// <param name="abort">Cancelled only when a handler must give up (the host's shutdown timeout ran out).</param>
    public async Task<bool> ProcessAsync(string stream, Delivery delivery, CancellationToken abort)
    {
        if (delivery.Entry.Values is not { Length: > 0 })
        {
            // XREADGROUP from the pending list and XAUTOCLAIM return deleted (trimmed) entries without fields:
            // there is nothing left to handle, only the pending entry to clear.
            MessagingLog.EntryGone(logger, stream, delivery.EntryId);
            metrics.Skipped(stream, identity.Group);
            return true;
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
            return true;
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

        @event = @event with { Id = envelope.EventId, OccurredAt = envelope.OccurredAt };
        return await HandleAsync(stream, delivery, envelope, @event, abort).ConfigureAwait(false);
    }

    private async Task<bool> HandleAsync(string stream, Delivery delivery, EntryEnvelope envelope, IntegrationEvent @event, CancellationToken abort)
    {
        ActivityContext.TryParse(envelope.TraceParent, envelope.TraceState, out var publishedIn);
        using var activity = MessagingTelemetry.ActivitySource.StartActivity($"process {stream}", ActivityKind.Consumer, publishedIn);
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

        var started = timeProvider.GetTimestamp();
        var settings = options.Value;
        Exception? failure = null;
        for (var attempt = 1; attempt <= settings.HandlerAttempts; attempt++)
        {
            try
            {
                var handled = await DispatchAsync(stream, delivery, envelope, @event, abort).ConfigureAwait(false);
                metrics.HandlerDuration(stream, identity.Group, envelope.TypeName, timeProvider.GetElapsedTime(started));
                if (handled)
                {
                    metrics.Consumed(stream, identity.Group, envelope.TypeName);
                }

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
            return await DeadLetterAsync(stream, delivery, $"{failure!.GetType().FullName}: {failure.Message}").ConfigureAwait(false);
        }

        // Left pending: XAUTOCLAIM delivers it again after ReclaimAfter (to this consumer or another), which
        // counts as the next delivery. Entries behind it keep flowing meanwhile.
        activity?.SetTag(MessagingTelemetry.OutcomeTag, "left_pending");
        MessagingLog.LeftPending(logger, stream, delivery.EntryId, delivery.DeliveryCount, settings.MaxDeliveries);
        return false;
    }

    /// <summary>Runs the handlers in a scope of their own; false when the inbox says the event was applied already.</summary>
    private async Task<bool> DispatchAsync(string stream, Delivery delivery, EntryEnvelope envelope, IntegrationEvent @event, CancellationToken abort)
    {
        var scope = scopes.CreateAsyncScope();
        await using (scope.ConfigureAwait(false))
        {
            var context = scope.ServiceProvider.GetRequiredService<DeliveryContext>();
            context.Stream = stream;
            context.Group = identity.Group;
            context.Consumer = identity.Consumer;
            context.EntryId = delivery.EntryId;
            context.EventId = envelope.EventId;
            context.DeliveryCount = delivery.DeliveryCount;
            var inbox = scope.ServiceProvider.GetService<IInbox>();
            if (inbox is not null && !await inbox.TryBeginAsync(context, @event.GetType(), abort).ConfigureAwait(false))
            {
                MessagingLog.Duplicate(logger, stream, context.EntryId, envelope.TypeName, envelope.EventId);
                metrics.Duplicate(stream, identity.Group);
                return false;
            }

            await scope.ServiceProvider.GetRequiredService<IPublisher>().Publish(@event, abort).ConfigureAwait(false);
            if (inbox is not null)
            {
                await inbox.CompleteAsync(context, abort).ConfigureAwait(false);
            }

            return true;
        }
    }

    private async Task<bool> DeadLetterAsync(string stream, Delivery delivery, string error)
    {
        try
        {
            await deadLetters.WriteAsync(stream, delivery, error).ConfigureAwait(false);
        }
        catch (RedisException exception)
        {
            // Not dead-lettered, so not acknowledged either: the entry stays pending and is tried again later.
            MessagingLog.DeadLetterFailed(logger, exception, stream, delivery.EntryId);
            return false;
        }

        metrics.DeadLettered(stream, identity.Group);
        MessagingLog.DeadLettered(logger, stream, delivery.EntryId, delivery.DeliveryCount, error);
        return true;
    }
}
