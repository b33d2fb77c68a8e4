using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Shop.Messaging.Configuration;
using Shop.Messaging.Events;
using Shop.Messaging.Partitioning;

namespace Shop.Messaging.Publishing;

/// <summary>Turns an event into the entry it becomes: key (its stream, or its partition), fields and the trace context it was raised in.</summary>
internal sealed class EventSerializer(
    EventCatalog catalog, StreamPartitioner partitioner, IOptions<MessagingOptions> options, TimeProvider timeProvider)
{
    /// <summary>
    /// Serializes <paramref name="event"/>; <see cref="Activity.Current"/> becomes its parent trace. An event that breaks
    /// its rules throws <see cref="InvalidEventException"/>: what its consumers would dead-letter is never written.
    /// </summary>
    public OutgoingEntry Serialize(IntegrationEvent @event)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var registration = catalog.Get(@event.GetType());
        if (InvalidEventException.For(@event, registration.TypeName) is { } invalid)
        {
            throw invalid;
        }

        var occurredAt = @event.OccurredAt == default ? timeProvider.GetUtcNow() : @event.OccurredAt;
        var activity = Activity.Current;
        return new OutgoingEntry(
            partitioner.KeyFor(registration.Stream, registration.PartitionKey?.Invoke(@event) ?? @event.Id.ToString()),
            @event.Id.ToString(),
            registration.TypeName,
            registration.Version,
            JsonSerializer.Serialize(@event, registration.JsonTypeInfo),
            occurredAt.ToUniversalTime(),
            options.Value.ServiceName,
            activity?.Id is { } id && activity.IdFormat == ActivityIdFormat.W3C ? id : null,
            activity?.TraceStateString);
    }
}
